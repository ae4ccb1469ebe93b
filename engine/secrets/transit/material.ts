/** The key material of one version: generated for a new version, decoded (and cached by the key) for use. */
import crypto, { type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { CURVES, isECDSA, isRSA, type KeyType, type StoredVersion } from './key-types.js';

const generateKeyPair = promisify(crypto.generateKeyPair);

/** Decoded material of one version, cached. */
export interface Material {
  key?: Buffer;
  hmac: Buffer;
  priv?: KeyObject;
  pub?: KeyObject;
}

/** Decodes a stored version's base64 keys and PEM private key. */
export function decodeVersion(sv: StoredVersion): Material {
  const m: Material = { hmac: Buffer.from(sv.hmac_key, 'base64') };
  if (sv.key) m.key = Buffer.from(sv.key, 'base64');
  if (sv.private_key) {
    m.priv = crypto.createPrivateKey(sv.private_key);
    m.pub = crypto.createPublicKey(m.priv);
  }
  return m;
}

/** Fresh material for a new version of a key of type `t` (`keySize`: HMAC keys only). */
export async function generateVersion(t: KeyType, keySize: number, nowMs: number): Promise<StoredVersion> {
  const sv: StoredVersion = { hmac_key: crypto.randomBytes(32).toString('base64'), creation_time: nowMs };
  const pem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
  if (t === 'aes128-gcm96') sv.key = crypto.randomBytes(16).toString('base64');
  else if (t === 'aes256-gcm96' || t === 'chacha20-poly1305' || t === 'xchacha20-poly1305')
    sv.key = crypto.randomBytes(32).toString('base64');
  else if (t === 'hmac') sv.key = crypto.randomBytes(keySize || 32).toString('base64');
  else if (t === 'ed25519') sv.private_key = pem((await generateKeyPair('ed25519')).privateKey);
  else if (isECDSA(t)) sv.private_key = pem((await generateKeyPair('ec', { namedCurve: CURVES[t].node })).privateKey);
  else if (isRSA(t))
    sv.private_key = pem((await generateKeyPair('rsa', { modulusLength: Number(t.slice(4)) })).privateKey);
  return sv;
}
