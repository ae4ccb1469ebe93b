/**
 * X.509 certificates, CSRs and CRLs built and parsed with our DER code and signed with
 * node:crypto. Field choices follow reference §11.3 (what Vault puts in certificates).
 */
import crypto, { type KeyObject } from 'node:crypto';
import net from 'node:net';
import { promisify } from 'node:util';
import {
  bitString,
  bool,
  ctx,
  type Der,
  int,
  type Node,
  octet,
  oid,
  parse,
  parseAll,
  pem,
  printable,
  readOid,
  readString,
  readTime,
  seq,
  set,
  time,
  tlv,
  utf8,
} from './der.js';

const generateKeyPair = promisify(crypto.generateKeyPair);

export const OID = {
  cn: '2.5.4.3',
  serialNumber: '2.5.4.5',
  c: '2.5.4.6',
  l: '2.5.4.7',
  st: '2.5.4.8',
  street: '2.5.4.9',
  o: '2.5.4.10',
  ou: '2.5.4.11',
  postalCode: '2.5.4.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  skid: '2.5.29.14',
  akid: '2.5.29.35',
  san: '2.5.29.17',
  crlDP: '2.5.29.31',
  aia: '1.3.6.1.5.5.7.1.1',
  crlNumber: '2.5.29.20',
  nameConstraints: '2.5.29.30',
  extensionRequest: '1.2.840.113549.1.9.14',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  ocsp: '1.3.6.1.5.5.7.48.1',
  rsa: '1.2.840.113549.1.1.1',
  ec: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
};

const SIG_OIDS: Record<string, string> = {
  'rsa-sha256': '1.2.840.113549.1.1.11',
  'rsa-sha384': '1.2.840.113549.1.1.12',
  'rsa-sha512': '1.2.840.113549.1.1.13',
  'ec-sha256': '1.2.840.10045.4.3.2',
  'ec-sha384': '1.2.840.10045.4.3.3',
  'ec-sha512': '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
};
const SIG_BY_OID: Record<string, { hash: string | null }> = {
  '1.2.840.113549.1.1.5': { hash: 'sha1' },
  '1.2.840.113549.1.1.11': { hash: 'sha256' },
  '1.2.840.113549.1.1.12': { hash: 'sha384' },
  '1.2.840.113549.1.1.13': { hash: 'sha512' },
  '1.2.840.10045.4.1': { hash: 'sha1' },
  '1.2.840.10045.4.3.2': { hash: 'sha256' },
  '1.2.840.10045.4.3.3': { hash: 'sha384' },
  '1.2.840.10045.4.3.4': { hash: 'sha512' },
  '1.3.101.112': { hash: null },
};

export const EXT_KEY_USAGES: Record<string, string> = {
  Any: '2.5.29.37.0',
  ServerAuth: '1.3.6.1.5.5.7.3.1',
  ClientAuth: '1.3.6.1.5.5.7.3.2',
  CodeSigning: '1.3.6.1.5.5.7.3.3',
  EmailProtection: '1.3.6.1.5.5.7.3.4',
  IPSECEndSystem: '1.3.6.1.5.5.7.3.5',
  IPSECTunnel: '1.3.6.1.5.5.7.3.6',
  IPSECUser: '1.3.6.1.5.5.7.3.7',
  TimeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  MicrosoftServerGatedCrypto: '1.3.6.1.4.1.311.10.3.3',
  NetscapeServerGatedCrypto: '2.16.840.1.113730.4.1',
  MicrosoftCommercialCodeSigning: '1.3.6.1.4.1.311.2.1.22',
  MicrosoftKernelCodeSigning: '1.3.6.1.4.1.311.61.1.1',
};

export const KEY_USAGES = [
  'DigitalSignature',
  'ContentCommitment',
  'KeyEncipherment',
  'DataEncipherment',
  'KeyAgreement',
  'CertSign',
  'CRLSign',
  'EncipherOnly',
  'DecipherOnly',
];

// ---------------------------------------------------------------- keys

export type PkiKeyType = 'rsa' | 'ec' | 'ed25519';

const EC_CURVES: Record<number, string> = { 224: 'secp224r1', 256: 'prime256v1', 384: 'secp384r1', 521: 'secp521r1' };
const EC_BITS: Record<string, number> = {
  'P-224': 224,
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
  secp224r1: 224,
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
};

