/**
 * RSA signatures and encryption for transit: PKCS#1 v1.5 and PSS over messages or digests
 * we are given (node:crypto only hashes itself, so PSS over a digest is encoded here), and
 * OAEP with SHA-256 for encryption.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { userError } from '../../sdk/errors.js';
import { HASHES, type SignOptions } from './key-types.js';

/** RSA-OAEP (SHA-256) encryption, as Vault's transit does it. */
export function rsaEncrypt(pub: KeyObject, plaintext: Buffer): Buffer {
  return crypto.publicEncrypt(
    { key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    plaintext,
  );
}

/** RSA-OAEP (SHA-256) decryption. @throws a user error with Go's message when it fails. */
export function rsaDecrypt(priv: KeyObject, payload: Buffer): Buffer {
  try {
    return crypto.privateDecrypt(
      { key: priv, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      payload,
    );
  } catch {
    throw userError('failed to decrypt the ciphertext: crypto/rsa: decryption error');
  }
}

/** DER prefixes of PKCS#1 v1.5 DigestInfo, for signing a digest we are given. */
const DIGEST_INFO: Record<string, string> = {
  sha1: '3021300906052b0e03021a05000414',
  sha224: '302d300d06096086480165030402040500041c',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
  'sha3-224': '302d300d06096086480165030402070500041c',
  'sha3-256': '3031300d060960864801650304020805000420',
  'sha3-384': '3041300d060960864801650304020905000430',
  'sha3-512': '3051300d060960864801650304020a05000440',
};

function pssSalt(o: SignOptions, signing: boolean, hashLen: number): number {
  if (o.saltLength === 'auto' || o.saltLength === '')
    return signing ? crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN : crypto.constants.RSA_PSS_SALTLEN_AUTO;
  if (o.saltLength === 'hash') return hashLen;
  const n = Number(o.saltLength);
  if (!Number.isInteger(n) || n < 0)
    throw userError(`salt length must be "auto", "hash" or a non-negative integer, got ${o.saltLength}`);
  return n;
}

function checkRsaOptions(o: SignOptions) {
  if (o.algorithm !== 'pss' && o.algorithm !== 'pkcs1v15')
    throw userError(`unsupported rsa signature algorithm ${o.algorithm}`);
  if (o.hash === 'none' && !(o.prehashed && o.algorithm === 'pkcs1v15'))
    throw userError('hash_algorithm=none requires both prehashed=true and signature_algorithm=pkcs1v15');
}

export function rsaSign(priv: KeyObject, input: Buffer, o: SignOptions): Buffer {
  checkRsaOptions(o);
  const h = o.hash === 'none' ? '' : HASHES[o.hash];
  if (!o.prehashed) {
    if (o.algorithm === 'pkcs1v15')
      return crypto.sign(h, input, { key: priv, padding: crypto.constants.RSA_PKCS1_PADDING });
    const hashLen = crypto.createHash(h).digest().length;
    return crypto.sign(h, input, {
      key: priv,
      padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
      saltLength: pssSalt(o, true, hashLen),
    });
  }
  if (o.algorithm === 'pkcs1v15') {
    const em = h ? Buffer.concat([Buffer.from(DIGEST_INFO[h], 'hex'), input]) : input;
    return crypto.privateEncrypt({ key: priv, padding: crypto.constants.RSA_PKCS1_PADDING }, em);
  }
  const hashLen = crypto.createHash(h).digest().length;
  if (input.length !== hashLen) throw userError(`prehashed input must be a ${hashLen}-byte ${o.hash} digest`);
  const bits = rsaBits(priv);
  let salt = pssSalt(o, true, hashLen);
  const emLen = Math.ceil((bits - 1) / 8);
  if (salt === crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN) salt = emLen - hashLen - 2;
  const em = emsaPssEncode(input, bits - 1, h, salt);
  const padded = Buffer.concat([Buffer.alloc(Math.ceil(bits / 8) - em.length), em]);
  return crypto.privateEncrypt({ key: priv, padding: crypto.constants.RSA_NO_PADDING }, padded);
}

export function rsaVerify(pub: KeyObject, input: Buffer, sig: Buffer, o: SignOptions): boolean {
  checkRsaOptions(o);
  const h = o.hash === 'none' ? '' : HASHES[o.hash];
  try {
    if (!o.prehashed) {
      if (o.algorithm === 'pkcs1v15')
        return crypto.verify(h, input, { key: pub, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
      const hashLen = crypto.createHash(h).digest().length;
      return crypto.verify(
        h,
        input,
        { key: pub, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSalt(o, false, hashLen) },
        sig,
      );
    }
    if (o.algorithm === 'pkcs1v15') {
      const em = h ? Buffer.concat([Buffer.from(DIGEST_INFO[h], 'hex'), input]) : input;
      const got = crypto.publicDecrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
      return got.length === em.length && crypto.timingSafeEqual(got, em);
    }
    const bits = rsaBits(pub);
    const raw = crypto.publicDecrypt({ key: pub, padding: crypto.constants.RSA_NO_PADDING }, sig);
    const emLen = Math.ceil((bits - 1) / 8);
    return emsaPssVerify(
      input,
      raw.subarray(raw.length - emLen),
      bits - 1,
      h,
      o.saltLength === 'hash' ? crypto.createHash(h).digest().length : -1,
    );
  } catch {
    return false;
  }
}

function rsaBits(k: KeyObject): number {
  return k.asymmetricKeyDetails!.modulusLength!;
}

function mgf1(seed: Buffer, len: number, h: string): Buffer {
  const out: Buffer[] = [];
  let total = 0;
  for (let c = 0; total < len; c++) {
    const cnt = Buffer.alloc(4);
    cnt.writeUInt32BE(c);
    const d = crypto.createHash(h).update(seed).update(cnt).digest();
    out.push(d);
    total += d.length;
  }
  return Buffer.concat(out).subarray(0, len);
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) over a digest we were given. */
function emsaPssEncode(mHash: Buffer, emBits: number, h: string, sLen: number): Buffer {
  const hLen = mHash.length;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + sLen + 2) throw userError('key too small for the requested PSS salt length');
  const salt = crypto.randomBytes(sLen);
  const H = crypto.createHash(h).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - sLen - hLen - 2), Buffer.from([1]), salt]);
  const mask = mgf1(H, emLen - hLen - 1, h);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, H, Buffer.from([0xbc])]);
}

/** EMSA-PSS-VERIFY; sLen -1 = recover any salt length. */
function emsaPssVerify(mHash: Buffer, em: Buffer, emBits: number, h: string, sLen: number): boolean {
  const hLen = mHash.length;
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || emLen < hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const db = Buffer.from(em.subarray(0, emLen - hLen - 1));
  const H = em.subarray(emLen - hLen - 1, emLen - 1);
  if (db[0] & ~(0xff >> (8 * emLen - emBits))) return false;
  const mask = mgf1(H, db.length, h);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  let i = 0;
  while (i < db.length && db[i] === 0) i++;
  if (i >= db.length || db[i] !== 1) return false;
  const salt = db.subarray(i + 1);
  if (sLen >= 0 && salt.length !== sLen) return false;
  const H2 = crypto.createHash(h).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return crypto.timingSafeEqual(H, H2);
}
