/**
 * Seal and unseal over HTTP on file storage: sys/init validation, unseal progress
 * (duplicates and wrong shares never advance it, a wrong key never works), sealed
 * answers, sys/seal, and a restart that brings back secrets, policies, tokens and
 * leases — and revokes the leases that expired while the server was down.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Clock, startEngine, type Engine } from '../../engine/index.js';
import { MemoryStorage } from '../../engine/physical/memory.js';
import type { BackendFactory } from '../../engine/framework/backend.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-seal-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const engines: Engine[] = [];
afterEach(async () => {
  while (engines.length) await engines.pop()!.stop({ revokeLeases: false });
});

async function start(opts: Parameters<typeof startEngine>[0]) {
  const e = await startEngine(opts);
  engines.push(e);
  return e;
}
async function stop(e: Engine) {
  engines.splice(engines.indexOf(e), 1);
  await e.stop({ revokeLeases: false });
}

async function call(e: Engine, method: string, p: string, opts: { token?: string; body?: unknown } = {}) {
  const r = await fetch(`${e.url}/v1/${p}`, {
    method,
    headers: opts.token ? { 'X-Vault-Token': opts.token } : {},
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const t = await r.text();
  return { status: r.status, body: t ? JSON.parse(t) : null };
}

async function initAndUnseal(e: Engine, shares = 5, threshold = 3) {
  const init = await call(e, 'PUT', 'sys/init', { body: { secret_shares: shares, secret_threshold: threshold } });
  expect(init.status).toBe(200);
  for (const k of init.body.keys.slice(0, threshold)) await call(e, 'PUT', 'sys/unseal', { body: { key: k } });
  return init.body as { keys: string[]; keys_base64: string[]; root_token: string };
}

describe('sys/init', () => {
  it('starts uninitialised and sealed; every non-seal path answers 503', async () => {
    const e = await start({ storage: { kind: 'file', path: tmp() } });
    const s = await call(e, 'GET', 'sys/seal-status');
    expect(s.body).toMatchObject({
      type: 'shamir',
      initialized: false,
      sealed: true,
      t: 0,
      n: 0,
      progress: 0,
      storage_type: 'file',
    });
    expect(s.body.cluster_id).toBeUndefined();
    expect((await call(e, 'GET', 'sys/init')).body).toEqual({ initialized: false });
    expect((await call(e, 'GET', 'sys/health')).status).toBe(501);
    for (const [m, p] of [
      ['GET', 'secret/data/x'],
      ['GET', 'sys/mounts'],
      ['GET', 'auth/token/lookup-self'],
      ['PUT', 'sys/policies/acl/x'],
    ]) {
      const r = await call(e, m, p, { token: 'anything' });
      expect(r.status, p).toBe(503);
      expect(r.body.errors).toEqual(['Vault is sealed']);
    }
  });

  it("validates shares and threshold with Vault's messages", async () => {
    const e = await start({ storage: { kind: 'file', path: tmp() } });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ secret_shares: 0, secret_threshold: 0 }, 'shares must be at least one'],
      [{ secret_threshold: 1 }, 'shares must be at least one'],
      [{ secret_shares: 3, secret_threshold: 0 }, 'threshold must be at least one'],
      [{ secret_shares: 3, secret_threshold: 1 }, 'threshold must be greater than one for multiple shares'],
      [{ secret_shares: 3, secret_threshold: 4 }, 'threshold cannot be larger than shares'],
      [{ secret_shares: 11, secret_threshold: 3 }, 'shares must be at most 10'],
      [
        { secret_shares: 3, secret_threshold: 2, recovery_shares: 2 },
        'parameters recovery_shares not applicable to seal type shamir',
      ],
    ];
    for (const [body, msg] of cases) {
      const r = await call(e, 'PUT', 'sys/init', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors, JSON.stringify(body)).toEqual([msg]);
    }
    expect((await call(e, 'GET', 'sys/init')).body.initialized).toBe(false);
  });

  it('returns each share in hex and base64 once, plus a root token; a second init is refused', async () => {
    const e = await start({ storage: { kind: 'file', path: tmp() } });
    const r = await call(e, 'PUT', 'sys/init', { body: { secret_shares: 5, secret_threshold: 3 } });
    expect(r.status).toBe(200);
    expect(r.body.keys).toHaveLength(5);
    expect(new Set(r.body.keys).size).toBe(5);
    r.body.keys.forEach((hex: string, i: number) => {
      expect(hex).toMatch(/^[0-9a-f]{66}$/);
      expect(Buffer.from(r.body.keys_base64[i], 'base64').toString('hex')).toBe(hex);
    });
    expect(r.body.root_token).toMatch(/^hvs\./);
    const s = (await call(e, 'GET', 'sys/seal-status')).body;
    expect(s).toMatchObject({ initialized: true, sealed: true, t: 3, n: 5, progress: 0 });
    const again = await call(e, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } });
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual(['Vault is already initialized']);
  });
});

describe('sys/unseal and sys/seal', () => {
  it('counts distinct shares; duplicates and malformed keys never advance progress', async () => {
    const e = await start({ storage: { kind: 'file', path: tmp() } });
    const {
      keys,
      keys_base64: b64,
      root_token: root,
    } = (await call(e, 'PUT', 'sys/init', { body: { secret_shares: 5, secret_threshold: 3 } })).body;
    expect((await call(e, 'PUT', 'sys/unseal', { body: {} })).body.errors).toEqual([
      "'key' must be specified in request body as JSON, or 'reset' set to true",
    ]);
    expect((await call(e, 'PUT', 'sys/unseal', { body: { key: 'not a key!' } })).body.errors).toEqual([
      "'key' must be a valid hex or base64 string",
    ]);
    expect((await call(e, 'PUT', 'sys/unseal', { body: { key: 'abcd' } })).status).toBe(400);
    let s = (await call(e, 'PUT', 'sys/unseal', { body: { key: keys[4] } })).body;
    expect(s).toMatchObject({ sealed: true, progress: 1, t: 3, n: 5 });
    s = (await call(e, 'PUT', 'sys/unseal', { body: { key: b64[4] } })).body; // the same share, base64
    expect(s.progress).toBe(1);
    s = (await call(e, 'PUT', 'sys/unseal', { body: { key: b64[1] } })).body;
    expect(s.progress).toBe(2);
    s = (await call(e, 'PUT', 'sys/unseal', { body: { reset: true } })).body;
    expect(s).toMatchObject({ sealed: true, progress: 0 });
    for (const k of [keys[0], b64[2]]) s = (await call(e, 'PUT', 'sys/unseal', { body: { key: k } })).body;
    expect(s.progress).toBe(2);
    s = (await call(e, 'PUT', 'sys/unseal', { body: { key: keys[3] } })).body;
    expect(s).toMatchObject({ sealed: false, progress: 0 });
    expect(s.cluster_id).toBeTruthy();
    expect((await call(e, 'PUT', 'sys/unseal', { body: { key: keys[0] } })).body.sealed).toBe(false);
    expect((await call(e, 'PUT', 'sys/unseal', { body: { reset: true } })).body.errors).toEqual(['vault is unsealed']);
    expect((await call(e, 'GET', 'sys/mounts', { token: root })).status).toBe(200);
  });

  it('refuses a share of another server when it is given; it never counts towards the threshold', async () => {
    const a = await start({ storage: { kind: 'file', path: tmp() } });
    const b = await start({ storage: { kind: 'file', path: tmp() } });
    const ka = (await call(a, 'PUT', 'sys/init', { body: { secret_shares: 3, secret_threshold: 2 } })).body.keys;
    const kb = (await call(b, 'PUT', 'sys/init', { body: { secret_shares: 3, secret_threshold: 2 } })).body.keys;
    await call(a, 'PUT', 'sys/unseal', { body: { key: ka[0] } });
    const r = await call(a, 'PUT', 'sys/unseal', { body: { key: kb[1] } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual(['Unseal failed, invalid key']);
    expect((await call(a, 'GET', 'sys/seal-status')).body).toMatchObject({ sealed: true, progress: 1 });
    // A share with one bit flipped still decodes, and is refused the same way.
    const flipped = Buffer.from(ka[2], 'hex');
    flipped[5] ^= 1;
    expect((await call(a, 'PUT', 'sys/unseal', { body: { key: flipped.toString('hex') } })).body.errors).toEqual([
      'Unseal failed, invalid key',
    ]);
    expect((await call(a, 'GET', 'sys/seal-status')).body.progress).toBe(1);
    expect((await call(a, 'PUT', 'sys/unseal', { body: { key: ka[2] } })).body.sealed).toBe(false);
  });

  it('never unseals with fewer shares than the threshold, even if the stored threshold is lowered', async () => {
    const mem = new MemoryStorage();
    let e = await start({ storage: { kind: 'custom', storage: mem }, seal: true });
    const { keys } = (await call(e, 'PUT', 'sys/init', { body: { secret_shares: 5, secret_threshold: 3 } })).body;
    await stop(e);
    // Someone edits the (unencrypted) seal configuration to ask for only two shares.
    const cfg = JSON.parse((await mem.get('core/seal-config'))!.toString());
    cfg.secret_threshold = 2;
    await mem.put('core/seal-config', Buffer.from(JSON.stringify(cfg)));
    e = await start({ storage: { kind: 'custom', storage: mem }, seal: true });
    for (const pair of [
      [0, 1],
      [2, 4],
      [1, 3],
    ]) {
      await call(e, 'PUT', 'sys/unseal', { body: { key: keys[pair[0]] } });
      const r = await call(e, 'PUT', 'sys/unseal', { body: { key: keys[pair[1]] } });
      expect(r.status, String(pair)).toBe(400);
      expect(r.body.errors).toEqual(['Unseal failed, invalid key']);
      expect((await call(e, 'GET', 'sys/seal-status')).body.sealed).toBe(true);
    }
  });

  it('seals with a sudo token only; sealed, it answers 503 and forgets its tokens until unsealed', async () => {
    const e = await start({ storage: { kind: 'file', path: tmp() } });
    const { keys, root_token: root } = await initAndUnseal(e);
    await call(e, 'PUT', 'sys/policies/acl/reader', {
      token: root,
      body: { policy: 'path "sys/seal" { capabilities = ["update"] }' },
    });
    const child = (await call(e, 'POST', 'auth/token/create', { token: root, body: { policies: ['reader'] } })).body
      .auth.client_token;
    const denied = await call(e, 'PUT', 'sys/seal', { token: child });
    expect(denied.status).toBe(403);
    expect((await call(e, 'GET', 'sys/seal-status')).body.sealed).toBe(false);
    expect((await call(e, 'PUT', 'sys/seal', { token: root })).status).toBe(204);
    expect((await call(e, 'GET', 'sys/seal-status')).body).toMatchObject({ sealed: true, progress: 0 });
    expect((await call(e, 'GET', 'auth/token/lookup-self', { token: root })).status).toBe(503);
    expect((await call(e, 'PUT', 'sys/seal', { token: root })).status).toBe(503);
    const health = await call(e, 'GET', 'sys/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ initialized: true, sealed: true });
    for (const k of keys.slice(2)) await call(e, 'PUT', 'sys/unseal', { body: { key: k } });
    expect((await call(e, 'GET', 'auth/token/lookup-self', { token: child })).status).toBe(200);
  });

  it('sys/rotate adds a key term; old entries still read, new ones use the new term', async () => {
    const e = await start({ storage: { kind: 'file', path: tmp() } });
    const { root_token: root } = await initAndUnseal(e, 1, 1);
    await call(e, 'POST', 'sys/mounts/kv', { token: root, body: { type: 'kv' } });
    await call(e, 'PUT', 'kv/old', { token: root, body: { v: 'before' } });
    expect((await call(e, 'GET', 'sys/key-status', { token: root })).body.data.term).toBe(1);
    expect((await call(e, 'PUT', 'sys/rotate', { token: root })).status).toBe(204);
    expect((await call(e, 'GET', 'sys/key-status', { token: root })).body.data.term).toBe(2);
    await call(e, 'PUT', 'kv/new', { token: root, body: { v: 'after' } });
    expect((await call(e, 'GET', 'kv/old', { token: root })).body.data.v).toBe('before');
    expect((await call(e, 'GET', 'kv/new', { token: root })).body.data.v).toBe('after');
  });

  it('a dev server has no seal and says how to get one', async () => {
    const e = await start({ dev: true, rootTokenId: 'root' });
    expect((await call(e, 'GET', 'sys/init')).body).toEqual({ initialized: true });
    const r = await call(e, 'PUT', 'sys/seal', { token: 'root' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatch(/dev mode.*-config/);
  });
});

describe('restart', () => {
  const revoked: string[] = [];
  const leasy: BackendFactory = () => ({
    type: 'leasy',
    kind: 'secret',
    paths: [
      {
        pattern: 'creds/(?<name>\\w+)',
        operations: {
          read: (req) => ({
            data: { user: req.params.name },
            secret: { type: 'cred', ttl: req.params.name === 'short' ? 60 : 3600, internal: { user: req.params.name } },
          }),
        },
      },
    ],
    secrets: {
      cred: {
        revoke: async (internal) => {
          revoked.push(String(internal.user));
        },
        renew: async () => undefined,
      },
    },
  });

  it('comes back sealed; after unseal secrets, policies, tokens and leases are all there, overdue leases revoked', async () => {
    const dir = tmp();
    const t0 = Date.now();
    let e = await start({
      storage: { kind: 'file', path: dir },
      backends: { leasy },
      clock: new Clock({ start: new Date(t0) }),
    });
    const { keys_base64: keys, root_token: root } = await initAndUnseal(e);
    await call(e, 'POST', 'sys/mounts/kv', { token: root, body: { type: 'kv', options: { version: '2' } } });
    await call(e, 'POST', 'sys/mounts/leasy', { token: root, body: { type: 'leasy' } });
    await call(e, 'PUT', 'kv/data/app', { token: root, body: { data: { password: 's3cret' } } });
    await call(e, 'PUT', 'sys/policies/acl/app', {
      token: root,
      body: { policy: 'path "kv/data/app" { capabilities = ["read"] }' },
    });
    const appToken = (
      await call(e, 'POST', 'auth/token/create', { token: root, body: { policies: ['app'], ttl: '1h' } })
    ).body.auth.client_token;
    const shortToken = (
      await call(e, 'POST', 'auth/token/create', { token: root, body: { policies: ['app'], ttl: '30s' } })
    ).body.auth.client_token;
    const long = (await call(e, 'GET', 'leasy/creds/long', { token: root })).body.lease_id;
    const short = (await call(e, 'GET', 'leasy/creds/short', { token: root })).body.lease_id;
    expect(long).toMatch(/^leasy\/creds\/long\//);
    await stop(e);
    expect(revoked).toEqual([]);

    // Two minutes later.
    e = await start({
      storage: { kind: 'file', path: dir },
      backends: { leasy },
      clock: new Clock({ start: new Date(t0 + 120_000) }),
    });
    expect((await call(e, 'GET', 'sys/seal-status')).body).toMatchObject({
      initialized: true,
      sealed: true,
      progress: 0,
    });
    expect((await call(e, 'GET', 'kv/data/app', { token: root })).status).toBe(503);
    for (const k of keys.slice(1, 4)) await call(e, 'PUT', 'sys/unseal', { body: { key: k } });
    expect((await call(e, 'GET', 'sys/seal-status')).body.sealed).toBe(false);

    expect((await call(e, 'GET', 'kv/data/app', { token: appToken })).body.data.data).toEqual({ password: 's3cret' });
    expect((await call(e, 'GET', 'auth/token/lookup-self', { token: appToken })).body.data.policies).toEqual([
      'app',
      'default',
    ]);
    expect((await call(e, 'GET', 'auth/token/lookup-self', { token: shortToken })).status).toBe(403);
    const lookup = await call(e, 'PUT', 'sys/leases/lookup', { token: root, body: { lease_id: long } });
    expect(lookup.status).toBe(200);
    expect(lookup.body.data.ttl).toBeGreaterThan(3000);
    expect(revoked).toEqual(['short']);
    expect((await call(e, 'PUT', 'sys/leases/lookup', { token: root, body: { lease_id: short } })).status).toBe(400);
    expect((await call(e, 'GET', 'sys/mounts', { token: root })).body.data['leasy/'].type).toBe('leasy');
  });
});

describe('node-vault against a sealed server', () => {
  it('initialises, unseals, reports status and seals through the client library unchanged', async () => {
    const { nodeVault } = await import('../support/engine.js');
    const e = await start({ storage: { kind: 'file', path: tmp() } });
    const client = nodeVault(e, '');
    expect(await client.initialized()).toEqual({ initialized: false });
    const init = await client.init({ secret_shares: 3, secret_threshold: 2 });
    expect(init.keys).toHaveLength(3);
    expect(init.root_token).toMatch(/^hvs\./);
    let st = await client.unseal({ key: init.keys[0] });
    expect(st).toMatchObject({ sealed: true, progress: 1, t: 2, n: 3 });
    st = await client.unseal({ key: init.keys_base64[2] });
    expect(st.sealed).toBe(false);
    expect((await client.status()).sealed).toBe(false);
    client.token = init.root_token;
    await client.write('sys/mounts/kv', { type: 'kv' });
    await client.write('kv/app', { v: 'from node-vault' });
    expect((await client.read('kv/app')).data.v).toBe('from node-vault');
    await client.seal();
    expect((await client.status()).sealed).toBe(true);
    await expect(client.read('kv/app')).rejects.toThrow(/Vault is sealed/);
  });
});