/** Default and allowed key sizes (reference §11.2: 0 → 2048 / 256). */
export function normalizeKeyBits(type: string, bits: number): number {
  if (type === 'rsa') {
    const b = bits || 2048;
    if (![2048, 3072, 4096, 8192].includes(b)) throw new Error(`unsupported bit length for RSA key: ${b}`);
    return b;
  }
  if (type === 'ec') {
    const b = bits || 256;
    if (!EC_CURVES[b]) throw new Error(`unsupported bit length for EC key: ${b}`);
    return b;
  }
  if (type === 'ed25519' || type === 'any') return 0;
  throw new Error(`unknown key type ${type}`);
}

/** Generates a key pair. EC and ed25519 are synchronous (fast); RSA runs off the event loop. */
export async function generateKey(type: PkiKeyType, bits: number): Promise<KeyObject> {
  if (type === 'ec') return crypto.generateKeyPairSync('ec', { namedCurve: EC_CURVES[bits || 256] }).privateKey;
  if (type === 'ed25519') return crypto.generateKeyPairSync('ed25519').privateKey;
  return (await generateKeyPair('rsa', { modulusLength: bits || 2048 })).privateKey;
}

export function keyInfo(k: KeyObject): { type: PkiKeyType; bits: number } {
  const t = k.asymmetricKeyType;
  if (t === 'rsa') return { type: 'rsa', bits: k.asymmetricKeyDetails?.modulusLength ?? 0 };
  if (t === 'ec') return { type: 'ec', bits: EC_BITS[k.asymmetricKeyDetails?.namedCurve ?? ''] ?? 0 };
  if (t === 'ed25519') return { type: 'ed25519', bits: 0 };
  throw new Error(`unsupported key algorithm ${t}`);
}

const EC_CURVE_OIDS: Record<number, string> = {
  224: '1.3.132.0.33',
  256: '1.2.840.10045.3.1.7',
  384: '1.3.132.0.34',
  521: '1.3.132.0.35',
};

/**
 * A fresh EC key for a leaf certificate as SEC 1 and SPKI DER, with no KeyObject: the
 * ECDH generator costs about half of generateKeyPairSync plus a SEC 1 export, and the
 * engine never needs the leaf key again once it is in the response.
 */
export function generateEcLeaf(bits: number): { sec1: Buffer; spki: Buffer } {
  const size = Math.ceil((bits || 256) / 8);
  const e = crypto.createECDH(EC_CURVES[bits || 256]);
  e.generateKeys();
  let d = e.getPrivateKey();
  if (d.length < size) d = Buffer.concat([Buffer.alloc(size - d.length), d]);
  const point = e.getPublicKey();
  const curve = oid(EC_CURVE_OIDS[bits || 256]);
  return {
    sec1: seq(int(1), octet(d), ctx(0, curve), ctx(1, bitString(point))),
    spki: seq(seq(oid(OID.ec), curve), bitString(point)),
  };
}

/** Private key text for a leaf EC key held as SEC 1 DER (see privateKeyOut). */
export function ecPrivateKeyOut(
  sec1: Buffer,
  format: string,
  privateKeyFormat: string,
): { text: string; type: PkiKeyType } {
  const der =
    privateKeyFormat === 'pkcs8'
      ? (crypto
          .createPrivateKey({ key: sec1, format: 'der', type: 'sec1' })
          .export({ type: 'pkcs8', format: 'der' }) as Buffer)
      : sec1;
  if (format === 'der') return { text: der.toString('base64'), type: 'ec' };
  return { text: pem(privateKeyFormat === 'pkcs8' ? 'PRIVATE KEY' : 'EC PRIVATE KEY', der), type: 'ec' };
}

/** The DER an EC private key exports as (SEC 1), which also carries its public point. */
export function sec1Of(k: KeyObject): Buffer {
  return k.export({ type: 'sec1', format: 'der' }) as Buffer;
}

/** SPKI from SEC 1 DER: the curve from [0], the point from [1]. */
function spkiFromSec1(sec1: Buffer): Buffer | undefined {
  const n = parseAll(sec1);
  const params = n.children.find((c) => c.tag === 0xa0)?.children[0];
  const pub = n.children.find((c) => c.tag === 0xa1)?.children[0];
  if (!params || !pub) return undefined;
  return seq(seq(oid(OID.ec), Buffer.from(params.raw)), Buffer.from(pub.raw));
}

