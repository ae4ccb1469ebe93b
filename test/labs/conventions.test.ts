/**
 * The conventions of issue 22 that are not the command line itself: where caches and data
 * live (XDG, macOS folders, the move of older caches), the `$schema` of `vault-lab new`,
 * `vault-lab test`'s progress and per-lab times, and JUnit XML that survives control characters.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDir, dataDir, migrateLegacyCaches, migrateLegacyData } from '../../labs/runtime/paths.js';
import { writeJunit, xmlText } from '../../labs/tools/junit.js';
import { labTimes, TestProgress } from '../../labs/tools/progress.js';
import { schemaPath } from '../../labs/tools/scaffold.js';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-conv-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const home = os.homedir();

describe('data and cache folders', () => {
  it('follow XDG on Linux and the platform folders on macOS', () => {
    expect(dataDir({}, 'linux')).toBe(path.join(home, '.local', 'share', 'vault-lab'));
    expect(cacheDir({}, 'linux')).toBe(path.join(home, '.cache', 'vault-lab'));
    expect(dataDir({ XDG_DATA_HOME: '/x/data' }, 'linux')).toBe('/x/data/vault-lab');
    expect(cacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux')).toBe('/x/cache/vault-lab');
    expect(dataDir({}, 'darwin')).toBe(path.join(home, 'Library', 'Application Support', 'vault-lab'));
    expect(cacheDir({}, 'darwin')).toBe(path.join(home, 'Library', 'Caches', 'vault-lab'));
    // An explicit XDG variable wins on macOS too.
    expect(cacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'darwin')).toBe('/x/cache/vault-lab');
  });

  it('VAULT_LAB_DATA_DIR keeps a whole run in one folder; VAULT_LAB_CACHE_DIR moves the cache alone', () => {
    const env = { VAULT_LAB_DATA_DIR: path.join(dir, 'd'), XDG_CACHE_HOME: '/x/cache' };
    expect(dataDir(env, 'linux')).toBe(path.join(dir, 'd'));
    expect(cacheDir(env, 'linux')).toBe(path.join(dir, 'd', 'cache'));
    expect(cacheDir({ ...env, VAULT_LAB_CACHE_DIR: path.join(dir, 'c') }, 'linux')).toBe(path.join(dir, 'c'));
  });

  it("moves an older version's caches out of the data dir and leaves progress alone", () => {
    const data = path.join(dir, 'data');
    const cache = path.join(dir, 'cache');
    fs.mkdirSync(path.join(data, 'cache', 'v8'), { recursive: true });
    fs.writeFileSync(path.join(data, 'cache', 'labs.json'), '{"labs":1}');
    fs.writeFileSync(path.join(data, 'cache', 'v8', 'ui-vendor-a.bin'), 'code');
    fs.mkdirSync(path.join(data, 'postgres', '17-abc'), { recursive: true });
    fs.writeFileSync(path.join(data, 'postgres', '17-abc', 'PG_VERSION'), '17');
    fs.writeFileSync(path.join(data, 'progress.json'), '{"mine":true}');
    const done = migrateLegacyCaches(data, cache);
    expect(done).toHaveLength(3);
    expect(fs.readFileSync(path.join(cache, 'labs.json'), 'utf8')).toBe('{"labs":1}');
    expect(fs.readFileSync(path.join(cache, 'v8', 'ui-vendor-a.bin'), 'utf8')).toBe('code');
    expect(fs.readFileSync(path.join(cache, 'postgres', '17-abc', 'PG_VERSION'), 'utf8')).toBe('17');
    expect(fs.existsSync(path.join(data, 'cache'))).toBe(false);
    expect(fs.existsSync(path.join(data, 'postgres'))).toBe(false);
    expect(fs.readFileSync(path.join(data, 'progress.json'), 'utf8')).toBe('{"mine":true}');
    // A second run has nothing to do; an old copy next to a newer cache is dropped, not merged.
    expect(migrateLegacyCaches(data, cache)).toEqual([]);
    fs.mkdirSync(path.join(data, 'postgres'), { recursive: true });
    expect(migrateLegacyCaches(data, cache)).toEqual([`dropped ${path.join(data, 'postgres')}`]);
    expect(fs.existsSync(path.join(cache, 'postgres', '17-abc', 'PG_VERSION'))).toBe(true);
  });

  it('never moves data on Linux or when a folder is given explicitly', () => {
    expect(migrateLegacyData({}, 'linux')).toBeUndefined();
    expect(migrateLegacyData({ VAULT_LAB_DATA_DIR: dir }, 'darwin')).toBeUndefined();
    expect(migrateLegacyData({ XDG_DATA_HOME: dir }, 'darwin')).toBeUndefined();
  });

  it('the course and the tools use the cache dir (no cache written under the data dir)', () => {
    const data = path.join(dir, 'data');
    const cache = path.join(dir, 'xdg-cache');
    // The plain course loads the labs through the parsed-labs cache, then quits.
    const r = spawnSync(process.execPath, [VAULT_LAB_JS, '--plain'], {
      env: { ...process.env, VAULT_LAB_DATA_DIR: '', XDG_DATA_HOME: data, XDG_CACHE_HOME: cache, HOME: dir },
      input: 'q\n',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(cache, 'vault-lab', 'labs.json'), 'utf8'))).toBeTruthy();
    expect(fs.existsSync(path.join(data, 'vault-lab', 'cache'))).toBe(false);
    expect(fs.existsSync(path.join(data, 'vault-lab', 'postgres'))).toBe(false);
  });
});

describe('vault-lab new: $schema', () => {
  const schemaOf = (file: string) =>
    /^# yaml-language-server: \$schema=(\S+)$/m.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? '';

  it('points at a schema file that exists, relative to the lab, never a URL', () => {
    const r = spawnSync(process.execPath, [VAULT_LAB_JS, 'new', 'my-lab', '--dir', 'labs'], { cwd: dir });
    expect(r.status).toBe(0);
    const s = schemaOf(path.join(dir, 'labs', 'my-lab.yaml'));
    expect(s).not.toMatch(/^https?:/);
    const target = path.resolve(dir, 'labs', s);
    expect(fs.existsSync(target)).toBe(true);
    expect(JSON.parse(fs.readFileSync(target, 'utf8')).$schema).toMatch(/json-schema/);
  });

  it('prefers the project install (node_modules/vault-lab/…), and is short inside the package', () => {
    const installed = path.join(dir, 'node_modules', 'vault-lab', 'content');
    fs.mkdirSync(installed, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'content', 'lab.schema.json'), path.join(installed, 'lab.schema.json'));
    expect(schemaPath(path.join(dir, 'course'))).toBe('../node_modules/vault-lab/content/lab.schema.json');
    expect(schemaPath(dir)).toBe('./node_modules/vault-lab/content/lab.schema.json');
    expect(schemaPath(path.join(ROOT, 'content', 'labs'))).toBe('../lab.schema.json');
  });
});

describe('vault-lab test output', () => {
  it('progress: a redrawn line on a terminal, each provisioning message once in a log', () => {
    const log: string[] = [];
    const p = new TestProgress({ write: (s: string) => log.push(s), isTTY: false }, 3);
    p.note('40-db', 'starting PostgreSQL (embedded)…');
    p.note('40-db', 'starting PostgreSQL (embedded)…');
    p.note('41-db', 'starting PostgreSQL (system)…');
    p.note('40-db', 'running the lab setup…');
    p.stop();
    expect(log).toEqual(['vault-lab test: 40-db: starting PostgreSQL (embedded)…\n']);

    const tty: string[] = [];
    const q = new TestProgress({ write: (s: string) => tty.push(s), isTTY: true }, 2);
    const out: string[] = [];
    const write = q.around((s) => out.push(s));
    q.note('60-k8s', 'starting the simulated Kubernetes cluster…');
    write('60-k8s — Kubernetes\n');
    q.stop();
    expect(tty[0]).toMatch(/^\r\x1b\[2K. \[0\/2 labs\] 60-k8s: starting the simulated Kubernetes cluster…$/);
    // The line is taken away before results are printed, and redrawn after.
    expect(tty.slice(1, 3)).toEqual(['\r\x1b[2K', expect.stringContaining('60-k8s: starting')]);
    expect(tty.at(-1)).toBe('\r\x1b[2K');
    expect(out).toEqual(['60-k8s — Kubernetes\n']);
  });

  it('per-lab times close the run', () => {
    const t = labTimes([
      { lab: '10-a', ok: true, walks: 3, ms: 1234 },
      { lab: '20-longer', ok: false, walks: 1, ms: 61_000 },
    ]);
    expect(t).toBe('\nPer lab:\n  ✓ 10-a          1.2s  3 walks\n  ✗ 20-longer    1m01s  1 walk\n');
  });

  it('JUnit XML escapes what XML 1.0 cannot carry (ESC, NUL) and stays parseable', () => {
    expect(xmlText('a\x1b[31mb\x00c\td<&>')).toBe('a\\x1b[31mb\\x00c\td&lt;&amp;&gt;');
    const file = path.join(dir, 'r.xml');
    writeJunit(file, [
      { lab: 'l\x07', step: 's\x00', ok: false, detail: 'red \x1b[31mX\x1b[0m nul \x00 \ud800 end\nline 2', ms: 5 },
    ]);
    const xml = fs.readFileSync(file, 'utf8');
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    expect(xml).toContain('red \\x1b[31mX\\x1b[0m nul \\x00 \\ud800 end');
    const py = spawnSync('python3', ['-c', 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])', file]);
    if (py.error === undefined) expect(py.status, String(py.stderr)).toBe(0);
  });

  it('a failing check whose message holds ESC and NUL: the run reports it and --junit parses', async () => {
    const env = { ...process.env, VAULT_LAB_DATA_DIR: path.join(dir, 'data') };
    spawnSync(process.execPath, [VAULT_LAB_JS, 'new', 'x'], { cwd: dir, env });
    const lab = path.join(dir, 'x.yaml');
    fs.writeFileSync(
      lab,
      fs
        .readFileSync(lab, 'utf8')
        .replace('vault kv put secret/x/answer answer=42', 'vault kv put secret/x/answer answer=41')
        .replace('message: Store answer=42 at secret/x/answer.', 'message: "\\e[31mStore answer=42\\e[0m at\\0 here."'),
    );
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, [VAULT_LAB_JS, 'test', 'x.yaml', '--junit', 'r.xml'], { cwd: dir, env });
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => {
        out += d;
      });
      p.stderr.on('data', (d) => {
        err += d;
      });
      p.on('close', (code) => resolve({ code, out, err }));
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\nPer lab:\n {2}✗ x +\d/);
    expect(r.out.trim().split('\n').pop()).toBe('4 passed, 2 failed');
    expect(r.err).toBe(''); // no outside system to provision: nothing on stderr in a log
    const xml = fs.readFileSync(path.join(dir, 'r.xml'), 'utf8');
    expect(xml).toContain('\\x1b[31mStore answer=42\\x1b[0m at\\x00 here.');
    expect(xml).not.toMatch(/[\x00\x1b]/);
  }, 60_000);
});
