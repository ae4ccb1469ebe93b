/**
 * A relative audit `file_path`: in a lab it resolves against the learner's workspace (the lab
 * engine's working directory), typed through our `vault` CLI in the lab shell; `vault-lab
 * server` keeps Vault's rule and resolves it against the directory it was started from.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSession } from '../../labs/runtime/session.js';
import { ONE_STEP, session } from '../labs/helpers.js';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-audit-path-'));
  dirs.push(d);
  return d;
};
let s: LabSession | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; request: { path: string } });

describe('audit file_path=audit.log', () => {
  it('in a lab shell lands in the learner workspace, not where vault-lab was started', async () => {
    const workspace = tmp();
    const name = `audit-${process.pid}-${Date.now()}.log`;
    s = await session(ONE_STEP('- request: { path: secret/data/app, operation: read }'), { workspace });
    const enabled = await s.runCommand(`vault audit enable file file_path=${name}`);
    expect(enabled.output).toContain('Success! Enabled the file audit device at: file/');
    expect((await s.runCommand('vault kv put secret/app a=b')).code).toBe(0);
    const logged = lines(path.join(workspace, name));
    expect(logged.some((l) => l.type === 'response' && l.request.path === 'secret/data/app')).toBe(true);
    const strays = [path.join(process.cwd(), name), path.join(ROOT, name)].filter((f) => fs.existsSync(f));
    for (const f of strays) fs.rmSync(f);
    expect(strays).toEqual([]);
  });

  it('under vault-lab server resolves against the server process working directory', async () => {
    const cwd = tmp();
    const port = 19700 + Math.floor(Math.random() * 200);
    const child = spawn(
      process.execPath,
      [VAULT_LAB_JS, 'server', '-dev', '-dev-root-token-id=root', `-dev-listen-address=127.0.0.1:${port}`],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
    );
    try {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      const t0 = Date.now();
      while (!out.includes('Root Token: root')) {
        if (Date.now() - t0 > 15_000 || child.exitCode !== null) throw new Error(`server did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 30));
      }
      const put = await fetch(`http://127.0.0.1:${port}/v1/sys/audit/file`, {
        method: 'PUT',
        headers: { 'X-Vault-Token': 'root' },
        body: JSON.stringify({ type: 'file', options: { file_path: 'server-audit.log' } }),
      });
      expect(put.status).toBe(204);
      await fetch(`http://127.0.0.1:${port}/v1/sys/mounts`, { headers: { 'X-Vault-Token': 'root' } });
      expect(lines(path.join(cwd, 'server-audit.log')).some((l) => l.request.path === 'sys/mounts')).toBe(true);
    } finally {
      await new Promise((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      });
    }
  });
});