/** Private key text in Vault's formats: PKCS#1 / SEC 1 / PKCS#8 PEM, or base64 DER. */
export function privateKeyOut(
  k: KeyObject,
  format: string,
  privateKeyFormat: string,
  sec1?: Buffer,
): { text: string; type: PkiKeyType } {
  const { type } = keyInfo(k);
  const pkcs8 = privateKeyFormat === 'pkcs8' || type === 'ed25519';
  const encType = pkcs8 ? 'pkcs8' : type === 'rsa' ? 'pkcs1' : 'sec1';
  const der =
    encType === 'sec1' && sec1
      ? sec1
      : (k.export({ type: encType, format: 'der' } as crypto.KeyExportOptions<'der'>) as Buffer);
  if (format === 'der') return { text: der.toString('base64'), type };
  const label = pkcs8 ? 'PRIVATE KEY' : type === 'rsa' ? 'RSA PRIVATE KEY' : 'EC PRIVATE KEY';
  return { text: pem(label, der), type };
}

const sigAlgCache = new WeakMap<KeyObject, Map<number, { alg: Der; hash: string | null }>>();

/** Signature algorithm an issuer key uses (SHA-256 RSA; curve-sized ECDSA; pure Ed25519). Cached per key. */
function sigAlgFor(k: KeyObject, signatureBits = 0): { alg: Der; hash: string | null } {
  let m = sigAlgCache.get(k);
  if (!m) {
    m = new Map();
    sigAlgCache.set(k, m);
  }
  let v = m.get(signatureBits);
  if (!v) {
    v = computeSigAlg(k, signatureBits);
    m.set(signatureBits, v);
  }
  return v;
}
function computeSigAlg(k: KeyObject, signatureBits: number): { alg: Der; hash: string | null } {
  const { type, bits } = keyInfo(k);
  if (type === 'ed25519') return { alg: seq(oid(SIG_OIDS.ed25519)), hash: null };
  if (type === 'rsa') {
    const sb = signatureBits || 256;
    return {
      alg: seq(oid(SIG_OIDS[`rsa-sha${sb}`] ?? SIG_OIDS['rsa-sha256']), nul()),
      hash: `sha${SIG_OIDS[`rsa-sha${sb}`] ? sb : 256}`,
    };
  }
  const sb = signatureBits || (bits >= 521 ? 512 : bits >= 384 ? 384 : 256);
  return {
    alg: seq(oid(SIG_OIDS[`ec-sha${sb}`] ?? SIG_OIDS['ec-sha256'])),
    hash: `sha${SIG_OIDS[`ec-sha${sb}`] ? sb : 256}`,
  };
}
const nul = () => Buffer.from([0x05, 0x00]);

function signWith(k: KeyObject, data: Buffer, hash: string | null): Buffer {
  return crypto.sign(hash, data, k);
}

/**
 * SubjectPublicKeyInfo DER of a key. For EC private keys it is built from the SEC 1
 * export (pass it if you have it): OpenSSL 3's SPKI encoder costs hundreds of
 * microseconds, and issuance needs one per certificate. (JWK export is not used: on this
 * Node/OpenSSL it can hang after a few thousand fresh EC keys.)
 */
export function spkiOf(k: KeyObject, sec1?: Buffer): Buffer {
  if (k.type === 'private' && k.asymmetricKeyType === 'ec') {
    const spki = spkiFromSec1(sec1 ?? sec1Of(k));
    if (spki) return spki;
  }
  return (k.type === 'private' ? crypto.createPublicKey(k) : k).export({ type: 'spki', format: 'der' }) as Buffer;
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 method 1), as Vault computes SKIDs. */
export function skidOf(spki: Buffer): Buffer {
  const n = parseAll(spki);
  const bits = n.children[1].content.subarray(1);
  return crypto.createHash('sha1').update(bits).digest();
}

// ---------------------------------------------------------------- names

export interface Subject {
  cn?: string;
  ou?: string[];
  o?: string[];
  c?: string[];
  l?: string[];
  st?: string[];
  street?: string[];
  postalCode?: string[];
  serialNumber?: string;
}

