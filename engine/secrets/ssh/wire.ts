/**
 * The SSH wire format (RFC 4251 §5) and OpenSSH's key encodings: length-prefixed strings,
 * mpints, public key blobs, `authorized_keys` lines and the `openssh-key-v1` private key
 * container. Just what a certificate authority needs.
 */
import crypto, { type KeyObject } from 'node:crypto';

/** Builds a buffer out of SSH wire values, growing as needed. */
export class SshWriter {
  private buf = Buffer.allocUnsafe(512);
  private n = 0;
  private room(k: number) {
    if (this.n + k <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }
  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.n);
    this.n += 4;
    return this;
  }
  u64(v: bigint): this {
    this.room(8);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.n);
    this.n += 8;
    return this;
  }
  raw(b: Buffer): this {
    this.room(b.length);
    b.copy(this.buf, this.n);
    this.n += b.length;
    return this;
  }
  string(v: Buffer | string): this {
    const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    return this.u32(b.length).raw(b);
  }
  /** An mpint from unsigned big-endian bytes: minimal, with a 0 byte when the top bit is set. */
  mpint(unsigned: Buffer): this {
    let i = 0;
    while (i < unsigned.length && unsigned[i] === 0) i++;
    const b = unsigned.subarray(i);
    if (b.length && b[0] & 0x80)
      return this.u32(b.length + 1)
        .raw(Buffer.from([0]))
        .raw(b);
    return this.string(b);
  }
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.n));
  }
}

export class SshReadError extends Error {}

/** Reads SSH wire values; every read past the end throws SshReadError. */
export class SshReader {
  private p = 0;
  constructor(private readonly b: Buffer) {}
  get rest(): number {
    return this.b.length - this.p;
  }
  u32(): number {
    if (this.p + 4 > this.b.length) throw new SshReadError('short read');
    const v = this.b.readUInt32BE(this.p);
    this.p += 4;
    return v;
  }
  u64(): bigint {
    if (this.p + 8 > this.b.length) throw new SshReadError('short read');
    const v = this.b.readBigUInt64BE(this.p);
    this.p += 8;
    return v;
  }
  string(): Buffer {
    const n = this.u32();
    if (this.p + n > this.b.length) throw new SshReadError('short read');
    const v = this.b.subarray(this.p, this.p + n);
    this.p += n;
    return v;
  }
  text(): string {
    return this.string().toString('utf8');
  }
  /** An mpint as unsigned big-endian bytes (no sign byte). */
  mpint(): Buffer {
    const v = this.string();
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    return v.subarray(v.length && v[i] === 0 ? i + 1 : i);
  }
}

export const CURVES: Record<
  string,
  { name: string; node: string; jwk: string; bits: number; hash: string; size: number }
> = {
  nistp256: { name: 'ecdsa-sha2-nistp256', node: 'prime256v1', jwk: 'P-256', bits: 256, hash: 'sha256', size: 32 },
  nistp384: { name: 'ecdsa-sha2-nistp384', node: 'secp384r1', jwk: 'P-384', bits: 384, hash: 'sha384', size: 48 },
  nistp521: { name: 'ecdsa-sha2-nistp521', node: 'secp521r1', jwk: 'P-521', bits: 521, hash: 'sha512', size: 66 },
};
const CURVE_BY_NODE: Record<string, string> = { prime256v1: 'nistp256', secp384r1: 'nistp384', secp521r1: 'nistp521' };

/** A public key as SSH knows it: its algorithm name, its wire blob, and what key-length rules look at. */
export interface SshPublicKey {
  type: string;
  blob: Buffer;
  /** `rsa`, `ecdsa` or `ed25519` (Vault's names in `allowed_user_key_lengths`). */
  family: 'rsa' | 'ecdsa' | 'ed25519';
  bits: number;
}

const b64u = (b: Buffer) => b.toString('base64url');
const fromB64u = (s: string | undefined) => Buffer.from(s ?? '', 'base64url');

