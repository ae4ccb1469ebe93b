/**
 * 1,000 canary secrets go through a sealed-mode server on file storage with a file audit
 * device: written and read back through KV v1 and v2, set and sent as userpass passwords,
 * and wrapped. Afterwards no canary
 * may appear in the storage folder or the audit log in any common encoding — raw,
 * base64 (standard and URL-safe, at every alignment), hex (either case), JSON-escaped
 * or URL-encoded. A control run proves the scanner finds each encoding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startEngine } from '../../engine/index.js';
import { canary, forms, MARK, readAll } from '../support/canary.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-canary-'));
afterAll(() => {
  if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
});

function scan(haystack: string, needles: string[]): string[] {
  return needles.filter((n) => haystack.includes(n));
}

it('finds each encoding in a control text (the scanner works)', () => {
  const c = canary(42);
  for (const f of forms(c)) expect(scan(`noise ${f} noise`, [f])).toEqual([f]);
  expect(scan(`{"v":${JSON.stringify('pre' + c)}}`, forms(c)).length).toBeGreaterThan(0);
  expect(scan(Buffer.from('ab' + c + 'cd').toString('base64'), forms(c)).length).toBeGreaterThan(0);
  expect(scan(Buffer.from('abc' + c).toString('base64url'), forms(c)).length).toBeGreaterThan(0);
  expect(scan(Buffer.from('a' + c).toString('hex'), forms(c)).length).toBeGreaterThan(0);
});

it('1,000 canaries never reach the storage folder or the audit log in any encoding', async () => {
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'audit.log');
  const e = await startEngine({ storage: { kind: 'file', path: data } });
  const call = async (method: string, p: string, token?: string, body?: unknown) => {
    const r = await fetch(`${e.url}/v1/${p}`, {
      method,
      headers: token ? { 'X-Vault-Token': token } : {},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const t = await r.text();
    return { status: r.status, body: t ? JSON.parse(t) : null };
  };
  try {
    const init = (await call('PUT', 'sys/init', undefined, { secret_shares: 1, secret_threshold: 1 })).body;
    await call('PUT', 'sys/unseal', undefined, { key: init.keys[0] });
    const root = init.root_token as string;
    expect((await call('PUT', 'sys/audit/file', root, { type: 'file', options: { file_path: log } })).status).toBe(204);
    await call('POST', 'sys/mounts/kv', root, { type: 'kv' });
    await call('POST', 'sys/mounts/kv2', root, { type: 'kv', options: { version: '2' } });
    expect((await call('POST', 'sys/auth/userpass', root, { type: 'userpass' })).status).toBe(204);

    const N = 1000;
    let i = 0;
    const worker = async () => {
      while (i < N) {
        const n = i++;
        const c = canary(n);
        if (n % 10 === 0) {
          expect((await call('PUT', `kv2/data/app${n}`, root, { data: { password: c } })).status).toBe(200);
          expect((await call('GET', `kv2/data/app${n}`, root)).body.data.data.password).toBe(c);
        } else if (n % 40 === 1) {
          // A password: stored (hashed, under the barrier) and sent again at login.
          expect(
            (await call('PUT', `auth/userpass/users/u${n}`, root, { password: c, policies: 'default' })).status,
          ).toBe(204);
          if (n % 200 === 1)
            expect((await call('PUT', `auth/userpass/login/u${n}`, undefined, { password: c })).status).toBe(200);
        } else {
          expect((await call('PUT', `kv/app${n}`, root, { value: c })).status).toBe(204);
          if (n % 10 === 2) expect((await call('GET', `kv/app${n}`, root)).body.data.value).toBe(c);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    // A canary wrapped in a response-wrapping token's cubbyhole.
    const wrapped = await fetch(`${e.url}/v1/kv/app3`, {
      headers: { 'X-Vault-Token': root, 'X-Vault-Wrap-TTL': '5m' },
    });
    expect(wrapped.status).toBe(200);
  } finally {
    await e.stop();
  }

  const storageText = readAll(data);
  const logText = fs.readFileSync(log, 'latin1');
  expect(logText.split('\n').length).toBeGreaterThan(2000);
  // The log did record the canaries — as HMACs.
  expect(logText).toMatch(/"password":"hmac-sha256:[0-9a-f]{64}"/);

  // The shared marker must be absent in every form: a leak of any canary would carry it.
  const marker = forms(MARK + '-');
  expect(scan(storageText, marker)).toEqual([]);
  expect(scan(logText, marker)).toEqual([]);
  // The marker check covers every canary (each contains it, and each form of a canary contains
  // a form of the marker); a sample is also searched in full.
  const leaks: string[] = [];
  for (let n = 0; n < 1000; n += 10) {
    for (const f of forms(canary(n))) {
      if (storageText.includes(f)) leaks.push(`storage: ${canary(n)} as ${f}`);
      if (logText.includes(f)) leaks.push(`audit log: ${canary(n)} as ${f}`);
    }
  }
  expect(leaks).toEqual([]);
}, 120_000);