const attr = (o: string, v: Der) => set(seq(oid(o), v));

/** Name in Go's RDN order: C, ST, L, street, postal code, O, OU, CN, serialNumber. */
export function encodeName(s: Subject): Der {
  const rdns: Der[] = [];
  for (const v of s.c ?? []) rdns.push(attr(OID.c, printable(v)));
  for (const v of s.st ?? []) rdns.push(attr(OID.st, utf8(v)));
  for (const v of s.l ?? []) rdns.push(attr(OID.l, utf8(v)));
  for (const v of s.street ?? []) rdns.push(attr(OID.street, utf8(v)));
  for (const v of s.postalCode ?? []) rdns.push(attr(OID.postalCode, utf8(v)));
  for (const v of s.o ?? []) rdns.push(attr(OID.o, utf8(v)));
  for (const v of s.ou ?? []) rdns.push(attr(OID.ou, utf8(v)));
  if (s.cn) rdns.push(attr(OID.cn, utf8(s.cn)));
  if (s.serialNumber) rdns.push(attr(OID.serialNumber, printable(s.serialNumber)));
  return seq(...rdns);
}

export function nameCN(nameNode: Node): string {
  for (const rdn of nameNode.children)
    for (const atv of rdn.children) {
      if (readOid(atv.children[0]) === OID.cn) return readString(atv.children[1]);
    }
  return '';
}

/** `CN=foo,O=bar` for messages. */
export function nameText(nameNode: Node): string {
  const short: Record<string, string> = {
    [OID.cn]: 'CN',
    [OID.o]: 'O',
    [OID.ou]: 'OU',
    [OID.c]: 'C',
    [OID.l]: 'L',
    [OID.st]: 'ST',
  };
  const parts: string[] = [];
  for (const rdn of nameNode.children)
    for (const atv of rdn.children) {
      const o = readOid(atv.children[0]);
      if (short[o]) parts.push(`${short[o]}=${readString(atv.children[1])}`);
    }
  return parts.reverse().join(',');
}

// ---------------------------------------------------------------- extensions

export interface Sans {
  dns: string[];
  email: string[];
  ip: string[];
  uri: string[];
}

const ext = (o: string, critical: boolean, value: Der) =>
  critical ? seq(oid(o), bool(true), octet(value)) : seq(oid(o), octet(value));

function ipBytes(ip: string): Buffer {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  const full = expandIPv6(ip);
  return Buffer.from(full.flatMap((h) => [h >> 8, h & 0xff]));
}
function expandIPv6(ip: string): number[] {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const parse16 = (s: string) =>
    (s ? s.split(':') : []).flatMap((p) => {
      if (p.includes('.')) {
        const b = p.split('.').map(Number);
        return [(b[0] << 8) | b[1], (b[2] << 8) | b[3]];
      }
      return [parseInt(p, 16)];
    });
  const h = parse16(head);
  if (tail === undefined) return h;
  const t = parse16(tail);
  return [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
}
function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  return groups
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::')
    .replace(/:{3,}/, '::');
}

function sanExt(s: Sans): Der {
  const names: Der[] = [];
  for (const d of s.dns) names.push(tlv(0x82, Buffer.from(d, 'latin1')));
  for (const e of s.email) names.push(tlv(0x81, Buffer.from(e, 'latin1')));
  for (const u of s.uri) names.push(tlv(0x86, Buffer.from(u, 'latin1')));
  for (const ip of s.ip) names.push(tlv(0x87, ipBytes(ip)));
  return seq(...names);
}

function keyUsageBits(usages: string[]): Der {
  let v = 0;
  for (const u of usages) {
    const i = KEY_USAGES.findIndex((k) => k.toLowerCase() === u.toLowerCase());
    if (i >= 0) v |= 1 << i;
  }
  // Bit 0 is the most significant bit of the first byte; trim trailing zero bits.
  const bytes = [0, 0];
  for (let i = 0; i < 9; i++) if (v & (1 << i)) bytes[i >> 3] |= 0x80 >> (i & 7);
  const n = bytes[1] ? 2 : 1;
  if (!bytes[0] && !bytes[1]) return bitString(Buffer.alloc(0));
  const last = bytes[n - 1];
  let unused = 0;
  while (unused < 8 && !(last & (1 << unused))) unused++;
  return bitString(Buffer.from(bytes.slice(0, n)), unused);
}

