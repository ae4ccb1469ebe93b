/**
 * Lab 50 judges what happened on the learner's own server by its log, as an operator would:
 * `vault-lab server -config` writes Vault's `core: vault is unsealed` / `core: vault is sealed`
 * lines when the server unseals or is sealed, whichever client did it (CLI, sys/unseal, curl).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vault, VAULT_LAB_JS } from '../support/engine.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('vault-lab server -config logs seal transitions', () => {
  it('logs unsealed after the threshold, sealed after sys/seal, nothing on a refused seal', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-seallog-'));
    dirs.push(cwd);
    fs.writeFileSync(
      path.join(cwd, 'server.hcl'),
      'storage "file" {\n  path = "data"\n}\nlistener "tcp" {\n  address = "127.0.0.1:0"\n  tls_disable = true\n}\n',
    );
    const child = spawn(process.execPath, [VAULT_LAB_JS, 'server', '-config=server.hcl'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      while (!/Api Address: (\S+)/.test(out)) await new Promise((r) => setTimeout(r, 50));
      const env = { VAULT_ADDR: /Api Address: (\S+)/.exec(out)![1], HOME: cwd };
      const init = await vault(['operator', 'init', '-key-shares=3', '-key-threshold=2', '-format=json'], env);
      const { unseal_keys_b64: keys, root_token: root } = JSON.parse(init.stdout) as {
        unseal_keys_b64: string[];
        root_token: string;
      };
      await vault(['operator', 'unseal', keys[0]], env);
      expect(out).not.toContain('vault is unsealed');
      await vault(['write', 'sys/unseal', `key=${keys[2]}`], { ...env, VAULT_TOKEN: root });
      expect(out).toMatch(/Z \[INFO\] {2}core: vault is unsealed\n/);
      expect(out).not.toContain('vault is sealed');
      const denied = await vault(['operator', 'seal'], { ...env, VAULT_TOKEN: 'hvs.nope' });
      expect(denied.code).toBe(2);
      expect(out).not.toContain('vault is sealed');
      await vault(['operator', 'seal'], { ...env, VAULT_TOKEN: root });
      expect(out).toMatch(/core: vault is unsealed\n.*core: marked as sealed\n.*core: vault is sealed\n/s);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
