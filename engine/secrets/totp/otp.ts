/** RFC 4226 HOTP and RFC 6238 TOTP, base32 (RFC 4648) and the otpauth:// key URI. */
import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 without padding (what Google-Authenticator-style keys use). */
export function base32Encode(b: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes base32 as Go's StdEncoding does after Vault upper-cases and pads the key: the
 * length must come out a multiple of 8 with only valid padding. @throws Error with Go's wording.
 */
export function base32Decode(text: string): Buffer {
  let s = text.toUpperCase();
  if (s.length % 8) s += '='.repeat(8 - (s.length % 8));
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  const end = s.indexOf('=') === -1 ? s.length : s.indexOf('=');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (i >= end) {
      if (c !== '=') throw new Error(`illegal base32 data at input byte ${i}`);
      continue;
    }
    const v = ALPHABET.indexOf(c);
    if (v === -1) throw new Error(`illegal base32 data at input byte ${i}`);
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const pad = s.length - end;
  if (![0, 1, 3, 4, 6].includes(pad)) throw new Error(`illegal base32 data at input byte ${end}`);
  return Buffer.from(bytes);
}

export type Algorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** One HOTP value for a counter. */
export function hotp(secret: Buffer, counter: number, digits: number, algorithm: Algorithm): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac(algorithm.toLowerCase(), secret).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The TOTP value at unix time `t` seconds. */
export function totp(secret: Buffer, t: number, period: number, digits: number, algorithm: Algorithm): string {
  return hotp(secret, Math.floor(t / period), digits, algorithm);
}

/** Whether `code` is the value of the current step or, with skew 1, of the step before or after. */
export function validate(
  code: string,
  secret: Buffer,
  t: number,
  o: { period: number; digits: number; algorithm: Algorithm; skew: number },
): boolean {
  if (code.length !== o.digits) return false;
  const step = Math.floor(t / o.period);
  for (let i = -o.skew; i <= o.skew; i++) {
    const want = hotp(secret, step + i, o.digits, o.algorithm);
    if (crypto.timingSafeEqual(Buffer.from(want), Buffer.from(code))) return true;
  }
  return false;
}

/** Percent-encoding as Go's url.URL.String() does for a path (keeps `:` `@` and sub-delims). */
function escapePath(s: string): string {
  return s.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
/** Go's url.QueryEscape (space → `+`). */
function escapeQuery(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `otpauth://totp/<Issuer>:<account>?algorithm=…&digits=…&issuer=…&period=…&secret=…` (keys sorted, as Go encodes). */
export function keyUrl(k: {
  issuer: string;
  account_name: string;
  key: string;
  period: number;
  digits: number;
  algorithm: string;
}): string {
  const q = [
    ['algorithm', k.algorithm],
    ['digits', String(k.digits)],
    ['issuer', k.issuer],
    ['period', String(k.period)],
    ['secret', k.key],
  ]
    .map(([a, b]) => `${a}=${escapeQuery(b)}`)
    .join('&');
  return `otpauth://totp/${escapePath(`${k.issuer}:${k.account_name}`)}?${q}`;
}