export interface Urls {
  issuing_certificates: string[];
  crl_distribution_points: string[];
  ocsp_servers: string[];
}

export interface CertSpec {
  serial: bigint;
  issuerName: Der;
  subject: Der;
  notBefore: number;
  notAfter: number;
  spki: Buffer;
  signer: KeyObject;
  signatureBits?: number;
  ca?: { maxPathLength: number; permittedDnsDomains?: string[] };
  keyUsage: string[];
  extKeyUsage?: string[];
  extKeyUsageOids?: string[];
  sans?: Sans;
  /** SKID of the issuer (omitted for self-signed roots, which use their own). */
  authorityKeyId?: Buffer;
  urls?: Urls;
  basicConstraintsForLeaf?: boolean;
}

/** What issuing needs to know about a certificate it just built. */
export interface BuiltCert {
  der: Buffer;
  serial: bigint;
  notAfter: number;
}

/** Builds and signs a certificate; returns its DER. */
export function buildCertificate(s: CertSpec): Buffer {
  const { alg, hash } = sigAlgFor(s.signer, s.signatureBits);
  const skid = skidOf(s.spki);
  const exts: Der[] = [];
  const ku = [...s.keyUsage];
  if (s.ca) {
    for (const u of ['CertSign', 'CRLSign']) if (!ku.includes(u)) ku.push(u);
  }
  if (ku.length) exts.push(ext(OID.keyUsage, true, keyUsageBits(ku)));
  const ekus = [...(s.extKeyUsage ?? []).map((n) => EXT_KEY_USAGES[n]).filter(Boolean), ...(s.extKeyUsageOids ?? [])];
  if (ekus.length) exts.push(ext(OID.extKeyUsage, false, seq(...[...new Set(ekus)].map(oid))));
  if (s.ca) {
    exts.push(
      ext(
        OID.basicConstraints,
        true,
        s.ca.maxPathLength >= 0 ? seq(bool(true), int(s.ca.maxPathLength)) : seq(bool(true)),
      ),
    );
  } else if (s.basicConstraintsForLeaf) {
    exts.push(ext(OID.basicConstraints, true, seq()));
  }
  exts.push(ext(OID.skid, false, octet(skid)));
  exts.push(ext(OID.akid, false, seq(tlv(0x80, s.authorityKeyId ?? skid))));
  const u = s.urls;
  if (u && (u.issuing_certificates.length || u.ocsp_servers.length)) {
    const ads: Der[] = [];
    for (const x of u.ocsp_servers) ads.push(seq(oid(OID.ocsp), tlv(0x86, Buffer.from(x, 'latin1'))));
    for (const x of u.issuing_certificates) ads.push(seq(oid(OID.caIssuers), tlv(0x86, Buffer.from(x, 'latin1'))));
    exts.push(ext(OID.aia, false, seq(...ads)));
  }
  const sans = s.sans;
  if (sans && (sans.dns.length || sans.email.length || sans.ip.length || sans.uri.length))
    exts.push(ext(OID.san, false, sanExt(sans)));
  if (u?.crl_distribution_points.length) {
    exts.push(
      ext(
        OID.crlDP,
        false,
        seq(...u.crl_distribution_points.map((x) => seq(ctx(0, ctx(0, tlv(0x86, Buffer.from(x, 'latin1'))))))),
      ),
    );
  }
  if (s.ca?.permittedDnsDomains?.length) {
    const subtrees = s.ca.permittedDnsDomains.map((d) => seq(tlv(0x82, Buffer.from(d, 'latin1'))));
    exts.push(ext(OID.nameConstraints, true, seq(ctx(0, Buffer.concat(subtrees)))));
  }
  const tbs = seq(
    ctx(0, int(2)),
    int(s.serial),
    alg,
    s.issuerName,
    seq(time(s.notBefore), time(s.notAfter)),
    s.subject,
    s.spki,
    ctx(3, seq(...exts)),
  );
  return seq(tbs, alg, bitString(signWith(s.signer, tbs, hash)));
}

