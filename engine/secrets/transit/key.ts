/**
 * A transit named key ("policy" in Vault's source): a ring of versions, each with its key
 * material and its own HMAC key, plus the rules that say which versions may encrypt,
 * decrypt, sign or verify. All crypto is node:crypto; all time is the engine clock.
 */
import crypto, { type KeyObject } from 'node:crypto';
import type { Clock } from '../../sdk/clock.js';
import { userError } from '../../sdk/errors.js';
import { rfc3339Nano } from '../../sdk/ids.js';
import { nonceSize, open, seal } from './aead.js';
import { ed25519FromSeed, rawEd25519Public, rawEd25519Seed } from './ed25519.js';
import {
  CURVES,
  HASHES,
  isAsymmetric,
  isECDSA,
  isRSA,
  supportsDerivation,
  supportsEncryption,
  supportsSigning,
  type SignOptions,
  type StoredKey,
} from './key-types.js';
import { decodeVersion, generateVersion, type Material } from './material.js';
import { rsaDecrypt, rsaEncrypt } from './rsa.js';
import { signBytes, verifyBytes } from './signature.js';
import { decodeB64, decodeB64Url, parseVaultText, parseVersion } from './wire.js';

export class TransitKey {
  private material = new Map<number, Material>();
  constructor(readonly s: StoredKey) {}

  get name() {
    return this.s.name;
  }
  get type() {
    return this.s.type;
  }

  version(v: number): Material {
    let m = this.material.get(v);
    if (m) return m;
    const sv = this.s.keys[String(v)];
    if (!sv) throw userError(`invalid key version: ${v}`);
    m = decodeVersion(sv);
    this.material.set(v, m);
    return m;
  }

  /** Drops cached material of versions that no longer exist (trim, restore). */
  forget() {
    this.material.clear();
  }

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
    if (requested > s.latest_version)
      throw userError('requested version for encryption is higher than the latest key version');
    if (s.min_encryption_version && requested < s.min_encryption_version)
      throw userError('requested version for encryption is less than the minimum encryption key version');
    if (requested < s.min_available_version)
      throw userError('requested version for encryption is less than the minimum available key version');
    return requested;
  }

  /** Checks a version read from a ciphertext or signature. */
  checkDecryptionVersion(v: number, what = 'ciphertext') {
    if (v > this.s.latest_version) throw userError(`invalid ${what}: version is too new`);
    if (v < this.s.min_decryption_version || v < this.s.min_available_version)
      throw userError('ciphertext or signature version is disallowed by policy (too old)');
  }

  // ---------------------------------------------------------------- derivation

  private requireContext(context: Buffer | undefined): Buffer {
    if (!context || context.length === 0)
      throw userError(
        "missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key",
      );
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
      return `vault:v${v}:${rsaEncrypt(this.version(v).pub!, plaintext).toString('base64')}`;
    }
    const key = this.encryptionKey(v, opts.context);
    let nonce: Buffer;
    if (this.s.convergent_encryption) {
      if (opts.nonce?.length) throw userError('nonce provided when not allowed');
      nonce = crypto.createHmac('sha256', key).update(plaintext).digest().subarray(0, nonceSize(t));
    } else {
      if (opts.nonce?.length) throw userError('nonce provided when not allowed');
      nonce = crypto.randomBytes(nonceSize(t));
    }
    return `vault:v${v}:${seal(t, key, nonce, plaintext, opts.aad).toString('base64')}`;
  }

  /** Decrypts `vault:v<N>:<base64>`; returns the plaintext and the version used. */
  decrypt(text: string, opts: { context?: Buffer; aad?: Buffer } = {}): { plaintext: Buffer; version: number } {
    const t = this.s.type;
    if (!supportsEncryption(t)) throw userError(`key type ${t} does not support decryption`);
    const { version, payload } = parseVaultText(text, 'ciphertext');
    this.checkDecryptionVersion(version);
    if (isRSA(t)) return { plaintext: rsaDecrypt(this.version(version).priv!, payload), version };
    const key = this.encryptionKey(version, opts.context);
    return { plaintext: open(t, key, payload, opts.aad), version };
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
    } else {
      sig = signBytes(t, this.version(v).priv!, input, o);
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
    return verifyBytes(t, this.version(version).pub!, input, sig, o);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Adds a version (create or rotate). */
  async addVersion(clock: Clock): Promise<void> {
    const s = this.s;
    const v = s.latest_version + 1;
    s.keys[String(v)] = await generateVersion(s.type, s.key_size, clock.nowMs());
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
        if (t === 'ed25519')
          return Buffer.concat([rawEd25519Seed(m.priv!), rawEd25519Public(m.pub!)]).toString('base64');
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
