/**
 * storage "raft" (one node) end to end: `vault-lab server -config` as a process, the
 * sys/storage/raft/* API over HTTP, and `vault operator raft …` as a process. A snapshot
 * restore is tested across restarts: data, policies, tokens and leases go back to the
 * snapshot; a token made after it stops working; another cluster's snapshot is refused
 * unless forced, and then needs that cluster's keys.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../../engine/index.js';
import { FileStorage } from '../../engine/physical/file.js';
import { RaftStorage } from '../../engine/physical/raft.js';
import { vault, VAULT_LAB_JS } from '../support/engine.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-raft-'));
  dirs.push(d);
  return d;
};
const children: Array<ReturnType<typeof spawn>> = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  while (engines.length) await engines.pop()!.stop();
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Server {
  url: string;
  out: () => string;
  stop: () => Promise<number | null>;
}

function raftConfig(dataDir: string, nodeId = 'node1') {
  return `storage "raft" {\n  path    = "${dataDir}"\n  node_id = "${nodeId}"\n}\nlistener "tcp" {\n  address     = "127.0.0.1:0"\n  tls_disable = true\n}\napi_addr     = "http://127.0.0.1:8200"\ncluster_addr = "https://127.0.0.1:8201"\ndisable_mlock = true\n`;
}

function start(cwd: string): Promise<Server & { code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VAULT_LAB_JS, 'server', '-config=raft.hcl'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const server = (code: number | null) => ({
      code,
      url: /Api Address: (\S+)/.exec(out)?.[1] ?? '',
      out: () => out,
      stop: async () => {
        child.kill('SIGTERM');
        return exited;
      },
    });
    const on = (d: Buffer) => {
      out += d.toString();
      if (/run `vault operator init`|The server is sealed/.test(out)) resolve(server(null));
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => resolve(server(code)));
  });
}

async function api(url: string, method: string, p: string, token?: string, body?: unknown | Buffer) {
  const headers: Record<string, string> = {};
  if (token) headers['X-Vault-Token'] = token;
  const res = await fetch(`${url}/v1/${p}`, {
    method,
    headers,
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  let json: any = null;
  try {
    json = buf.length ? JSON.parse(buf.toString('utf8')) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, buf, type: res.headers.get('content-type') };
}

async function initUnseal(url: string): Promise<{ key: string; root: string }> {
  const init = await api(url, 'PUT', 'sys/init', undefined, { secret_shares: 1, secret_threshold: 1 });
  expect(init.status).toBe(200);
  const key = init.json.keys_base64[0] as string;
  expect((await api(url, 'PUT', 'sys/unseal', undefined, { key })).json.sealed).toBe(false);
  return { key, root: init.json.root_token };
}

describe('storage "raft" (single node)', () => {
  it('refuses a data folder that does not exist, as Vault does', async () => {
    const cwd = tmp();
    fs.writeFileSync(path.join(cwd, 'raft.hcl'), raftConfig('./missing'));
    const s = await start(cwd);
    expect(s.code).toBe(1);
    expect(s.out()).toMatch(
      /Error initializing storage of type raft: failed to create fsm: failed to open bolt file: open .*missing\/vault\.db: no such file or directory/,
    );
    expect(s.out()).not.toMatch(/\n\s+at /);
  });

  it('snapshots, and restores across restarts: data, policies, tokens and leases revert', async () => {
    const cwd = tmp();
    fs.mkdirSync(path.join(cwd, 'data'));
    fs.writeFileSync(path.join(cwd, 'raft.hcl'), raftConfig('./data'));
    let s = await start(cwd);
    expect(s.code).toBe(null);
    expect(s.out()).toContain('Storage: raft (HA available)');
    const { key, root } = await initUnseal(s.url);
    for (const f of ['vault.db', 'raft/raft.db', 'raft/snapshots'])
      expect(fs.existsSync(path.join(cwd, 'data', f)), f).toBe(true);
    expect((await api(s.url, 'GET', 'sys/seal-status')).json.storage_type).toBe('raft');

    const conf = await api(s.url, 'GET', 'sys/storage/raft/configuration', root);
    expect(conf.status).toBe(200);
    expect(conf.json.data.config.servers).toEqual([
      { node_id: 'node1', address: '127.0.0.1:8201', leader: true, voter: true, protocol_version: '3' },
    ]);
    expect(conf.json.data.config.index).toBeGreaterThan(0);
    const ap = await api(s.url, 'GET', 'sys/storage/raft/autopilot/state', root);
    expect(ap.json.data).toMatchObject({ healthy: true, failure_tolerance: 0, leader: 'node1', voters: ['node1'] });
    expect(ap.json.data.servers.node1).toMatchObject({ status: 'leader', node_type: 'voter', healthy: true });

    await api(s.url, 'POST', 'sys/mounts/secret', root, { type: 'kv', options: { version: '2' } });
    expect((await api(s.url, 'POST', 'secret/data/app', root, { data: { pw: 'before' } })).status).toBe(200);
    await api(s.url, 'PUT', 'sys/policies/acl/app', root, {
      policy: 'path "secret/data/app" { capabilities = ["read"] }',
    });
    const t1 = (await api(s.url, 'POST', 'auth/token/create', root, { policies: ['app'], ttl: '1h' })).json.auth
      .client_token as string;

    // Save with the CLI: silent, a private file, a gzip'd tar with Vault's four members.
    const env = { VAULT_ADDR: s.url, VAULT_TOKEN: root, HOME: cwd };
    const save = await vault(['operator', 'raft', 'snapshot', 'save', path.join(cwd, 'backup.snap')], env);
    expect(save).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const snapFile = path.join(cwd, 'backup.snap');
    expect(fs.statSync(snapFile).mode & 0o777).toBe(0o600);
    const members = execFileSync('tar', ['tzf', snapFile], { encoding: 'utf8' }).trim().split('\n');
    expect(members).toEqual(['meta.json', 'state.bin', 'SHA256SUMS', 'SHA256SUMS.sealed']);
    expect(fs.readFileSync(snapFile).includes(Buffer.from('before'))).toBe(false);
    // The raw API form answers the same kind of body.
    const raw = await api(s.url, 'GET', 'sys/storage/raft/snapshot', root);
    expect(raw.status).toBe(200);
    expect(raw.type).toBe('application/gzip');
    expect(raw.buf.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    // Break things after the snapshot.
    const t2 = (await api(s.url, 'POST', 'auth/token/create', root, { policies: ['app'] })).json.auth
      .client_token as string;
    await api(s.url, 'DELETE', 'secret/metadata/app', root);
    await api(s.url, 'DELETE', 'sys/policies/acl/app', root);
    await api(s.url, 'POST', 'auth/token/revoke', root, { token: t1 });
    expect((await api(s.url, 'GET', 'secret/data/app', root)).status).toBe(404);

    // Restart, unseal, restore with the CLI.
    expect(await s.stop()).toBe(0);
    s = await start(cwd);
    await api(s.url, 'PUT', 'sys/unseal', undefined, { key });
    const env2 = { ...env, VAULT_ADDR: s.url };
    const restore = await vault(['operator', 'raft', 'snapshot', 'restore', snapFile], env2);
    expect(restore).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const check = async (url: string) => {
      expect((await api(url, 'GET', 'secret/data/app', root)).json.data.data).toEqual({ pw: 'before' });
      expect((await api(url, 'GET', 'sys/policies/acl/app', root)).status).toBe(200);
      expect((await api(url, 'GET', 'secret/data/app', t1)).status).toBe(200);
      expect((await api(url, 'GET', 'auth/token/lookup-self', t2)).status).toBe(403);
      const ttl = (await api(url, 'GET', 'auth/token/lookup-self', t1)).json.data.ttl;
      expect(ttl).toBeGreaterThan(3000);
      expect(ttl).toBeLessThanOrEqual(3600);
    };
    await check(s.url);

    // Still so after another restart: the restore is on disk.
    expect(await s.stop()).toBe(0);
    s = await start(cwd);
    await api(s.url, 'PUT', 'sys/unseal', undefined, { key });
    await check(s.url);

    const peers = await vault(['operator', 'raft', 'list-peers'], { ...env, VAULT_ADDR: s.url });
    expect(peers.code).toBe(0);
    expect(peers.stdout).toMatch(
      /^Node\s+Address\s+State\s+Voter\n----\s+-------\s+-----\s+-----\nnode1\s+127\.0\.0\.1:8201\s+leader\s+true\n$/,
    );
    const auto = await vault(['operator', 'raft', 'autopilot', 'state'], { ...env, VAULT_ADDR: s.url });
    expect(auto.stdout).toMatch(/^Healthy:\s+true$/m);
    expect(auto.stdout).toMatch(/^Leader:\s+node1$/m);
    expect(auto.stdout).toMatch(/^\s+Node Type:\s+voter$/m);
    expect(await s.stop()).toBe(0);
  }, 60_000);

  it("refuses another cluster's snapshot unless forced; forced, it needs that snapshot's keys", async () => {
    const a = tmp();
    const b = tmp();
    for (const d of [a, b]) {
      fs.mkdirSync(path.join(d, 'data'));
      fs.writeFileSync(path.join(d, 'raft.hcl'), raftConfig('./data'));
    }
    const sa = await start(a);
    const ka = await initUnseal(sa.url);
    await api(sa.url, 'POST', 'sys/mounts/secret', ka.root, { type: 'kv', options: { version: '2' } });
    await api(sa.url, 'POST', 'secret/data/app', ka.root, { data: { from: 'a' } });
    const snap = (await api(sa.url, 'GET', 'sys/storage/raft/snapshot', ka.root)).buf;
    fs.writeFileSync(path.join(b, 'a.snap'), snap);
    await sa.stop();

    const sb = await start(b);
    const kb = await initUnseal(sb.url);
    const refused = await api(sb.url, 'POST', 'sys/storage/raft/snapshot', kb.root, snap);
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([
      'could not verify hash file, possibly the snapshot is using a different set of unseal keys; use the snapshot-force API to bypass this check',
    ]);
    const env = { VAULT_ADDR: sb.url, VAULT_TOKEN: kb.root, HOME: b };
    const cli = await vault(['operator', 'raft', 'snapshot', 'restore', path.join(b, 'a.snap')], env);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('Error installing the snapshot: Error making API request.');
    expect(cli.stderr).toContain('* could not verify hash file');
    const garbage = await api(sb.url, 'POST', 'sys/storage/raft/snapshot', kb.root, Buffer.from('not a snapshot'));
    expect(garbage.status).toBe(400);
    expect(garbage.json.errors[0]).toMatch(/^failed to read snapshot file/);

    const forced = await vault(['operator', 'raft', 'snapshot', 'restore', '-force', path.join(b, 'a.snap')], env);
    expect(forced).toMatchObject({ code: 0, stdout: '' });
    expect((await api(sb.url, 'GET', 'sys/seal-status')).json.sealed).toBe(true);
    const oldKey = await api(sb.url, 'PUT', 'sys/unseal', undefined, { key: kb.key });
    expect(oldKey.status).toBe(400);
    expect((await api(sb.url, 'PUT', 'sys/unseal', undefined, { key: ka.key })).json.sealed).toBe(false);
    expect((await api(sb.url, 'GET', 'secret/data/app', ka.root)).json.data.data).toEqual({ from: 'a' });
    await sb.stop();
  }, 60_000);

  it('a restore brings back the lease table: a lease made after the snapshot is gone, one before it is back', async () => {
    const dir = tmp();
    let revoked: string[] = [];
    // A tiny leasing backend: every read of creds/<name> issues a lease, revocations are recorded.
    const leasing = () => ({
      type: 'leasing',
      kind: 'secret' as const,
      paths: [
        {
          pattern: 'creds/(?<name>\\w+)',
          operations: {
            read: (req: { params: Record<string, string> }) => ({
              data: { user: req.params.name },
              secret: { type: 'cred', ttl: 3600, internal: { user: req.params.name } },
            }),
          },
        },
      ],
      secrets: { cred: { revoke: async (i: Record<string, unknown>) => void revoked.push(String(i.user)) } },
    });
    const e = await startEngine({
      storage: { kind: 'raft', path: dir, nodeId: 'n1', clusterAddr: 'https://127.0.0.1:8201' },
      backends: { leasing },
    });
    engines.push(e);
    const { root } = await initUnseal(e.url);
    await api(e.url, 'POST', 'sys/mounts/db', root, { type: 'leasing' });
    const before = (await api(e.url, 'GET', 'db/creds/alice', root)).json.lease_id as string;
    const snap = (await api(e.url, 'GET', 'sys/storage/raft/snapshot', root)).buf;
    const after = (await api(e.url, 'GET', 'db/creds/bob', root)).json.lease_id as string;
    await api(e.url, 'PUT', 'sys/leases/revoke', root, { lease_id: before });
    expect(revoked).toEqual(['alice']);
    revoked = [];
    expect((await api(e.url, 'POST', 'sys/storage/raft/snapshot', root, snap)).status).toBe(204);
    const lookup = (id: string) => api(e.url, 'PUT', 'sys/leases/lookup', root, { lease_id: id });
    expect((await lookup(before)).status).toBe(200);
    expect((await lookup(after)).status).toBe(400);
    expect((await api(e.url, 'GET', 'sys/storage/raft/configuration', root)).json.data.config.servers[0].node_id).toBe(
      'n1',
    );
  });

  it('a restore swaps the state in whole: a crash mid-restore leaves the old state or the new one', async () => {
    const dir = tmp();
    const opts = { path: dir, nodeId: 'n1', clusterAddr: 'https://127.0.0.1:8201' };
    let s = await RaftStorage.open(opts);
    await s.put('a', Buffer.from('old'));
    await s.put('gone', Buffer.from('x'));
    await s.replaceAll([
      ['a', Buffer.from('new')],
      ['b', Buffer.from('2')],
    ]);
    expect((await s.entries()).map(([k, v]) => `${k}=${v}`)).toEqual(['a=new', 'b=2']);
    expect(fs.readdirSync(dir).sort()).toEqual(['raft', 'vault.db']);
    await s.close();

    // Crash while the new state was being written: the old one stays, the half-written one goes.
    const half = await FileStorage.open(path.join(dir, 'vault.db.restore'));
    await half.put('a', Buffer.from('half'));
    s = await RaftStorage.open(opts);
    expect((await s.get('a'))?.toString()).toBe('new');
    expect(fs.existsSync(path.join(dir, 'vault.db.restore'))).toBe(false);
    await s.close();

    // Crash between the two renames: the complete new state takes its place.
    const next = await FileStorage.open(path.join(dir, 'vault.db.restore'));
    await next.put('c', Buffer.from('3'));
    fs.renameSync(path.join(dir, 'vault.db'), path.join(dir, 'vault.db.old'));
    s = await RaftStorage.open(opts);
    expect((await s.entries()).map(([k]) => k)).toEqual(['c']);
    expect(fs.existsSync(path.join(dir, 'vault.db.old'))).toBe(false);
    await s.close();
  });

  it('answers 400 "raft storage is not in use" on other storage; the CLI says what failed', async () => {
    const e = await startEngine({ dev: true, rootTokenId: 'root' });
    engines.push(e);
    for (const [m, p] of [
      ['GET', 'sys/storage/raft/configuration'],
      ['GET', 'sys/storage/raft/snapshot'],
      ['POST', 'sys/storage/raft/snapshot'],
      ['GET', 'sys/storage/raft/autopilot/state'],
    ]) {
      const r = await api(e.url, m, p, 'root', m === 'POST' ? Buffer.from('x') : undefined);
      expect(r.status, p).toBe(400);
      expect(r.json.errors, p).toEqual(['raft storage is not in use']);
    }
    const env = { VAULT_ADDR: e.url, VAULT_TOKEN: 'root', HOME: tmp() };
    const peers = await vault(['operator', 'raft', 'list-peers'], env);
    expect(peers.code).toBe(2);
    expect(peers.stderr).toContain('Error reading the raft cluster configuration: Error making API request.');
    expect(peers.stderr).toContain('* raft storage is not in use');
    const args = await vault(['operator', 'raft', 'snapshot', 'save'], env);
    expect(args.code).toBe(1);
    expect(args.stderr).toContain('Incorrect arguments (expected 1, got 0)');
    const nofile = await vault(['operator', 'raft', 'snapshot', 'restore', '/nonexistent/x.snap'], env);
    expect(nofile.code).toBe(1);
    expect(nofile.stderr).toContain('Error opening snapshot file: open /nonexistent/x.snap: no such file or directory');
    const noToken = await api(e.url, 'GET', 'sys/storage/raft/configuration');
    expect(noToken.status).toBe(403);
  });
});
