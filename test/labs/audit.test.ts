/**
 * Lab 51 says what Vault does: sys/audit/* is root-protected (sudo), sys/audit-hash/<device>
 * is not — an investigator with `update` there can hash values but not manage devices.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../engine/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-audithash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function call(url: string, token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(`${url}/v1/${p}`, {
    method,
    headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, any> | null };
}

describe('sys/audit-hash needs update, not sudo', () => {
  it('a token with update on sys/audit-hash/* hashes; the same token cannot enable a device', async () => {
    const e = await startEngine({ dev: true });
    try {
      const root = e.rootToken;
      await call(e.url, root, 'PUT', 'sys/audit/file', {
        type: 'file',
        options: { file_path: path.join(dir, 'audit.log') },
      });
      await call(e.url, root, 'PUT', 'sys/policies/acl/investigator', {
        policy:
          'path "sys/audit-hash/*" { capabilities = ["update"] }\npath "sys/audit/*" { capabilities = ["update"] }',
      });
      const tok = (await call(e.url, root, 'POST', 'auth/token/create', { policies: ['investigator'] })).body!.auth
        .client_token as string;
      const h = await call(e.url, tok, 'PUT', 'sys/audit-hash/file', { input: 'PAYROLL-7f3a9c' });
      expect(h.status).toBe(200);
      expect(h.body!.data.hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
      const en = await call(e.url, tok, 'PUT', 'sys/audit/other', {
        type: 'file',
        options: { file_path: path.join(dir, 'other.log') },
      });
      expect(en.status).toBe(403);
    } finally {
      await e.stop();
    }
  });
});
