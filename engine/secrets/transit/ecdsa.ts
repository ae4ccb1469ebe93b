/**
 * ECDSA over a digest the caller already computed (`prehashed=true`). node:crypto only
 * signs messages it hashes itself, so this does the curve arithmetic with BigInt.
 * It is only used for prehashed requests; everything else goes through node:crypto.
 * Tests check it against node:crypto's verifier on every curve.
 */
import crypto, { type KeyObject } from 'node:crypto';

interface Curve {
  p: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
  bits: number;
  size: number;
}

const h = (s: string) => BigInt('0x' + s.replace(/\s+/g, ''));

const CURVES: Record<string, Curve> = {
  'P-256': {
    p: h('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff'),
    n: h('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    gx: h('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'),
    gy: h('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5'),
    bits: 256,
    size: 32,
  },
  'P-384': {
    p: (1n << 384n) - (1n << 128n) - (1n << 96n) + (1n << 32n) - 1n,
    n: h('ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
    gx: h('aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7'),
    gy: h('3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f'),
    bits: 384,
    size: 48,
  },
  'P-521': {
    p: (1n << 521n) - 1n,
    n: h(`01ff ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff fffffffa
          51868783 bf2f966b 7fcc0148 f709a5d0 3bb5c9b8 899c47ae bb6fb71e 91386409`),
    gx: h(`00c6 858e06b7 0404e9cd 9e3ecb66 2395b442 9c648139 053fb521 f828af60 6b4d3dba
           a14b5e77 efe75928 fe1dc127 a2ffa8de 3348b3c1 856a429b f97e7e31 c2e5bd66`),
    gy: h(`0118 39296a78 9a3bc004 5c8a5fb4 2c7d1bd9 98f54449 579b4468 17afbd17 273e662c
           97ee7299 5ef42640 c550b901 3fad0761 353c7086 a272c240 88be9476 9fd16650`),
    bits: 521,
    size: 66,
  },
};

type Point = { x: bigint; y: bigint } | null;

const mod = (a: bigint, m: bigint) => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(c: Curve, P: Point, Q: Point): Point {
  if (!P) return Q;
  if (!Q) return P;
  let l: bigint;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, c.p) === 0n) return null;
    l = mod((3n * P.x * P.x - 3n) * inv(2n * P.y, c.p), c.p); // a = -3
  } else {
    l = mod((Q.y - P.y) * inv(Q.x - P.x, c.p), c.p);
  }
  const x = mod(l * l - P.x - Q.x, c.p);
  return { x, y: mod(l * (P.x - x) - P.y, c.p) };
}

function mul(c: Curve, k: bigint, P: Point): Point {
  let R: Point = null;
  let A = P;
  while (k > 0n) {
    if (k & 1n) R = add(c, R, A);
    A = add(c, A, A);
    k >>= 1n;
  }
  return R;
}

const toInt = (b: Buffer) => (b.length ? BigInt('0x' + b.toString('hex')) : 0n);
function toBuf(v: bigint, size: number): Buffer {
  const hex = v.toString(16).padStart(size * 2, '0');
  return Buffer.from(hex, 'hex');
}

/** The digest as an integer, truncated to the order's bit length (FIPS 186-4 §6.4). */
function digestInt(c: Curve, digest: Buffer): bigint {
  let e = toInt(digest);
  const excess = digest.length * 8 - c.bits;
  if (excess > 0) e >>= BigInt(excess);
  return e;
}

const NODE_CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function curveOf(k: KeyObject): Curve {
  const c = CURVES[NODE_CURVES[k.asymmetricKeyDetails?.namedCurve ?? ''] ?? ''];
  if (!c) throw new Error(`unsupported curve ${k.asymmetricKeyDetails?.namedCurve}`);
  return c;
}

/** Reads one TLV header at `i`: returns the value's start and length. */
function tlvAt(b: Buffer, i: number): { start: number; len: number } {
  let len = b[i + 1];
  let start = i + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let j = 0; j < n; j++) len = len * 256 + b[i + 2 + j];
    start += n;
  }
  return { start, len };
}

