/**
 * A small DER encoder and decoder: just what certificates, CSRs and CRLs need.
 * Building certificates by hand (and signing with node:crypto) keeps issuance fast and
 * synchronous; openssl checks the results in the tests.
 */

export type Der = Buffer;

function headerLength(n: number): number {
  if (n < 0x80) return 2;
  if (n < 0x100) return 3;
  if (n < 0x10000) return 4;
  if (n < 0x1000000) return 5;
  return 6;
}

/** Writes tag and length at `buf[0..]`; returns the header size. */
function writeHeader(buf: Buffer, tag: number, n: number): number {
  buf[0] = tag;
  if (n < 0x80) {
    buf[1] = n;
    return 2;
  }
  const h = headerLength(n);
  buf[1] = 0x80 | (h - 2);
  for (let i = h - 1, v = n; i >= 2; i--, v = Math.floor(v / 256)) buf[i] = v & 0xff;
  return h;
}

/** One TLV with the given tag byte (one allocation: issuance builds dozens per certificate). */
export function tlv(tag: number, content: Buffer): Der {
  const out = Buffer.allocUnsafe(headerLength(content.length) + content.length);
  const h = writeHeader(out, tag, content.length);
  content.copy(out, h);
  return out;
}

/** A constructed TLV around several encoded values, without concatenating them first. */
function wrap(tag: number, items: Der[]): Der {
  let n = 0;
  for (const it of items) n += it.length;
  const out = Buffer.allocUnsafe(headerLength(n) + n);
  let p = writeHeader(out, tag, n);
  for (const it of items) {
    it.copy(out, p);
    p += it.length;
  }
  return out;
}

export const seq = (...items: Der[]) => wrap(0x30, items);
export const set = (...items: Der[]) => wrap(0x31, items);
export const nul = () => Buffer.from([0x05, 0x00]);
export const bool = (b: boolean) => tlv(0x01, Buffer.from([b ? 0xff : 0x00]));
export const octet = (b: Buffer) => tlv(0x04, b);
export function bitString(b: Buffer, unused = 0): Der {
  const n = b.length + 1;
  const out = Buffer.allocUnsafe(headerLength(n) + n);
  const h = writeHeader(out, 0x03, n);
  out[h] = unused;
  b.copy(out, h + 1);
  return out;
}
export const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
export const printable = (s: string) => tlv(0x13, Buffer.from(s, 'latin1'));
export const ia5 = (s: string) => tlv(0x16, Buffer.from(s, 'latin1'));
/** Context-specific tag: `[n]` constructed (explicit or implicit SEQUENCE) or primitive (implicit). */
export const ctx = (n: number, content: Buffer, constructed = true) => tlv((constructed ? 0xa0 : 0x80) | n, content);

/** A non-negative INTEGER from a bigint, number or big-endian unsigned bytes. */
export function int(v: bigint | number | Buffer): Der {
  let b: Buffer;
  if (Buffer.isBuffer(v)) b = v;
  else {
    let hex = BigInt(v).toString(16);
    if (hex.length % 2) hex = '0' + hex;
    b = Buffer.from(hex, 'hex');
  }
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

const oidCache = new Map<string, Der>();

/** OBJECT IDENTIFIER; encodings are memoised (certificates repeat the same few dozen). */
export function oid(dotted: string): Der {
  let v = oidCache.get(dotted);
  if (!v) {
    v = encodeOid(dotted);
    if (oidCache.size < 1024) oidCache.set(dotted, v);
  }
  return v;
}

function encodeOid(dotted: string): Der {
  const parts = dotted.split('.').map((x) => BigInt(x));
  const out: number[] = [Number(parts[0] * 40n + parts[1])];
  for (const p of parts.slice(2)) {
    const bytes: number[] = [];
    let v = p;
    do {
      bytes.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < bytes.length - 1; i++) bytes[i] |= 0x80;
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 §4.1.2.5). */
export function time(ms: number): Der {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${p(y % 100)}${rest}`, 'latin1'));
  return tlv(0x18, Buffer.from(`${p(y, 4)}${rest}`, 'latin1'));
}

// ---------------------------------------------------------------- decoding

export interface Node {
  tag: number;
  /** The whole TLV. */
  raw: Buffer;
  /** The value bytes. */
  content: Buffer;
  children: Node[];
}

export class DerError extends Error {}

/** Parses one TLV at `offset`; constructed values are parsed recursively. */
export function parse(buf: Buffer, offset = 0): Node {
  if (offset + 2 > buf.length) throw new DerError('truncated DER');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let l = buf[offset + 1];
  let hdr = 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    if (n === 0 || n > 4) throw new DerError('bad DER length');
    l = 0;
    for (let i = 0; i < n; i++) l = l * 256 + buf[offset + 2 + i];
    hdr += n;
  }
  const end = offset + hdr + l;
  if (end > buf.length) throw new DerError('truncated DER');
  const content = buf.subarray(offset + hdr, end);
  const node: Node = { tag, raw: buf.subarray(offset, end), content, children: [] };
  if (tag & 0x20) {
    let p = 0;
    while (p < content.length) {
      const child = parse(content, p);
      node.children.push(child);
      p += child.raw.length;
    }
  }
  return node;
}

/** Parses a buffer that must hold exactly one TLV. */
export function parseAll(buf: Buffer): Node {
  const n = parse(buf);
  if (n.raw.length !== buf.length) throw new DerError('trailing data after DER value');
  return n;
}

export function readOid(n: Node): string {
  const b = n.content;
  const out: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < b.length; i++) {
    v = (v << 7n) | BigInt(b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (out.length === 0) {
        const first = v < 80n ? v / 40n : 2n;
        out.push(first, v - first * 40n);
      } else out.push(v);
      v = 0n;
    }
  }
  return out.join('.');
}

export function readString(n: Node): string {
  return n.tag === 0x1e
    ? Buffer.from(n.content).swap16().toString('utf16le')
    : n.content.toString(n.tag === 0x0c ? 'utf8' : 'latin1');
}

export function readTime(n: Node): number {
  const s = n.content.toString('latin1');
  const m =
    n.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new DerError(`bad time ${s}`);
  let y = Number(m[1]);
  if (n.tag === 0x17) y += y < 50 ? 2000 : 1900;
  return Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

// ---------------------------------------------------------------- PEM

export function pem(label: string, der: Buffer): string {
  const b = der.toString('base64');
  const lines = b.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----`;
}

/** Every PEM block in a text, in order. */
export function pemBlocks(text: string): Array<{ label: string; der: Buffer }> {
  const out: Array<{ label: string; der: Buffer }> = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)))
    out.push({ label: m[1], der: Buffer.from(m[2].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64') });
  return out;
}
