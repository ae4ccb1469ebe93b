/**
 * Transit named keys ("policies" in Vault's source): a ring of versions, each with its
 * key material and its own HMAC key, plus the rules that say which versions may encrypt,
 * decrypt, sign or verify. All crypto is node:crypto; all time is the engine clock.
 */
import crypto, { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Clock } from '../../sdk/clock.js';
import { userError, VaultError } from '../../sdk/errors.js';
import { rfc3339Nano } from '../../sdk/ids.js';
import type { StorageView } from '../../sdk/storage.js';
import { ecdsaSignDigest, ecdsaVerifyDigest } from './ecdsa.js';

const generateKeyPair = promisify(crypto.generateKeyPair);

export const KEY_TYPES = [
  'aes128-gcm96', 'aes256-gcm96', 'chacha20-poly1305', 'xchacha20-poly1305', 'ed25519',
  'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'hmac',
] as const;
export type KeyType = (typeof KEY_TYPES)[number];

const CURVES: Record<string, { node: string; name: string }> = {
  'ecdsa-p256': { node: 'prime256v1', name: 'P-256' },
  'ecdsa-p384': { node: 'secp384r1', name: 'P-384' },
  'ecdsa-p521': { node: 'secp521r1', name: 'P-521' },
};

/** Vault's hash names → node's. */
export const HASHES: Record<string, string> = {
  sha1: 'sha1', 'sha2-224': 'sha224', 'sha2-256': 'sha256', 'sha2-384': 'sha384', 'sha2-512': 'sha512',
  'sha3-224': 'sha3-224', 'sha3-256': 'sha3-256', 'sha3-384': 'sha3-384', 'sha3-512': 'sha3-512',
};

export const isSymmetric = (t: string) => t === 'aes128-gcm96' || t === 'aes256-gcm96' || t === 'chacha20-poly1305' || t === 'xchacha20-poly1305';
export const isRSA = (t: string) => t.startsWith('rsa-');
export const isECDSA = (t: string) => t.startsWith('ecdsa-');
export const isAsymmetric = (t: string) => isRSA(t) || isECDSA(t) || t === 'ed25519';
export const supportsEncryption = (t: string) => isSymmetric(t) || isRSA(t);
export const supportsSigning = (t: string) => isAsymmetric(t);
export const supportsDerivation = (t: string) => isSymmetric(t) || t === 'ed25519';

/** One version of a key as stored. */
export interface StoredVersion {
  /** Symmetric or HMAC key bytes, base64. */
  key?: string;
  /** The version's own HMAC key, base64. */
  hmac_key: string;
  /** PKCS#8 PEM private key for asymmetric types. */
  private_key?: string;
  creation_time: number; // unix ms
}

/** A named key as stored. */
export interface StoredKey {
  name: string;
  type: KeyType;
  derived: boolean;
  kdf: string;
  convergent_encryption: boolean;
  convergent_version: number;
  exportable: boolean;
  allow_plaintext_backup: boolean;
  deletion_allowed: boolean;
  min_decryption_version: number;
  min_encryption_version: number;
  min_available_version: number;
  latest_version: number;
  auto_rotate_period: number;
  key_size: number;
  last_rotated: number; // unix ms
  keys: Record<string, StoredVersion>;
  backup_info?: { time: string; version: number };
  restore_info?: { time: string; version: number };
}

/** Decoded material of one version, cached. */
interface Material {
  key?: Buffer;
  hmac: Buffer;
  priv?: KeyObject;
  pub?: KeyObject;
}

