/**
 * OpenSSH certificates (PROTOCOL.certkeys): the to-be-signed body built by hand and signed
 * with node:crypto by an RSA, ECDSA or Ed25519 CA key. `ssh-keygen -L` and a real sshd
 * read them in the tests.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { CURVES, SshReader, SshWriter, keyKind, publicBlob, type SshPublicKey } from './wire.js';

export const USER_CERT = 1;
export const HOST_CERT = 2;

export interface CertSpec {
  key: SshPublicKey;
  serial: bigint;
  type: typeof USER_CERT | typeof HOST_CERT;
  keyId: string;
  principals: string[];
  validAfter: number;
  validBefore: number;
  criticalOptions: Record<string, string>;
  extensions: Record<string, string>;
  nonce?: Buffer;
}

/** A CA key ready to sign: the key, its public blob (cached) and its SSH signature algorithm. */
export interface CaSigner {
  key: KeyObject;
  blob: Buffer;
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `rsa-sha2-256` … */
  sigAlg: string;
  hash: string | null;
  dsaEncoding?: 'ieee-p1363';
  curveSize?: number;
}

/** The signature algorithm a role's `algorithm_signer` picks for a CA key (Vault: RSA CAs default to SHA-256). */
export function caSigner(key: KeyObject, algorithmSigner = 'default', blob = publicBlob(key)): CaSigner {
  const kind = keyKind(key);
  if (kind.family === 'rsa') {
    const alg = algorithmSigner === 'default' || algorithmSigner === '' ? 'rsa-sha2-256' : algorithmSigner;
    const hash = { 'rsa-sha2-256': 'sha256', 'rsa-sha2-512': 'sha512', 'ssh-rsa': 'sha1' }[alg];
    if (!hash) throw new Error(`failed to generate signed SSH key: sign error: unknown algorithm signer "${alg}"`);
    return { key, blob, sigAlg: alg, hash };
  }
  if (algorithmSigner !== 'default' && algorithmSigner !== '' && algorithmSigner !== kind.sshType)
    throw new Error(
      `failed to generate signed SSH key: sign error: ssh: unsupported signature algorithm ${algorithmSigner}`,
    );
  if (kind.family === 'ed25519') return { key, blob, sigAlg: 'ssh-ed25519', hash: null };
  const c = Object.values(CURVES).find((x) => x.name === kind.sshType)!;
  return { key, blob, sigAlg: c.name, hash: c.hash, dsaEncoding: 'ieee-p1363', curveSize: c.size };
}

/** Name/data pairs sorted by name; a non-empty value is itself an SSH string, as OpenSSH expects. */
function options(o: Record<string, string>): Buffer {
  const w = new SshWriter();
  for (const name of Object.keys(o).sort()) {
    w.string(name);
    const v = o[name];
    w.string(v === '' ? Buffer.alloc(0) : new SshWriter().string(v).done());
  }
  return w.done();
}

/** The certificate up to (not including) its signature: what the CA signs. */
export function certBody(s: CertSpec, ca: CaSigner): Buffer {
  const keyFields = s.key.blob.subarray(4 + s.key.type.length);
  const principals = new SshWriter();
  for (const p of s.principals) principals.string(p);
  return new SshWriter()
    .string(`${s.key.type}-cert-v01@openssh.com`)
    .string(s.nonce ?? crypto.randomBytes(32))
    .raw(keyFields)
    .u64(s.serial)
    .u32(s.type)
    .string(s.keyId)
    .string(principals.done())
    .u64(BigInt(s.validAfter))
    .u64(BigInt(s.validBefore))
    .string(options(s.criticalOptions))
    .string(options(s.extensions))
    .string('')
    .string(ca.blob)
    .done();
}

/** An SSH signature blob over `data`. */
export function sshSign(ca: CaSigner, data: Buffer): Buffer {
  if (ca.dsaEncoding) {
    const rs = crypto.sign(ca.hash, data, { key: ca.key, dsaEncoding: 'ieee-p1363' });
    const n = ca.curveSize!;
    const inner = new SshWriter().mpint(rs.subarray(0, n)).mpint(rs.subarray(n)).done();
    return new SshWriter().string(ca.sigAlg).string(inner).done();
  }
  return new SshWriter()
    .string(ca.sigAlg)
    .string(crypto.sign(ca.hash, data, ca.key))
    .done();
}

/** A signed certificate's wire bytes. */
export function signCertificate(s: CertSpec, ca: CaSigner): Buffer {
  const body = certBody(s, ca);
  return new SshWriter().raw(body).string(sshSign(ca, body)).done();
}

/** The `authorized_keys`-style line of a certificate (`…-cert-v01@openssh.com base64\n`). */
export function certLine(cert: Buffer): string {
  return `${new SshReader(cert).text()} ${cert.toString('base64')}\n`;
}
