/**
 * issueLoopbackTls: a CA and serving certificate from the PKI engine's X.509 code (what the
 * simulated Kubernetes API serves; kubectl's Go TLS stack accepts it in
 * test/kubernetes/kubectl.test.ts). Here: the chain, the names, and a handshake that only
 * the right CA passes.
 */
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { issueLoopbackTls } from '../../engine/index.js';

function get(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, ca, path: '/' }, (r) => {
        let body = '';
        r.on('data', (c) => {
          body += c;
        });
        r.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('issueLoopbackTls', () => {
  it('issues a CA and a leaf for localhost and 127.0.0.1 that it signed', () => {
    const t = issueLoopbackTls({ caName: 'test CA', serverName: 'kube-apiserver' });
    const ca = new X509Certificate(t.caPem);
    const leaf = new X509Certificate(t.certPem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain('CN=test CA');
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toBe('CN=kube-apiserver');
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(Date.parse(leaf.validTo) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(t.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('serves HTTPS that trusts only its own CA', async () => {
    const t = issueLoopbackTls();
    const other = issueLoopbackTls();
    const server = https.createServer({ cert: t.certPem, key: t.keyPem }, (_q, r) => r.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await get(port, t.caPem)).toBe('ok');
      await expect(get(port, other.caPem)).rejects.toThrow(/self[- ]signed|unable to verify|unknown/i);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
