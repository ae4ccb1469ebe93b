/**
 * The SSH engine's certificates checked by real OpenSSH: `ssh-keygen -L` reads every one
 * (each CA key type × each user key type), and a real sshd started by the lab provider
 * lets a certificate for the allowed principal in and refuses an expired certificate, a
 * wrong principal and a key signed by another CA.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { Clock } from '../../engine/sdk/clock.js';
import { startSshd, type SshdSystem } from '../../labs/providers/ssh/index.js';
import { devEngine, http } from '../support/engine.js';

let engine: Engine;
let dir: string;
let sshd: SshdSystem;

async function ok(e: Engine, method: string, p: string, body?: unknown) {
  const r = await http(e, method, p, { body });
  if (r.status >= 300) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const keygen = (...args: string[]) => execFileSync('ssh-keygen', args, { encoding: 'utf8' });
/** A fresh user key pair in the test folder; returns its private key path. */
function userKey(name: string, type: string, bits?: number): string {
  const p = path.join(dir, name);
  keygen('-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', name, '-f', p);
  return p;
}
/** Logs in to the lab's sshd with a key and its certificate; returns the exit code and output. */
function login(key: string, cert: string) {
  const r = spawnSync(
    'ssh',
    ['-F', sshd.clientConfig, '-i', key, '-o', `CertificateFile=${cert}`, 'lab', 'echo hello from $(id -un)'],
    { encoding: 'utf8', timeout: 20_000 },
  );
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
async function sign(e: Engine, mount: string, key: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await ok(e, 'POST', `${mount}/sign/r`, { public_key: fs.readFileSync(`${key}.pub`, 'utf8'), ...body });
  const cert = `${key}-${mount}-cert.pub`;
  fs.writeFileSync(cert, r.data.signed_key);
  return cert;
}
const role = { key_type: 'ca', allow_user_certificates: true, allowed_users: 'learner,admin', ttl: '10m' };

beforeAll(async () => {
  engine = await devEngine();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-openssh-'));
  sshd = await startSshd({ workspace: dir, progress: () => undefined, env: process.env });
}, 30_000);
afterAll(async () => {
  await engine?.stop();
  await sshd?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CAS: Array<{ mount: string; ca: Record<string, unknown>; signer?: string; label: RegExp }> = [
  { mount: 'ssh-ed25519', ca: { key_type: 'ed25519' }, label: /Signing CA: ED25519 .* \(using ssh-ed25519\)/ },
  { mount: 'ssh-p256', ca: { key_type: 'ec' }, label: /Signing CA: ECDSA .* \(using ecdsa-sha2-nistp256\)/ },
  { mount: 'ssh-p384', ca: { key_type: 'ec', key_bits: 384 }, label: /\(using ecdsa-sha2-nistp384\)/ },
  { mount: 'ssh-p521', ca: { key_type: 'ecdsa-sha2-nistp521' }, label: /\(using ecdsa-sha2-nistp521\)/ },
  { mount: 'ssh-rsa256', ca: { key_type: 'rsa', key_bits: 2048 }, label: /Signing CA: RSA .* \(using rsa-sha2-256\)/ },
  {
    mount: 'ssh-rsa512',
    ca: { key_type: 'rsa', key_bits: 2048 },
    signer: 'rsa-sha2-512',
    label: /\(using rsa-sha2-512\)/,
  },
];
const USER_KEYS: Array<[string, number | undefined, RegExp]> = [
  ['ed25519', undefined, /ssh-ed25519-cert-v01@openssh.com user certificate/],
  ['ecdsa', 256, /ecdsa-sha2-nistp256-cert-v01@openssh.com user certificate/],
  ['ecdsa', 384, /ecdsa-sha2-nistp384-cert-v01@openssh.com/],
  ['ecdsa', 521, /ecdsa-sha2-nistp521-cert-v01@openssh.com/],
  ['rsa', 2048, /ssh-rsa-cert-v01@openssh.com user certificate/],
];

describe('every CA key type × every user key type', () => {
  it('ssh-keygen -L reads each certificate, and sshd accepts each CA', async () => {
    const keys = USER_KEYS.map(([t, b], i) => ({ path: userKey(`user-${i}`, t, b), type: USER_KEYS[i][2] }));
    const trusted: string[] = [];
    for (const ca of CAS) {
      await ok(engine, 'POST', `sys/mounts/${ca.mount}`, { type: 'ssh' });
      const gen = await ok(engine, 'POST', `${ca.mount}/config/ca`, ca.ca);
      trusted.push(gen.data.public_key);
      await ok(engine, 'POST', `${ca.mount}/roles/r`, { ...role, algorithm_signer: ca.signer ?? 'default' });
    }
    fs.writeFileSync(sshd.trustedCaFile, trusted.join(''));
    for (const ca of CAS) {
      for (const k of keys) {
        const cert = await sign(engine, ca.mount, k.path, { valid_principals: 'learner' });
        const shown = keygen('-L', '-f', cert);
        expect(shown, `${ca.mount} × ${k.path}`).toMatch(k.type);
        expect(shown).toMatch(ca.label);
        expect(shown).toMatch(/Principals: \n\s+learner\n/);
        expect(shown).toMatch(/Key ID: "vault-root-[0-9a-f]{64}"/);
      }
      // one login per CA proves sshd verifies that CA's signature
      const r = login(keys[0].path, `${keys[0].path}-${ca.mount}-cert.pub`);
      expect(r, ca.mount).toEqual({ code: 0, out: `hello from ${sshd.user}\n` });
    }
  }, 120_000);
});

describe('a real sshd with TrustedUserCAKeys set to our CA', () => {
  let caKey: string;
  let user: string;
  beforeAll(async () => {
    // A CA made by ssh-keygen and imported, so a second engine can hold the same key.
    caKey = path.join(dir, 'imported-ca');
    keygen('-q', '-t', 'ed25519', '-N', '', '-C', 'ca', '-f', caKey);
    await ok(engine, 'POST', 'sys/mounts/ssh', { type: 'ssh' });
    const imported = await http(engine, 'POST', 'ssh/config/ca', {
      body: { private_key: fs.readFileSync(caKey, 'utf8'), public_key: fs.readFileSync(`${caKey}.pub`, 'utf8') },
    });
    expect(imported.status).toBe(204);
    await ok(engine, 'POST', 'ssh/roles/r', role);
    const pub = await fetch(`${engine.url}/v1/ssh/public_key`);
    fs.writeFileSync(sshd.trustedCaFile, await pub.text());
    user = userKey('alice', 'ed25519');
  });

  it('lets a certificate for the allowed principal in', async () => {
    expect(login(user, await sign(engine, 'ssh', user, { valid_principals: 'learner' }))).toEqual({
      code: 0,
      out: `hello from ${sshd.user}\n`,
    });
    expect(fs.readFileSync(sshd.logFile, 'utf8')).toMatch(/Accepted publickey for .* ED25519-CERT .* ID vault-root-/);
  });

  it('refuses a certificate whose principal the server does not map to the account', async () => {
    const r = login(user, await sign(engine, 'ssh', user, { valid_principals: 'admin' }));
    expect(r.code).toBe(255);
    expect(r.out).toMatch(/Permission denied \(publickey\)/);
  });

  it('refuses an expired certificate', async () => {
    // An engine whose clock runs two hours behind signs with the same CA key: a 1h
    // certificate from it ended an hour ago by the real clock sshd reads.
    const past = await devEngine({ clock: new Clock({ start: new Date(Date.now() - 2 * 3600_000) }) });
    try {
      await ok(past, 'POST', 'sys/mounts/ssh', { type: 'ssh' });
      await ok(past, 'POST', 'ssh/config/ca', {
        private_key: fs.readFileSync(caKey, 'utf8'),
        public_key: fs.readFileSync(`${caKey}.pub`, 'utf8'),
      });
      await ok(past, 'POST', 'ssh/roles/r', role);
      const cert = await sign(past, 'ssh', user, { valid_principals: 'learner', ttl: '1h' });
      expect(keygen('-L', '-f', cert)).toMatch(/Valid: from \S+ to \S+/);
      const r = login(user, cert);
      expect(r.code).toBe(255);
      expect(fs.readFileSync(sshd.logFile, 'utf8')).toMatch(/[Cc]ertificate invalid: expired/);
    } finally {
      await past.stop();
    }
  });

  it('refuses a key signed by another CA, even for the right principal', () => {
    const other = path.join(dir, 'other-ca');
    keygen('-q', '-t', 'ed25519', '-N', '', '-f', other);
    keygen('-q', '-s', other, '-I', 'impostor', '-n', 'learner', '-V', '+10m', `${user}.pub`);
    const r = login(user, `${user}-cert.pub`);
    expect(r.code).toBe(255);
    expect(r.out).toMatch(/Permission denied/);
  });
});