const NONCE = 12;
/** XChaCha20-Poly1305 carries a 24-byte nonce, as Go's chacha20poly1305.NewX does. */
const XNONCE = 24;
const nonceSize = (t: string) => (t === 'xchacha20-poly1305' ? XNONCE : NONCE);

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
    return (decrypt ? crypto.createDecipheriv('chacha20-poly1305', sub, n12, { authTagLength: TAG }) : crypto.createCipheriv('chacha20-poly1305', sub, n12, { authTagLength: TAG })) as unknown as crypto.CipherGCM;
  }
  if (t === 'chacha20-poly1305') {
    return (decrypt ? crypto.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG }) : crypto.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })) as unknown as crypto.CipherGCM;
  }
  const alg = t === 'aes128-gcm96' ? 'aes-128-gcm' : 'aes-256-gcm';
  return decrypt ? crypto.createDecipheriv(alg, key, nonce) : crypto.createCipheriv(alg, key, nonce);
}
const TAG = 16;

export class TransitKey {
  private material = new Map<number, Material>();
  constructor(readonly s: StoredKey) {}

  get name() { return this.s.name; }
  get type() { return this.s.type; }

  version(v: number): Material {
    let m = this.material.get(v);
    if (m) return m;
    const sv = this.s.keys[String(v)];
    if (!sv) throw userError(`invalid key version: ${v}`);
    m = { hmac: Buffer.from(sv.hmac_key, 'base64') };
    if (sv.key) m.key = Buffer.from(sv.key, 'base64');
    if (sv.private_key) {
      m.priv = crypto.createPrivateKey(sv.private_key);
      m.pub = crypto.createPublicKey(m.priv);
    }
    this.material.set(v, m);
    return m;
  }

  /** Drops cached material of versions that no longer exist (trim, restore). */
  forget() { this.material.clear(); }

  /** Key read body (reference §10.2). */
  body(): Record<string, unknown> {
    const s = this.s;
    const keys: Record<string, unknown> = {};
    for (const [v, sv] of Object.entries(s.keys)) {
      if (isAsymmetric(s.type)) {
        keys[v] = {
          creation_time: rfc3339Nano(sv.creation_time),
          name: isECDSA(s.type) ? CURVES[s.type].name : s.type,
          public_key: this.publicKeyText(Number(v)),
          certificate_chain: '',
        };
      } else {
        keys[v] = Math.floor(sv.creation_time / 1000);
      }
    }
    const out: Record<string, unknown> = {
      name: s.name,
      type: s.type,
      deletion_allowed: s.deletion_allowed,
      derived: s.derived,
      exportable: s.exportable,
      allow_plaintext_backup: s.allow_plaintext_backup,
      keys,
      latest_version: s.latest_version,
      min_available_version: s.min_available_version,
      min_decryption_version: s.min_decryption_version,
      min_encryption_version: s.min_encryption_version,
      supports_encryption: supportsEncryption(s.type),
      supports_decryption: supportsEncryption(s.type),
      supports_derivation: supportsDerivation(s.type),
      supports_signing: supportsSigning(s.type),
      auto_rotate_period: s.auto_rotate_period,
      imported_key: false,
    };
    if (s.derived) {
      out.kdf = s.kdf;
      out.convergent_encryption = s.convergent_encryption;
      if (s.convergent_encryption) out.convergent_encryption_version = s.convergent_version;
    }
    if (s.type === 'hmac') out.key_size = s.key_size;
    if (s.backup_info) out.backup_info = s.backup_info;
    if (s.restore_info) out.restore_info = s.restore_info;
    return out;
  }

  /** PEM SubjectPublicKeyInfo (ECDSA/RSA) or base64 of the raw 32 bytes (ed25519). */
  publicKeyText(v: number, context?: Buffer): string {
    const pub = context && this.s.derived ? this.derivedEd25519(v, context).pub : this.version(v).pub!;
    if (this.s.type === 'ed25519') return rawEd25519Public(pub).toString('base64');
    return pub.export({ type: 'spki', format: 'pem' }) as string;
  }

  // ---------------------------------------------------------------- versions

  /** Resolves a requested encryption/signing version (0 = latest) against the policy. */
  encryptionVersion(requested: number): number {
    const s = this.s;
    if (!requested) return s.latest_version;
    if (requested < 0) throw userError('requested version for encryption is invalid');
    if (requested > s.latest_version) throw userError('requested version for encryption is higher than the latest key version');
    if (s.min_encryption_version && requested < s.min_encryption_version) throw userError('requested version for encryption is less than the minimum encryption key version');
    if (requested < s.min_available_version) throw userError('requested version for encryption is less than the minimum available key version');
    return requested;
  }

