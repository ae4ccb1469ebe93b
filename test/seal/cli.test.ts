/**
 * `vault operator init | unseal | seal` and `vault status` as processes against a sealed
 * server, and `vault-lab server -config` itself: starts sealed, refuses bad configs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../../engine/index.js';
import { vault, VAULT_LAB_JS } from '../support/engine.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-opcli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const engines: Engine[] = [];
afterEach(async () => {
  while (engines.length) await engines.pop()!.stop();
});

describe('vault operator', () => {
  it('init prints five keys and a root token; three holders unseal; status exits 2 sealed, 0 unsealed', async () => {
    const e = await startEngine({ storage: { kind: 'file', path: tmp() } });
    engines.push(e);
    const env = { VAULT_ADDR: e.url, HOME: tmp() };
    const st0 = await vault(['status'], env);
    expect(st0.code).toBe(2);
    expect(st0.stdout).toMatch(/Initialized\s+false/);

    const init = await vault(['operator', 'init', '-key-shares=5', '-key-threshold=3'], env);
    expect(init.code).toBe(0);
    const keys = [...init.stdout.matchAll(/^Unseal Key (\d): (\S+)$/gm)].map((m) => m[2]);
    expect(keys).toHaveLength(5);
    const root = /^Initial Root Token: (hvs\.\S+)$/m.exec(init.stdout)?.[1];
    expect(root).toBeTruthy();
    expect(init.stdout).toContain('Vault initialized with 5 key shares and a key threshold of 3.');
    expect(init.stdout).toContain('you must supply at least 3 of these keys to unseal it');

    const again = await vault(['operator', 'init'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('Error initializing: Error making API request.');
    expect(again.stderr).toContain('* Vault is already initialized');

    const u1 = await vault(['operator', 'unseal', keys[0]], env);
    expect(u1.code).toBe(0);
    expect(u1.stdout).toMatch(/Sealed\s+true/);
    expect(u1.stdout).toMatch(/Unseal Progress\s+1\/3/);
    const dupe = await vault(['operator', 'unseal', keys[0]], env);
    expect(dupe.stdout).toMatch(/Unseal Progress\s+1\/3/);
    const bad = await vault(['operator', 'unseal', 'zz-not-a-key'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'key' must be a valid hex or base64 string");
    const viaStdin = await vault(['operator', 'unseal', '-'], env, keys[3] + '\n');
    expect(viaStdin.stdout).toMatch(/Unseal Progress\s+2\/3/);
    const reset = await vault(['operator', 'unseal', '-reset'], env);
    expect(reset.stdout).toMatch(/Unseal Progress\s+0\/3/);
    for (const k of [keys[4], keys[2]]) await vault(['operator', 'unseal', k], env);
    const u3 = await vault(['operator', 'unseal', '-format=json', keys[1]], env);
    expect(JSON.parse(u3.stdout)).toMatchObject({ sealed: false, t: 3, n: 5, progress: 0 });

    const st1 = await vault(['status'], env);
    expect(st1.code).toBe(0);
    expect(st1.stdout).toMatch(/Sealed\s+false/);
    expect(st1.stdout).toMatch(/Storage Type\s+file/);

    const noToken = await vault(['operator', 'seal'], env);
    expect(noToken.code).toBe(2);
    const sealed = await vault(['operator', 'seal'], { ...env, VAULT_TOKEN: root });
    expect(sealed.stdout).toBe('Success! Vault is sealed.\n');
    expect((await vault(['status'], { ...env, VAULT_TOKEN: root })).code).toBe(2);
    const read = await vault(['read', 'sys/mounts'], { ...env, VAULT_TOKEN: root });
    expect(read.code).toBe(2);
    expect(read.stderr).toContain('Vault is sealed');
  });

  it('init -format=json gives the keys in both encodings; -status exits 0 or 2', async () => {
    const e = await startEngine({ storage: { kind: 'file', path: tmp() } });
    engines.push(e);
    const env = { VAULT_ADDR: e.url, HOME: tmp() };
    expect((await vault(['operator', 'init', '-status'], env)).code).toBe(2);
    const r = await vault(['operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json'], env);
    const j = JSON.parse(r.stdout);
    expect(j.unseal_keys_b64).toHaveLength(1);
    expect(Buffer.from(j.unseal_keys_b64[0], 'base64').toString('hex')).toBe(j.unseal_keys_hex[0]);
    expect(j).toMatchObject({ unseal_shares: 1, unseal_threshold: 1 });
    expect(j.root_token).toMatch(/^hvs\./);
    expect((await vault(['operator', 'init', '-status'], env)).code).toBe(0);
    const bad = await vault(['operator', 'init', '-key-shares=3', '-key-threshold=5'], {
      VAULT_ADDR: (await fresh()).url,
      HOME: tmp(),
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('threshold cannot be larger than shares');
  });
});

describe('vault operator unseal in a terminal', () => {
  it('asks for the key without echoing it', async () => {
    const { PtySession } = await import('../support/pty.js');
    const { VAULT_JS } = await import('../support/engine.js');
    const e = await fresh();
    const init = await e.request({
      operation: 'write',
      path: 'sys/init',
      data: { secret_shares: 3, secret_threshold: 2 },
    });
    const key = (init.body as { keys_base64: string[] }).keys_base64[1];
    const p = new PtySession(process.execPath, [VAULT_JS, 'operator', 'unseal'], {
      env: { VAULT_ADDR: e.url, HOME: tmp() },
    });
    await p.waitFor('Unseal Key (will be hidden):');
    p.type(key + '\r');
    const screen = await p.waitFor(/Unseal Progress\s+1\/2/);
    expect(await p.waitExit()).toBe(0);
    expect(screen).not.toContain(key.slice(0, 12));
    expect(p.raw).not.toContain(key.slice(0, 12));
  });
});

async function fresh() {
  const e = await startEngine({ storage: { kind: 'file', path: tmp() } });
  engines.push(e);
  return e;
}

function runServer(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; out: string; child: ReturnType<typeof spawn> }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VAULT_LAB_JS, 'server', ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Log data will stream in below')) setTimeout(() => resolve({ code: null, out, child }), 100);
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => resolve({ code, out, child }));
  });
}

describe('vault-lab server -config', () => {
  it('starts uninitialised on file storage, keeps its folder private and stops on SIGTERM', async () => {
    const cwd = tmp();
    fs.writeFileSync(
      path.join(cwd, 'server.hcl'),
      'storage "file" {\n  path = "data"\n}\nlistener "tcp" {\n  address = "127.0.0.1:0"\n  tls_disable = "true"\n}\ndefault_lease_ttl = "1h"\nmax_lease_ttl = "24h"\n',
    );
    const s = await runServer(['-config=server.hcl'], cwd);
    expect(s.code).toBe(null);
    expect(s.out).toContain('Storage: file');
    expect(s.out).toContain('run `vault operator init`');
    expect(fs.statSync(path.join(cwd, 'data')).mode & 0o777).toBe(0o700);
    const url = /Api Address: (\S+)/.exec(s.out)![1];
    const st = await vault(['status', '-format=json'], { VAULT_ADDR: url, HOME: cwd });
    expect(JSON.parse(st.stdout)).toMatchObject({ initialized: false, sealed: true, storage_type: 'file' });
    const exited = new Promise<number | null>((r) => s.child.on('exit', (c) => r(c)));
    s.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a broken or unsupported config with file:line:column and what to do', async () => {
    const cwd = tmp();
    const cases: Array<[string, RegExp]> = [
      ['listener "tcp" {\n  address = "127.0.0.1:0"\n  tls_disable = true\n}\n', /a storage stanza is required/],
      [
        'storage "file" { path = "d" }\nlistener "tcp" {\n  address = "0.0.0.0:8200"\n  tls_disable = true\n}\n',
        /server.hcl:3:3: .*loopback only/,
      ],
      [
        'storage "file" { path = "d" }\nlistener "tcp" { address = "127.0.0.1:0" }\n',
        /TLS is not available.*tls_disable = true/,
      ],
      ['storage "consul" { path = "d" }\n', /server.hcl:1:1: storage type "consul" is not available/],
      ['storage "raft" { path = "d" }\n', /Cluster address must be set when using raft storage/],
      [
        'storage "raft" { node_id = "n1" }\ncluster_addr = "https://127.0.0.1:8201"\n',
        /server.hcl:1:1: 'path' must be set/,
      ],
      ['storage "file" { path = "d" }\nseal "awskms" {}\n', /server.hcl:2:1: auto-unseal/],
      ['storage "file" { path = "d" }\nbogus = 1\n', /server.hcl:2:1: unknown configuration key "bogus"/],
      ['storage "file" { path = "d"\n', /server.hcl:\d+:\d+: /],
      ['storage "file" { path = "d" }\nmax_lease_ttl = "soon"\n', /max_lease_ttl: "soon" is not a duration/],
    ];
    for (const [text, want] of cases) {
      fs.writeFileSync(path.join(cwd, 'server.hcl'), text);
      const r = await runServer(['-config=server.hcl'], cwd);
      expect(r.code, text).toBe(1);
      expect(r.out, text).toMatch(want);
      expect(r.out).not.toMatch(/\n\s+at /);
    }
    const missing = await runServer(['-config=nope.hcl'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('no such file or directory');
  });
});
