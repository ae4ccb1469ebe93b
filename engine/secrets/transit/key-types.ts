/**
 * Transit key types and the shapes a key is stored in: which types exist, what each can do
 * (encrypt, sign, derive), Vault's hash names, and the checks `keys/<name>` applies on create.
 */
import { userError } from '../../sdk/errors.js';

export const KEY_TYPES = [
  'aes128-gcm96',
  'aes256-gcm96',
  'chacha20-poly1305',
  'xchacha20-poly1305',
  'ed25519',
  'ecdsa-p256',
  'ecdsa-p384',
  'ecdsa-p521',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
  'hmac',
] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** ECDSA key types: node's curve name and the name Vault shows. */
export const CURVES: Record<string, { node: string; name: string }> = {
  'ecdsa-p256': { node: 'prime256v1', name: 'P-256' },
  'ecdsa-p384': { node: 'secp384r1', name: 'P-384' },
  'ecdsa-p521': { node: 'secp521r1', name: 'P-521' },
};

/** Vault's hash names → node's. */
export const HASHES: Record<string, string> = {
  sha1: 'sha1',
  'sha2-224': 'sha224',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};

export const isSymmetric = (t: string) =>
  t === 'aes128-gcm96' || t === 'aes256-gcm96' || t === 'chacha20-poly1305' || t === 'xchacha20-poly1305';
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

/** How to sign or verify: the request fields of `sign/` and `verify/`. */
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

/** Validates creation options the way `keys/<name>` does. */
export function validateCreate(
  type: string,
  derived: boolean,
  convergent: boolean,
  keySize: number,
  autoRotate: number,
): KeyType {
  if (!(KEY_TYPES as readonly string[]).includes(type)) throw userError(`unknown key type ${type}`);
  if (convergent && !derived) throw userError('convergent encryption requires derivation to be enabled');
  if (derived && !supportsDerivation(type))
    throw userError(`key derivation and convergent encryption not supported for keys of type ${type}`);
  if (keySize && type !== 'hmac') throw userError(`key_size is not valid for algorithm ${type}`);
  if (type === 'hmac' && keySize && (keySize < 32 || keySize > 512))
    throw userError('invalid key_size provided, must be between 32 and 512 bytes');
  if (autoRotate !== 0 && autoRotate < 3600)
    throw userError('auto rotate period must be 0 to disable or at least an hour');
  if (autoRotate < 0) throw userError('auto rotate period cannot be negative');
  return type as KeyType;
}
