/**
 * A throwaway certificate authority and one serving certificate, built with the PKI
 * engine's own X.509 code — for loopback test servers that must speak TLS (the simulated
 * Kubernetes API: kubectl only sends a bearer token over HTTPS). ECDSA P-256 keys, so
 * making both takes a few milliseconds.
 */
import crypto from 'node:crypto';
import { pem } from './der.js';
import { buildCertificate, encodeName, newSerial, skidOf, spkiOf } from './x509.js';

export interface LoopbackTls {
  /** PEM of the CA certificate (what a client trusts: a kubeconfig's certificate-authority-data). */
  caPem: string;
  /** PEM of the serving certificate, signed by the CA. */
  certPem: string;
  /** PKCS#8 PEM of the serving key (kept in memory; never written to disk by us). */
  keyPem: string;
}

/**
 * Issues a CA and a server certificate for `dns` names and `ips` (default: localhost and
 * 127.0.0.1), valid from an hour ago for `days` days.
 */
export function issueLoopbackTls(
  o: { caName?: string; serverName?: string; dns?: string[]; ips?: string[]; days?: number } = {},
): LoopbackTls {
  const now = Date.now();
  const notBefore = now - 3600_000;
  const notAfter = now + (o.days ?? 30) * 86_400_000;
  const ec = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const caKey = ec();
  const caSpki = spkiOf(caKey);
  const caName = encodeName({ cn: o.caName ?? 'vault-lab loopback CA', o: ['vault-lab'] });
  const caDer = buildCertificate({
    serial: newSerial(),
    issuerName: caName,
    subject: caName,
    notBefore,
    notAfter,
    spki: caSpki,
    signer: caKey,
    ca: { maxPathLength: 0 },
    keyUsage: ['DigitalSignature'],
  });
  const key = ec();
  const certDer = buildCertificate({
    serial: newSerial(),
    issuerName: caName,
    subject: encodeName({ cn: o.serverName ?? 'localhost' }),
    notBefore,
    notAfter,
    spki: spkiOf(key),
    signer: caKey,
    keyUsage: ['DigitalSignature', 'KeyEncipherment'],
    extKeyUsage: ['ServerAuth'],
    sans: { dns: o.dns ?? ['localhost'], ip: o.ips ?? ['127.0.0.1'], email: [], uri: [] },
    authorityKeyId: skidOf(caSpki),
  });
  return {
    caPem: pem('CERTIFICATE', caDer),
    certPem: pem('CERTIFICATE', certDer),
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