/** Builds a PKCS#10 CSR for an intermediate CA. */
export function buildCSR(subject: Der, key: KeyObject, sans: Sans | undefined, ca: boolean): Buffer {
  const { alg, hash } = sigAlgFor(key);
  const exts: Der[] = [];
  if (sans && (sans.dns.length || sans.email.length || sans.ip.length || sans.uri.length))
    exts.push(ext(OID.san, false, sanExt(sans)));
  if (ca) exts.push(ext(OID.basicConstraints, true, seq(bool(true))));
  const attrs = exts.length ? seq(oid(OID.extensionRequest), set(seq(...exts))) : Buffer.alloc(0);
  const info = seq(int(0), subject, spkiOf(key), ctx(0, attrs));
  return seq(info, alg, bitString(signWith(key, info, hash)));
}

export interface Revoked {
  serial: bigint;
  time: number;
}

/** Builds and signs a v2 CRL. */
export function buildCRL(o: {
  issuerName: Der;
  signer: KeyObject;
  authorityKeyId: Buffer;
  thisUpdate: number;
  nextUpdate: number;
  number: number;
  revoked: Revoked[];
}): Buffer {
  const { alg, hash } = sigAlgFor(o.signer);
  const items: Der[] = [int(1), alg, o.issuerName, time(o.thisUpdate), time(o.nextUpdate)];
  if (o.revoked.length) items.push(seq(...o.revoked.map((r) => seq(int(r.serial), time(r.time)))));
  items.push(
    ctx(0, seq(ext(OID.akid, false, seq(tlv(0x80, o.authorityKeyId))), ext(OID.crlNumber, false, int(o.number)))),
  );
  const tbs = seq(...items);
  return seq(tbs, alg, bitString(signWith(o.signer, tbs, hash)));
}

// ---------------------------------------------------------------- parsing

export interface ParsedCert {
  der: Buffer;
  serial: bigint;
  issuerRaw: Buffer;
  subjectRaw: Buffer;
  subjectNode: Node;
  cn: string;
  notBefore: number;
  notAfter: number;
  spki: Buffer;
  publicKey: KeyObject;
  isCA: boolean;
  skid?: Buffer;
  akid?: Buffer;
  sans: Sans;
  tbs: Buffer;
  sigOid: string;
  signature: Buffer;
}

function extensions(list: Node | undefined): Map<string, { critical: boolean; value: Buffer }> {
  const m = new Map<string, { critical: boolean; value: Buffer }>();
  for (const e of list?.children ?? []) {
    const o = readOid(e.children[0]);
    const critical = e.children.length === 3 && e.children[1].content[0] !== 0;
    m.set(o, { critical, value: e.children[e.children.length - 1].content });
  }
  return m;
}

function parseSans(value: Buffer | undefined): Sans {
  const out: Sans = { dns: [], email: [], ip: [], uri: [] };
  if (!value) return out;
  for (const gn of parseAll(value).children) {
    const c = gn.content.toString('latin1');
    if (gn.tag === 0x82) out.dns.push(c);
    else if (gn.tag === 0x81) out.email.push(c);
    else if (gn.tag === 0x86) out.uri.push(c);
    else if (gn.tag === 0x87) out.ip.push(ipText(gn.content));
  }
  return out;
}

const bigOf = (b: Buffer) => (b.length ? BigInt('0x' + b.toString('hex')) : 0n);

/** Parses a DER certificate. @throws Error on anything that is not a certificate. */
export function parseCertificate(der: Buffer): ParsedCert {
  const root = parseAll(der);
  const tbsNode = root.children[0];
  const f = tbsNode.children;
  let i = 0;
  if (f[0].tag === 0xa0) i = 1;
  const serial = bigOf(f[i].content);
  const issuer = f[i + 2];
  const validity = f[i + 3];
  const subject = f[i + 4];
  const spki = f[i + 5];
  const extNode = f.slice(i + 6).find((n) => n.tag === 0xa3)?.children[0];
  const exts = extensions(extNode);
  const bc = exts.get(OID.basicConstraints);
  const isCA =
    !!bc &&
    (() => {
      const n = parseAll(bc.value);
      return n.children.length > 0 && n.children[0].tag === 0x01 && n.children[0].content[0] !== 0;
    })();
  const skidExt = exts.get(OID.skid);
  const akidExt = exts.get(OID.akid);
  const akidKey = akidExt ? parseAll(akidExt.value).children.find((n) => n.tag === 0x80)?.content : undefined;
  return {
    der,
    serial,
    issuerRaw: Buffer.from(issuer.raw),
    subjectRaw: Buffer.from(subject.raw),
    subjectNode: subject,
    cn: nameCN(subject),
    notBefore: readTime(validity.children[0]),
    notAfter: readTime(validity.children[1]),
    spki: Buffer.from(spki.raw),
    publicKey: crypto.createPublicKey({ key: Buffer.from(spki.raw), format: 'der', type: 'spki' }),
    isCA,
    skid: skidExt ? parseAll(skidExt.value).content : undefined,
    akid: akidKey ? Buffer.from(akidKey) : undefined,
    sans: parseSans(exts.get(OID.san)?.value),
    tbs: Buffer.from(tbsNode.raw),
    sigOid: readOid(root.children[1].children[0]),
    signature: root.children[2].content.subarray(1),
  };
}