/** Parses a public key blob, checking that the key itself is sound (a point on its curve, a real modulus). */
export function parsePublicBlob(blob: Buffer): SshPublicKey {
  const r = new SshReader(blob);
  const type = r.text();
  if (type === 'ssh-ed25519') {
    const pk = r.string();
    if (pk.length !== 32 || r.rest) throw new SshReadError('ssh: invalid ed25519 key');
    return { type, blob, family: 'ed25519', bits: 256 };
  }
  if (type === 'ssh-rsa') {
    const e = r.mpint();
    const n = r.mpint();
    if (r.rest) throw new SshReadError('ssh: junk after the rsa key');
    crypto.createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
    return { type, blob, family: 'rsa', bits: bitLength(n) };
  }
  const m = /^ecdsa-sha2-(nistp\d+)$/.exec(type);
  if (m && CURVES[m[1]]) {
    const curve = r.text();
    const q = r.string();
    if (curve !== m[1] || r.rest) throw new SshReadError('ssh: curve name mismatch');
    ecPublicFromPoint(m[1], q);
    return { type, blob, family: 'ecdsa', bits: CURVES[m[1]].bits };
  }
  throw new SshReadError(`ssh: unknown key algorithm: ${type}`);
}

function bitLength(b: Buffer): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return 0;
  return (b.length - i) * 8 - (Math.clz32(b[i]) - 24);
}

/** A KeyObject for an uncompressed EC point (throws when the point is not on the curve). */
function ecPublicFromPoint(curveId: string, q: Buffer): KeyObject {
  const c = CURVES[curveId];
  if (q.length !== 1 + 2 * c.size || q[0] !== 4) throw new SshReadError('ssh: invalid ecdsa point');
  return crypto.createPublicKey({
    key: { kty: 'EC', crv: c.jwk, x: b64u(q.subarray(1, 1 + c.size)), y: b64u(q.subarray(1 + c.size)) },
    format: 'jwk',
  });
}

/** Parses an `authorized_keys` line (`[options] type base64 [comment]`). */
export function parseAuthorizedKey(line: string): SshPublicKey {
  const text = line.trim().split(/\r?\n/)[0] ?? '';
  const fields = text.split(/\s+/);
  for (let i = 0; i + 1 < fields.length; i++) {
    if (!/^(ssh-|ecdsa-)/.test(fields[i])) continue;
    const blob = Buffer.from(fields[i + 1], 'base64');
    if (!blob.length) break;
    const k = parsePublicBlob(blob);
    if (k.type !== fields[i]) throw new SshReadError(`ssh: key type ${fields[i]} does not match its blob (${k.type})`);
    return k;
  }
  throw new SshReadError('ssh: no key found');
}

/** The `authorized_keys` line of a blob (`type base64\n`). */
export function authorizedKey(blob: Buffer): string {
  return `${new SshReader(blob).text()} ${blob.toString('base64')}\n`;
}

/** The SSH public blob of a node key (private or public). */
export function publicBlob(k: KeyObject): Buffer {
  const pub = k.type === 'private' ? crypto.createPublicKey(k) : k;
  const spki = pub.export({ type: 'spki', format: 'der' }) as Buffer;
  const t = pub.asymmetricKeyType;
  if (t === 'ed25519')
    return new SshWriter()
      .string('ssh-ed25519')
      .string(spki.subarray(spki.length - 32))
      .done();
  if (t === 'ec') {
    const id = CURVE_BY_NODE[pub.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!id) throw new Error(`unsupported curve ${pub.asymmetricKeyDetails?.namedCurve}`);
    const q = spki.subarray(spki.length - (1 + 2 * CURVES[id].size));
    return new SshWriter().string(CURVES[id].name).string(id).string(q).done();
  }
  if (t === 'rsa') {
    const jwk = pub.export({ format: 'jwk' });
    return new SshWriter().string('ssh-rsa').mpint(fromB64u(jwk.e)).mpint(fromB64u(jwk.n)).done();
  }
  throw new Error(`unsupported key algorithm ${t}`);
}

/** The family and size of a node key, as `allowed_user_key_lengths` and the API name them. */
export function keyKind(k: KeyObject): { family: 'rsa' | 'ec' | 'ed25519'; bits: number; sshType: string } {
  const t = k.asymmetricKeyType;
  if (t === 'ed25519') return { family: 'ed25519', bits: 256, sshType: 'ssh-ed25519' };
  if (t === 'rsa') return { family: 'rsa', bits: k.asymmetricKeyDetails?.modulusLength ?? 0, sshType: 'ssh-rsa' };
  const id = CURVE_BY_NODE[k.asymmetricKeyDetails?.namedCurve ?? ''];
  if (t === 'ec' && id) return { family: 'ec', bits: CURVES[id].bits, sshType: CURVES[id].name };
  throw new Error(`unsupported key algorithm ${t}`);
}