  /** Checks a version read from a ciphertext or signature. */
  checkDecryptionVersion(v: number, what = 'ciphertext') {
    if (v > this.s.latest_version) throw userError(`invalid ${what}: version is too new`);
    if (v < this.s.min_decryption_version || v < this.s.min_available_version) throw userError('ciphertext or signature version is disallowed by policy (too old)');
  }

  // ---------------------------------------------------------------- derivation

  private requireContext(context: Buffer | undefined): Buffer {
    if (!context || context.length === 0) throw userError("missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key");
    return context;
  }

  /** The symmetric key to use for a version and context. */
  encryptionKey(v: number, context?: Buffer): Buffer {
    const m = this.version(v);
    if (!this.s.derived) return m.key!;
    const ctx = this.requireContext(context);
    return Buffer.from(crypto.hkdfSync('sha256', m.key!, Buffer.alloc(0), ctx, m.key!.length));
  }

  private derivedEd25519(v: number, context?: Buffer): { priv: KeyObject; pub: KeyObject } {
    const m = this.version(v);
    if (!this.s.derived) return { priv: m.priv!, pub: m.pub! };
    const ctx = this.requireContext(context);
    const seed = Buffer.from(crypto.hkdfSync('sha256', rawEd25519Seed(m.priv!), Buffer.alloc(0), ctx, 32));
    const priv = ed25519FromSeed(seed);
    return { priv, pub: crypto.createPublicKey(priv) };
  }

  // ---------------------------------------------------------------- encryption