/**
 * The private scalar from the SEC 1 DER export (SEQUENCE { INTEGER 1, OCTET STRING d, … }).
 * (Not from JWK: on this Node/OpenSSL, JWK export of EC keys can hang.)
 */
function privateScalar(k: KeyObject): bigint {
  const der = k.export({ type: 'sec1', format: 'der' }) as Buffer;
  const outer = tlvAt(der, 0);
  const version = tlvAt(der, outer.start);
  const d = tlvAt(der, version.start + version.len);
  return toInt(der.subarray(d.start, d.start + d.len));
}

/** The public point from the SPKI DER export (its BIT STRING holds 04‖x‖y). */
function publicPoint(k: KeyObject, c: Curve): { x: bigint; y: bigint } {
  const der = k.export({ type: 'spki', format: 'der' }) as Buffer;
  const point = der.subarray(der.length - (2 * c.size + 1));
  if (point[0] !== 4) throw new Error('compressed EC points are not supported');
  return { x: toInt(point.subarray(1, 1 + c.size)), y: toInt(point.subarray(1 + c.size)) };
}

/** DER SEQUENCE { INTEGER r, INTEGER s }. */
function derSig(r: bigint, s: bigint): Buffer {
  const int = (v: bigint) => {
    let b = Buffer.from(
      v
        .toString(16)
        .padStart(2, '0')
        .replace(/^(.(..)*)$/, '0$1'),
      'hex',
    );
    while (b.length > 1 && b[0] === 0 && !(b[1] & 0x80)) b = b.subarray(1);
    if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02]), derLen(b.length), b]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return Buffer.concat([Buffer.from([0x30]), derLen(body.length), body]);
}
function derLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  return n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
}

function parseDerSig(sig: Buffer): { r: bigint; s: bigint } {
  let i = 0;
  const len = () => {
    let l = sig[i++];
    if (l & 0x80) {
      const n = l & 0x7f;
      l = 0;
      for (let j = 0; j < n; j++) l = (l << 8) | sig[i++];
    }
    return l;
  };
  if (sig[i++] !== 0x30) throw new Error('bad signature');
  const total = len();
  if (i + total !== sig.length) throw new Error('bad signature');
  const readInt = () => {
    if (sig[i++] !== 0x02) throw new Error('bad signature');
    const l = len();
    const v = toInt(sig.subarray(i, i + l));
    i += l;
    return v;
  };
  const r = readInt();
  const s = readInt();
  return { r, s };
}

/** Signs a digest; `der` or raw r‖s (`ieee-p1363`). */
export function ecdsaSignDigest(priv: KeyObject, digest: Buffer, enc: 'der' | 'ieee-p1363'): Buffer {
  const c = curveOf(priv);
  const d = privateScalar(priv);
  const e = digestInt(c, digest);
  const G = { x: c.gx, y: c.gy };
  for (;;) {
    const k = mod(toInt(crypto.randomBytes(c.size + 8)), c.n - 1n) + 1n;
    const R = mul(c, k, G)!;
    const r = mod(R.x, c.n);
    if (r === 0n) continue;
    const s = mod(inv(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    return enc === 'der' ? derSig(r, s) : Buffer.concat([toBuf(r, c.size), toBuf(s, c.size)]);
  }
}

/** Verifies a signature over a digest. */
export function ecdsaVerifyDigest(pub: KeyObject, digest: Buffer, sig: Buffer, enc: 'der' | 'ieee-p1363'): boolean {
  const c = curveOf(pub);
  let r: bigint, s: bigint;
  if (enc === 'der') ({ r, s } = parseDerSig(sig));
  else {
    if (sig.length !== 2 * c.size) return false;
    r = toInt(sig.subarray(0, c.size));
    s = toInt(sig.subarray(c.size));
  }
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const Q = publicPoint(pub, c);
  const w = inv(s, c.n);
  const e = digestInt(c, digest);
  const X = add(c, mul(c, mod(e * w, c.n), { x: c.gx, y: c.gy }), mul(c, mod(r * w, c.n), Q));
  return !!X && mod(X.x, c.n) === r;
}
