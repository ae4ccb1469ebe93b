/** The text forms of ciphertexts and signatures: `vault:v<N>:<base64>`, strict base64. */
import { userError } from '../../sdk/errors.js';

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (Go's StdEncoding). @throws the caller's message on bad input. */
export function decodeB64(s: string, what: string, message?: string): Buffer {
  const clean = s.replace(/[\r\n]/g, '');
  if (!B64_RE.test(clean)) throw userError(message ?? `invalid ${what}: could not decode base64`);
  return Buffer.from(clean, 'base64');
}
/** Base64url (signatures marshaled as JWS). */
export function decodeB64Url(s: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw userError('invalid signature: could not decode base64');
  return Buffer.from(s, 'base64url');
}

/** `v<N>` → N; `v0` means version 1, as in Vault. */
export function parseVersion(s: string, what: string): number {
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
