/**
 * The AEADs of transit's symmetric key types: AES-GCM, ChaCha20-Poly1305, and XChaCha20-Poly1305
 * built from node's ChaCha20 (HChaCha20 subkey, 24-byte nonce).
 */
import crypto from 'node:crypto';
import { userError } from '../../sdk/errors.js';

const NONCE = 12;
/** XChaCha20-Poly1305 carries a 24-byte nonce, as Go's chacha20poly1305.NewX does. */
const XNONCE = 24;
export const nonceSize = (t: string) => (t === 'xchacha20-poly1305' ? XNONCE : NONCE);
export const TAG = 16;

const SIGMA = Buffer.from('expand 32-byte k', 'latin1');

/**
 * HChaCha20 (the XChaCha20 subkey step) through node's own ChaCha20: one keystream block
 * with the 16 nonce bytes in the counter and nonce words is the rounds' output plus the
 * input state; HChaCha20 is words 0–3 and 12–15 of that output without the addition.
 */
export function hchacha20(key: Buffer, nonce16: Buffer): Buffer {
  const block = crypto.createCipheriv('chacha20', key, nonce16).update(Buffer.alloc(64));
  const out = Buffer.alloc(32);
  for (let i = 0; i < 4; i++) {
    out.writeUInt32LE((block.readUInt32LE(4 * i) - SIGMA.readUInt32LE(4 * i)) >>> 0, 4 * i);
    out.writeUInt32LE((block.readUInt32LE(48 + 4 * i) - nonce16.readUInt32LE(4 * i)) >>> 0, 16 + 4 * i);
  }
  return out;
}

/** The AEAD of a symmetric key type; XChaCha20 runs ChaCha20-Poly1305 under an HChaCha20 subkey. */
export function aead(t: string, key: Buffer, nonce: Buffer, decrypt: boolean): crypto.CipherGCM | crypto.DecipherGCM {
  if (t === 'xchacha20-poly1305') {
    const sub = hchacha20(key, nonce.subarray(0, 16));
    const n12 = Buffer.concat([Buffer.alloc(4), nonce.subarray(16, 24)]);
    return (decrypt
      ? crypto.createDecipheriv('chacha20-poly1305', sub, n12, { authTagLength: TAG })
      : crypto.createCipheriv('chacha20-poly1305', sub, n12, { authTagLength: TAG })) as unknown as crypto.CipherGCM;
  }
  if (t === 'chacha20-poly1305') {
    return (decrypt
      ? crypto.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })
      : crypto.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })) as unknown as crypto.CipherGCM;
  }
  const alg = t === 'aes128-gcm96' ? 'aes-128-gcm' : 'aes-256-gcm';
  return decrypt ? crypto.createDecipheriv(alg, key, nonce) : crypto.createCipheriv(alg, key, nonce);
}

/** Encrypts under a symmetric key: nonce ‖ ciphertext ‖ tag. */
export function seal(t: string, key: Buffer, nonce: Buffer, plaintext: Buffer, aad?: Buffer): Buffer {
  const cipher = aead(t, key, nonce, false) as crypto.CipherGCM;
  if (aad?.length) cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return Buffer.concat([nonce, ct, tag]);
}

/** Decrypts nonce ‖ ciphertext ‖ tag. @throws a user error for a short payload or a failed tag. */
export function open(t: string, key: Buffer, payload: Buffer, aad?: Buffer): Buffer {
  const ns = nonceSize(t);
  if (payload.length < ns + TAG) throw userError('invalid ciphertext length');
  const nonce = payload.subarray(0, ns);
  const tag = payload.subarray(payload.length - TAG);
  const ct = payload.subarray(ns, payload.length - TAG);
  const decipher = aead(t, key, nonce, true) as crypto.DecipherGCM;
  decipher.setAuthTag(tag);
  if (aad?.length) decipher.setAAD(aad, { plaintextLength: ct.length });
  try {
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    throw userError('cipher: message authentication failed');
  }
}
