/** `vault-lab server -dev`: banner, defaults, health, clean stop on SIGINT and SIGTERM. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { VAULT_LAB_JS } from './support/engine.js';

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [VAULT_LAB_JS, 'server', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const ready = async () => {
    const t0 = Date.now();
    while (!/Root Token: \S+/.test(out)) {
      if (Date.now() - t0 > 15_000 || child.exitCode !== null) throw new Error(`server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 30));
    }
    return out;
  };
  const stop = (sig: NodeJS.Signals) =>
    new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill(sig);
    });
  return { child, ready, stop, output: () => out };
}

describe('vault-lab server -dev', () => {
  it('defaults to 127.0.0.1:8200 with a random hvs. root token and stops on Ctrl-C', async () => {
    const s = start(['-dev']);
    const out = await s.ready();
    expect(out).toContain("export VAULT_ADDR='http://127.0.0.1:8200'");
    const token = /Root Token: (\S+)/.exec(out)![1];
    expect(token).toMatch(/^hvs\.[A-Za-z0-9]{24}$/);
    const h = await fetch('http://127.0.0.1:8200/v1/sys/health');
    expect(h.status).toBe(200);
    const self = await fetch('http://127.0.0.1:8200/v1/auth/token/lookup-self', {
      headers: { 'X-Vault-Token': token },
    });
    expect(((await self.json()) as { data: { policies: string[] } }).data.policies).toEqual(['root']);
    expect(await s.stop('SIGINT')).toBe(0);
    await expect(fetch('http://127.0.0.1:8200/v1/sys/health')).rejects.toThrow();
  });

  it('takes -dev-root-token-id and -dev-listen-address, and stops on SIGTERM', async () => {
    const port = 19200 + Math.floor(Math.random() * 500);
    const s = start(['-dev', '-dev-root-token-id=root', `-dev-listen-address=127.0.0.1:${port}`]);
    const out = await s.ready();
    expect(out).toContain('Root Token: root');
    const h = await fetch(`http://127.0.0.1:${port}/v1/sys/health`);
    expect(((await h.json()) as { initialized: boolean }).initialized).toBe(true);
    expect(await s.stop('SIGTERM')).toBe(0);
  });

  it('refuses to listen beyond loopback and rejects unknown flags', async () => {
    const s = start(['-dev', '-dev-listen-address=0.0.0.0:18299']);
    const code = await new Promise<number | null>((resolve) => s.child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(s.output()).toContain('loopback');
    expect(s.output()).not.toMatch(/\n\s+at /); // no stack trace
    const u = start(['-dev', '-bogus']);
    // A usage error: exit 2, in Go's flag package's words.
    expect(await new Promise((resolve) => u.child.on('exit', resolve))).toBe(2);
    expect(u.output()).toContain('flag provided but not defined: -bogus');
  });
});