  /** Encrypts to `vault:v<N>:<base64>`. */
  encrypt(v: number, plaintext: Buffer, opts: { context?: Buffer; nonce?: Buffer; aad?: Buffer } = {}): string {
    const t = this.s.type;
    if (!supportsEncryption(t)) throw userError(`key type ${t} does not support encryption`);
    if (isRSA(t)) {
      const m = this.version(v);
      const out = crypto.publicEncrypt({ key: m.pub!, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, plaintext);
      return `vault:v${v}:${out.toString('base64')}`;
    }
    const key = this.encryptionKey(v, opts.context);
    let nonce: Buffer;
    if (this.s.convergent_encryption) {
      if (opts.nonce && opts.nonce.length) throw userError('nonce provided when not allowed');
      nonce = crypto.createHmac('sha256', key).update(plaintext).digest().subarray(0, nonceSize(t));
    } else {
      if (opts.nonce && opts.nonce.length) throw userError('nonce provided when not allowed');
      nonce = crypto.randomBytes(nonceSize(t));
    }
    const cipher = aead(t, key, nonce, false) as crypto.CipherGCM;
    if (opts.aad && opts.aad.length) cipher.setAAD(opts.aad, { plaintextLength: plaintext.length });
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `vault:v${v}:${Buffer.concat([nonce, ct, tag]).toString('base64')}`;
  }

  /** Decrypts `vault:v<N>:<base64>`; returns the plaintext and the version used. */
  decrypt(text: string, opts: { context?: Buffer; aad?: Buffer } = {}): { plaintext: Buffer; version: number } {
    const t = this.s.type;
    if (!supportsEncryption(t)) throw userError(`key type ${t} does not support decryption`);
    const { version, payload } = parseVaultText(text, 'ciphertext');
    this.checkDecryptionVersion(version);
    if (isRSA(t)) {
      const m = this.version(version);
      try {
        return { plaintext: crypto.privateDecrypt({ key: m.priv!, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, payload), version };
      } catch {
        throw userError('failed to decrypt the ciphertext: crypto/rsa: decryption error');
      }
    }
    const key = this.encryptionKey(version, opts.context);
    const ns = nonceSize(t);
    if (payload.length < ns + TAG) throw userError('invalid ciphertext length');
    const nonce = payload.subarray(0, ns);
    const tag = payload.subarray(payload.length - TAG);
    const ct = payload.subarray(ns, payload.length - TAG);
    const decipher = aead(t, key, nonce, true) as crypto.DecipherGCM;
    decipher.setAuthTag(tag);
    if (opts.aad && opts.aad.length) decipher.setAAD(opts.aad, { plaintextLength: ct.length });
    try {
      return { plaintext: Buffer.concat([decipher.update(ct), decipher.final()]), version };
    } catch {
      throw userError('cipher: message authentication failed');
    }
  }

  // ---------------------------------------------------------------- HMAC

  hmacKey(v: number): Buffer {
    const m = this.version(v);
    return this.s.type === 'hmac' ? m.key! : m.hmac;
  }

  hmac(v: number, alg: string, input: Buffer): string {
    const h = crypto.createHmac(HASHES[alg], this.hmacKey(v)).update(input).digest();
    return `vault:v${v}:${h.toString('base64')}`;
  }

  // ---------------------------------------------------------------- signatures

  sign(v: number, input: Buffer, o: SignOptions): { signature: string; publicKey?: string } {
    const t = this.s.type;
    if (!supportsSigning(t)) throw userError(`key type ${t} does not support signing`);
    let sig: Buffer;
    let publicKey: string | undefined;
    if (t === 'ed25519') {
      if (o.prehashed) throw userError('ed25519 keys do not support prehashed input');
      const k = this.derivedEd25519(v, o.context);
      sig = crypto.sign(null, input, k.priv);
      if (this.s.derived) publicKey = rawEd25519Public(k.pub).toString('base64');
    } else if (isECDSA(t)) {
      const m = this.version(v);
      const enc = o.marshaling === 'jws' ? 'ieee-p1363' : 'der';
      if (o.hash === 'none') throw userError('hash algorithm none requires an RSA key with prehashed=true and signature_algorithm=pkcs1v15');
      sig = o.prehashed ? ecdsaSignDigest(m.priv!, input, enc) : crypto.sign(HASHES[o.hash], input, { key: m.priv!, dsaEncoding: enc });
    } else {
      const m = this.version(v);
      try {
        sig = rsaSign(m.priv!, input, o);
      } catch (e) {
        if (e instanceof VaultError) throw e;
        throw userError(`failed to sign the input: ${(e as Error).message}`);
      }
    }
    const encoded = o.marshaling === 'jws' ? sig.toString('base64url') : sig.toString('base64');
    return { signature: `vault:v${v}:${encoded}`, publicKey };
  }

  verify(signature: string, input: Buffer, o: SignOptions): boolean {
    const t = this.s.type;
    if (!supportsSigning(t)) throw userError(`key type ${t} does not support verification`);
    if (!signature.startsWith('vault:')) throw userError('invalid signature: no prefix');
    const parts = signature.split(':');
    if (parts.length !== 3) throw userError('invalid signature: wrong number of fields');
    const version = parseVersion(parts[1], 'signature');
    this.checkDecryptionVersion(version, 'signature');
    const sig = o.marshaling === 'jws' ? decodeB64Url(parts[2]) : decodeB64(parts[2], 'signature');
    if (t === 'ed25519') {
      const k = this.derivedEd25519(version, o.context);
      return crypto.verify(null, input, k.pub, sig);
    }
    const m = this.version(version);
    if (isECDSA(t)) {
      if (o.hash === 'none') throw userError('hash algorithm none requires an RSA key with prehashed=true and signature_algorithm=pkcs1v15');
      const enc = o.marshaling === 'jws' ? 'ieee-p1363' : 'der';
      try {
        return o.prehashed ? ecdsaVerifyDigest(m.pub!, input, sig, enc) : crypto.verify(HASHES[o.hash], input, { key: m.pub!, dsaEncoding: enc }, sig);
      } catch { return false; }
    }
    return rsaVerify(m.pub!, input, sig, o);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Adds a version (create or rotate). */
  async addVersion(clock: Clock): Promise<void> {
    const s = this.s;
    const v = s.latest_version + 1;
    const sv: StoredVersion = { hmac_key: crypto.randomBytes(32).toString('base64'), creation_time: clock.nowMs() };
    const t = s.type;
    if (t === 'aes128-gcm96') sv.key = crypto.randomBytes(16).toString('base64');
    else if (t === 'aes256-gcm96' || t === 'chacha20-poly1305' || t === 'xchacha20-poly1305') sv.key = crypto.randomBytes(32).toString('base64');
    else if (t === 'hmac') sv.key = crypto.randomBytes(s.key_size || 32).toString('base64');
    else if (t === 'ed25519') sv.private_key = (await generateKeyPair('ed25519')).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    else if (isECDSA(t)) sv.private_key = (await generateKeyPair('ec', { namedCurve: CURVES[t].node })).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    else if (isRSA(t)) sv.private_key = (await generateKeyPair('rsa', { modulusLength: Number(t.slice(4)) })).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    s.keys[String(v)] = sv;
    s.latest_version = v;
    s.last_rotated = clock.nowMs();
  }

  /** Key material for `export/<type>/<name>`. */
  exportKey(exportType: string, v: number): string {
    const t = this.s.type;
    const m = this.version(v);
    switch (exportType) {
      case 'encryption-key':
        if (!supportsEncryption(t)) throw userError('encryption key not supported by this key type');
        if (isRSA(t)) return m.priv!.export({ type: 'pkcs1', format: 'pem' }) as string;
        return m.key!.toString('base64');
      case 'signing-key':
        if (!supportsSigning(t)) throw userError('signing key not supported by this key type');
        if (t === 'ed25519') return Buffer.concat([rawEd25519Seed(m.priv!), rawEd25519Public(m.pub!)]).toString('base64');
        if (isECDSA(t)) return m.priv!.export({ type: 'sec1', format: 'pem' }) as string;
        return m.priv!.export({ type: 'pkcs1', format: 'pem' }) as string;
      case 'hmac-key':
        return this.hmacKey(v).toString('base64');
      case 'public-key':
        if (!isAsymmetric(t)) throw userError('public key not supported by this key type');
        return this.publicKeyText(v);
      default:
        throw userError(`invalid export type: ${exportType}`);
    }
  }
}

export interface SignOptions {
  hash: string;
  prehashed: boolean;
  /** RSA: pss | pkcs1v15. */
  algorithm: string;
  /** RSA-PSS salt length: auto | hash | integer. */
  saltLength: string;
  marshaling: 'asn1' | 'jws';
  context?: Buffer;
}

// ---------------------------------------------------------------- RSA

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
  if (o.saltLength === 'auto' || o.saltLength === '') return signing ? crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN : crypto.constants.RSA_PSS_SALTLEN_AUTO;
  if (o.saltLength === 'hash') return hashLen;
  const n = Number(o.saltLength);
  if (!Number.isInteger(n) || n < 0) throw userError(`salt length must be "auto", "hash" or a non-negative integer, got ${o.saltLength}`);
  return n;
}

function checkRsaOptions(o: SignOptions) {
  if (o.algorithm !== 'pss' && o.algorithm !== 'pkcs1v15') throw userError(`unsupported rsa signature algorithm ${o.algorithm}`);
  if (o.hash === 'none' && !(o.prehashed && o.algorithm === 'pkcs1v15')) throw userError('hash_algorithm=none requires both prehashed=true and signature_algorithm=pkcs1v15');
}

function rsaSign(priv: KeyObject, input: Buffer, o: SignOptions): Buffer {
  checkRsaOptions(o);
  const h = o.hash === 'none' ? '' : HASHES[o.hash];
  if (!o.prehashed) {
    if (o.algorithm === 'pkcs1v15') return crypto.sign(h, input, { key: priv, padding: crypto.constants.RSA_PKCS1_PADDING });
    const hashLen = crypto.createHash(h).digest().length;
    return crypto.sign(h, input, { key: priv, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSalt(o, true, hashLen) });
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

function rsaVerify(pub: KeyObject, input: Buffer, sig: Buffer, o: SignOptions): boolean {
  checkRsaOptions(o);
  const h = o.hash === 'none' ? '' : HASHES[o.hash];
  try {
    if (!o.prehashed) {
      if (o.algorithm === 'pkcs1v15') return crypto.verify(h, input, { key: pub, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
      const hashLen = crypto.createHash(h).digest().length;
      return crypto.verify(h, input, { key: pub, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSalt(o, false, hashLen) }, sig);
    }
    if (o.algorithm === 'pkcs1v15') {
      const em = h ? Buffer.concat([Buffer.from(DIGEST_INFO[h], 'hex'), input]) : input;
      const got = crypto.publicDecrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
      return got.length === em.length && crypto.timingSafeEqual(got, em);
    }
    const bits = rsaBits(pub);
    const raw = crypto.publicDecrypt({ key: pub, padding: crypto.constants.RSA_NO_PADDING }, sig);
    const emLen = Math.ceil((bits - 1) / 8);
    return emsaPssVerify(input, raw.subarray(raw.length - emLen), bits - 1, h, o.saltLength === 'hash' ? crypto.createHash(h).digest().length : -1);
  } catch {
    return false;
  }
}

function rsaBits(k: KeyObject): number { return k.asymmetricKeyDetails!.modulusLength!; }

function mgf1(seed: Buffer, len: number, h: string): Buffer {
  const out: Buffer[] = [];
  let total = 0;
  for (let c = 0; total < len; c++) {
    const cnt = Buffer.alloc(4); cnt.writeUInt32BE(c);
    const d = crypto.createHash(h).update(seed).update(cnt).digest();
    out.push(d); total += d.length;
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

// ---------------------------------------------------------------- ed25519 helpers

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function ed25519FromSeed(seed: Buffer): KeyObject {
  return crypto.createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}
function rawEd25519Seed(priv: KeyObject): Buffer {
  const der = priv.export({ type: 'pkcs8', format: 'der' }) as Buffer;
  return der.subarray(der.length - 32);
}
function rawEd25519Public(pub: KeyObject): Buffer {
  const der = pub.export({ type: 'spki', format: 'der' }) as Buffer;
  return der.subarray(der.length - 32);
}

// ---------------------------------------------------------------- encodings

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (Go's StdEncoding). @throws the caller's message on bad input. */
export function decodeB64(s: string, what: string, message?: string): Buffer {
  const clean = s.replace(/[\r\n]/g, '');
  if (!B64_RE.test(clean)) throw userError(message ?? `invalid ${what}: could not decode base64`);
  return Buffer.from(clean, 'base64');
}
function decodeB64Url(s: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw userError('invalid signature: could not decode base64');
  return Buffer.from(s, 'base64url');
}

function parseVersion(s: string, what: string): number {
  if (!/^v\d+$/.test(s)) throw userError(`invalid ${what}: version number could not be decoded`);
  const v = parseInt(s.slice(1), 10);
  return v === 0 ? 1 : v;
}

/** Splits `vault:v<N>:<base64>`. */
export function parseVaultText(text: string, what: string): { version: number; payload: Buffer } {
  if (!text.startsWith('vault:')) throw userError(`invalid ${what}: no prefix`);
  const parts = text.split(':');
  if (parts.length !== 3) throw userError(`invalid ${what}: wrong number of fields`);
  const version = parseVersion(parts[1], what);
  return { version, payload: decodeB64(parts[2], what) };
}

// ---------------------------------------------------------------- the ring

/** Loads, caches, creates and saves named keys for one mount. */
export class KeyStore {
  private cache = new Map<string, TransitKey>();
  private locks = new Map<string, Promise<unknown>>();
  constructor(private readonly storage: StorageView, private readonly clock: Clock) {}

  invalidate() { this.cache.clear(); }

  /** Runs `fn` with the key's name locked, so read-modify-write never interleaves. */
  async locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(name) ?? Promise.resolve();
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const chained = prev.then(() => next);
    this.locks.set(name, chained);
    await prev;
    try { return await fn(); } finally {
      release();
      if (this.locks.get(name) === chained) this.locks.delete(name);
    }
  }

  async get(name: string): Promise<TransitKey | undefined> {
    let k = this.cache.get(name);
    if (!k) {
      const s = await this.storage.getJSON<StoredKey>(`policy/${name}`);
      if (!s) return undefined;
      k = new TransitKey(s);
      this.cache.set(name, k);
    }
    await this.autoRotate(k);
    return k;
  }

  /** Rotates on the engine clock when `auto_rotate_period` has elapsed since the last rotation. */
  private async autoRotate(k: TransitKey) {
    const p = k.s.auto_rotate_period;
    if (!p || this.clock.nowMs() < k.s.last_rotated + p * 1000) return;
    await this.locked(k.name, async () => {
      if (this.clock.nowMs() < k.s.last_rotated + p * 1000) return;
      await k.addVersion(this.clock);
      await this.save(k);
    });
  }

  async save(k: TransitKey) {
    await this.storage.putJSON(`policy/${k.name}`, k.s);
    this.cache.set(k.name, k);
  }

  async delete(name: string) {
    await this.storage.delete(`policy/${name}`);
    this.cache.delete(name);
  }

  async list(): Promise<string[]> {
    return (await this.storage.list('policy/')).filter((k) => !k.endsWith('/'));
  }

  /** Creates a key with its first version. */
  async create(name: string, o: { type: KeyType; derived?: boolean; convergent?: boolean; exportable?: boolean; allowPlaintextBackup?: boolean; keySize?: number; autoRotatePeriod?: number }): Promise<TransitKey> {
    const s: StoredKey = {
      name, type: o.type, derived: !!o.derived, kdf: 'hkdf_sha256',
      convergent_encryption: !!o.convergent, convergent_version: o.convergent ? 3 : 0,
      exportable: !!o.exportable, allow_plaintext_backup: !!o.allowPlaintextBackup, deletion_allowed: false,
      min_decryption_version: 1, min_encryption_version: 0, min_available_version: 0, latest_version: 0,
      auto_rotate_period: o.autoRotatePeriod ?? 0, key_size: o.type === 'hmac' ? o.keySize || 32 : 0,
      last_rotated: this.clock.nowMs(), keys: {},
    };
    const k = new TransitKey(s);
    await k.addVersion(this.clock);
    await this.save(k);
    return k;
  }

  async config(): Promise<{ disable_upsert: boolean }> {
    return (await this.storage.getJSON<{ disable_upsert: boolean }>('config/keys')) ?? { disable_upsert: false };
  }
  async setConfig(c: { disable_upsert: boolean }) { await this.storage.putJSON('config/keys', c); }
}

/** Validates creation options the way `keys/<name>` does. */
export function validateCreate(type: string, derived: boolean, convergent: boolean, keySize: number, autoRotate: number): KeyType {
  if (!(KEY_TYPES as readonly string[]).includes(type)) throw userError(`unknown key type ${type}`);
  if (convergent && !derived) throw userError('convergent encryption requires derivation to be enabled');
  if (derived && !supportsDerivation(type)) throw userError(`key derivation and convergent encryption not supported for keys of type ${type}`);
  if (keySize && type !== 'hmac') throw userError(`key_size is not valid for algorithm ${type}`);
  if (type === 'hmac' && keySize && (keySize < 32 || keySize > 512)) throw userError('invalid key_size provided, must be between 32 and 512 bytes');
  if (autoRotate !== 0 && autoRotate < 3600) throw userError('auto rotate period must be 0 to disable or at least an hour');
  if (autoRotate < 0) throw userError('auto rotate period cannot be negative');
  return type as KeyType;
}
