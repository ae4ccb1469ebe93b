/**
 * Process hygiene: after a lab ends — normally (q), by Ctrl-C, or by SIGTERM — no child
 * process (shell, PostgreSQL), no listening engine port and no temporary bin folder is
 * left behind.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';
import { PtySession } from '../support/pty.js';

let s: PtySession | undefined;
afterEach(() => s?.kill());

function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of rows)
      if (pp === p) {
        out.push(c);
        walk(c);
      }
  };
  walk(pid);
  return out;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });

function labDir(file: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-hyg-labs-'));
  fs.copyFileSync(path.join(ROOT, 'content', 'labs', file), path.join(dir, file));
  return dir;
}

async function openLab(file: string) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-hyg-'));
  s = new PtySession(process.execPath, [VAULT_LAB_JS, '--labs', labDir(file)], {
    cwd: ROOT,
    env: { VAULT_LAB_DATA_DIR: data },
  });
  await s.waitFor(/min/);
  s.type('\r');
  await s.waitFor(/vault-lab:\S+[#$] /, 60_000);
  s.type('echo "ADDR=$VAULT_ADDR BIN=$(dirname $(command -v vault))"\r');
  const screen = await s.waitFor(/ADDR=http:\/\/127\.0\.0\.1:(\d+) BIN=(\S+)/);
  const m = /ADDR=http:\/\/127\.0\.0\.1:(\d+) BIN=(\S+)/.exec(screen)!;
  const kids = descendants(s.pty.pid);
  return { port: Number(m[1]), bin: m[2], kids };
}

async function expectClean(o: { port: number; bin: string; kids: number[] }) {
  const t0 = Date.now();
  while (o.kids.some(alive) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
  expect(o.kids.filter(alive)).toEqual([]);
  expect(await listening(o.port)).toBe(false);
  expect(fs.existsSync(o.bin)).toBe(false);
}

describe('process hygiene', () => {
  it('quitting with q leaves nothing running', async () => {
    const o = await openLab('10-policies-and-tokens.yaml');
    expect(o.kids.length).toBeGreaterThan(0); // at least the lab shell
    s!.type('\u001d');
    s!.type('q');
    expect(await s!.waitExit()).toBe(0);
    await expectClean(o);
  }, 90_000);

  it('Ctrl-C from the lesson leaves nothing running', async () => {
    const o = await openLab('10-policies-and-tokens.yaml');
    s!.type('sleep 300 &\r');
    await new Promise((r) => setTimeout(r, 300));
    const withJob = { ...o, kids: descendants(s!.pty.pid) };
    s!.type('\u001d');
    s!.type('\u0003');
    expect(await s!.waitExit()).toBe(0);
    await expectClean(withJob);
  }, 90_000);

  it('SIGTERM during a PostgreSQL lab stops the database server too', async () => {
    const o = await openLab('30-dynamic-db-credentials.yaml');
    const all = descendants(s!.pty.pid);
    const names = all.map((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      } catch {
        return '';
      }
    });
    expect(names.some((n) => n.startsWith('postgres'))).toBe(true);
    process.kill(s!.pty.pid, 'SIGTERM');
    await s!.waitExit(30_000);
    await expectClean({ ...o, kids: all });
  }, 120_000);
});