/** True when `cert` carries a valid signature by `issuerKey`. */
export function signedBy(cert: { tbs: Buffer; sigOid: string; signature: Buffer }, issuerKey: KeyObject): boolean {
  const alg = SIG_BY_OID[cert.sigOid];
  if (!alg) return false;
  try {
    return crypto.verify(alg.hash, cert.tbs, issuerKey, cert.signature);
  } catch {
    return false;
  }
}

export interface ParsedCSR {
  subjectRaw: Buffer;
  subjectNode: Node;
  cn: string;
  spki: Buffer;
  publicKey: KeyObject;
  sans: Sans;
  isCA: boolean;
}

/** Parses a PKCS#10 request and checks its self-signature. @throws Error with a reason. */
export function parseCSR(der: Buffer): ParsedCSR {
  const root = parseAll(der);
  const info = root.children[0];
  const [, subject, spki, attrs] = info.children;
  const publicKey = crypto.createPublicKey({ key: Buffer.from(spki.raw), format: 'der', type: 'spki' });
  const sigOid = readOid(root.children[1].children[0]);
  if (!signedBy({ tbs: Buffer.from(info.raw), sigOid, signature: root.children[2].content.subarray(1) }, publicKey))
    throw new Error('certificate request signature is invalid');
  let sans: Sans = { dns: [], email: [], ip: [], uri: [] };
  let isCA = false;
  for (const a of attrs?.children ?? []) {
    if (readOid(a.children[0]) !== OID.extensionRequest) continue;
    const exts = extensions(a.children[1].children[0]);
    sans = parseSans(exts.get(OID.san)?.value);
    const bc = exts.get(OID.basicConstraints);
    if (bc) {
      const n = parseAll(bc.value);
      isCA = n.children.length > 0 && n.children[0].content[0] !== 0;
    }
  }
  return {
    subjectRaw: Buffer.from(subject.raw),
    subjectNode: subject,
    cn: nameCN(subject),
    spki: Buffer.from(spki.raw),
    publicKey,
    sans,
    isCA,
  };
}

export { parse, pem };

// ---------------------------------------------------------------- serials

/** A random positive serial below 2^159 (reference §11.3). */
export function newSerial(): bigint {
  if (serialPos + 20 > serialPool.length) {
    crypto.randomFillSync(serialPool);
    serialPos = 0;
  }
  const b = Buffer.from(serialPool.subarray(serialPos, serialPos + 20));
  serialPool.fill(0, serialPos, serialPos + 20);
  serialPos += 20;
  b[0] &= 0x7f;
  return bigOf(b);
}
// Random bytes for serials, drawn 4 KiB at a time (one syscall per ~200 certificates).
const serialPool = Buffer.alloc(4096);
let serialPos = serialPool.length;

/** Lowercase hex bytes joined by `sep`, no leading zero byte. */
export function formatSerial(v: bigint, sep = ':'): string {
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return (hex.match(/../g) ?? ['00']).join(sep);
}

/** Accepts colon, hyphen or plain hex forms. @returns undefined when it is not a serial. */
export function parseSerial(s: string): bigint | undefined {
  const hex = s.trim().toLowerCase().replace(/[:-]/g, '');
  if (!/^[0-9a-f]+$/.test(hex) || hex.length > 64) return undefined;
  return BigInt('0x' + hex);
}