// ------------------------------------------------------------ openssh-key-v1

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/** An unencrypted `OPENSSH PRIVATE KEY` block for a node private key (what ssh-keygen writes). */
export function opensshPrivateKey(k: KeyObject, comment = ''): string {
  const blob = publicBlob(k);
  const check = crypto.randomBytes(4).readUInt32BE(0);
  const w = new SshWriter().u32(check).u32(check);
  const t = k.asymmetricKeyType;
  const jwk = k.export({ format: 'jwk' });
  if (t === 'ed25519') {
    const pub = fromB64u(jwk.x);
    w.string('ssh-ed25519')
      .string(pub)
      .string(Buffer.concat([fromB64u(jwk.d), pub]));
  } else if (t === 'ec') {
    const r = new SshReader(blob);
    const name = r.text();
    const curve = r.text();
    w.string(name).string(curve).string(r.string()).mpint(fromB64u(jwk.d));
  } else if (t === 'rsa') {
    w.string('ssh-rsa');
    for (const f of ['n', 'e', 'd', 'qi', 'p', 'q'] as const) w.mpint(fromB64u(jwk[f]));
  } else throw new Error(`unsupported key algorithm ${t}`);
  w.string(comment);
  const body = w.done();
  const pad = Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, i) => i + 1));
  const all = new SshWriter()
    .raw(MAGIC)
    .string('none')
    .string('none')
    .string('')
    .u32(1)
    .string(blob)
    .string(Buffer.concat([body, pad]))
    .done();
  const lines = all.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** Reads an unencrypted `OPENSSH PRIVATE KEY` block into a node private key. */
export function parseOpensshPrivateKey(text: string): KeyObject {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!m) throw new SshReadError('ssh: no key found');
  const all = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  if (!all.subarray(0, MAGIC.length).equals(MAGIC)) throw new SshReadError('ssh: invalid openssh private key format');
  const r = new SshReader(all.subarray(MAGIC.length));
  const cipher = r.text();
  r.text();
  r.string();
  if (cipher !== 'none') throw new SshReadError('this private key is passphrase protected');
  if (r.u32() !== 1) throw new SshReadError('ssh: multi-key files are not supported');
  r.string();
  const p = new SshReader(r.string());
  const check1 = p.u32();
  if (check1 !== p.u32()) throw new SshReadError('ssh: malformed OpenSSH key');
  const type = p.text();
  if (type === 'ssh-ed25519') {
    const pub = p.string();
    const priv = p.string();
    return crypto.createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: b64u(pub), d: b64u(priv.subarray(0, 32)) },
      format: 'jwk',
    });
  }
  if (type === 'ssh-rsa') {
    const [n, e, d, qi, pp, q] = [p.mpint(), p.mpint(), p.mpint(), p.mpint(), p.mpint(), p.mpint()];
    const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
    const unbig = (v: bigint) => {
      const h = v.toString(16);
      return Buffer.from(h.length % 2 ? `0${h}` : h, 'hex');
    };
    const dp = unbig(big(d) % (big(pp) - 1n));
    const dq = unbig(big(d) % (big(q) - 1n));
    const jwk = { kty: 'RSA', n: b64u(n), e: b64u(e), d: b64u(d), p: b64u(pp), q: b64u(q), dp: b64u(dp) };
    return crypto.createPrivateKey({ key: { ...jwk, dq: b64u(dq), qi: b64u(qi) }, format: 'jwk' });
  }
  const em = /^ecdsa-sha2-(nistp\d+)$/.exec(type);
  if (em && CURVES[em[1]]) {
    const c = CURVES[em[1]];
    p.text();
    const q = p.string();
    let d = p.mpint();
    if (d.length < c.size) d = Buffer.concat([Buffer.alloc(c.size - d.length), d]);
    return crypto.createPrivateKey({
      key: {
        kty: 'EC',
        crv: c.jwk,
        x: b64u(q.subarray(1, 1 + c.size)),
        y: b64u(q.subarray(1 + c.size)),
        d: b64u(d),
      },
      format: 'jwk',
    });
  }
  throw new SshReadError(`ssh: unhandled key type ${type}`);
}
