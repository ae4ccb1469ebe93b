/**
 * What a learner gets from the registry: `npm pack`, installed into an empty folder,
 * runs `npx vault-lab --version`, `--help` and `server -dev`.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/engine.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('the published package', () => {
  it('installs from its tarball into an empty folder and runs', async () => {
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-pack-'));
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-app-'));
    dirs.push(packDir, app);
    const { stdout } = await run('npm', ['pack', '--pack-destination', packDir, '--json', '--ignore-scripts'], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const info = JSON.parse(stdout.slice(stdout.indexOf('[')))[0];
    const files: string[] = info.files.map((f: { path: string }) => f.path);
    expect(files).toContain('dist/vault-lab.js');
    expect(files).toContain('dist/vault.js');
    expect(files).toContain('content/labs/10-policies-and-tokens.yaml');
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('engine/'))).toBe(false);
    const tarball = path.join(packDir, info.filename);
    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'learner', version: '1.0.0', private: true }),
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional', tarball], {
      cwd: app,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 240_000,
    });

    const version = await run('npx', ['--no-install', 'vault-lab', '--version'], { cwd: app });
    expect(version.stdout.trim()).toBe(
      `vault-lab ${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}`,
    );
    const help = await run('npx', ['--no-install', 'vault-lab', '--help'], { cwd: app });
    expect(help.stdout).toContain('vault-lab server -dev');

    // server -dev on a free port answers sys/health and stops cleanly on SIGTERM.
    const port = 18200 + Math.floor(Math.random() * 500);
    const bin = path.join(app, 'node_modules', '.bin', 'vault-lab');
    const child = spawn(bin, ['server', '-dev', '-dev-root-token-id=root', `-dev-listen-address=127.0.0.1:${port}`], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const t0 = Date.now();
    while (!out.includes('Root Token: root')) {
      if (Date.now() - t0 > 15_000) throw new Error(`server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(out).toContain(`export VAULT_ADDR='http://127.0.0.1:${port}'`);
    const health = await fetch(`http://127.0.0.1:${port}/v1/sys/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { sealed: boolean }).sealed).toBe(false);
    // The installed `vault` CLI talks to it.
    const status = await run(path.join(app, 'node_modules', '.bin', 'vault'), ['status'], {
      env: { ...process.env, VAULT_ADDR: `http://127.0.0.1:${port}`, VAULT_TOKEN: 'root' },
    });
    expect(status.stdout).toMatch(/Sealed\s+false/);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 300_000);
});
