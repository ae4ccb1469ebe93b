/** userpass over HTTP with node-vault: users CRUD, the common token fields, login, lockout, renew. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, type Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault, type NodeVaultClient } from '../support/engine.js';

let engine: Engine;
let root: NodeVaultClient;
beforeAll(async () => {
  engine = await devEngine({ clock: new Clock({ frozen: true }) });
  root = nodeVault(engine);
  await root.enableAuth({ mount_point: 'userpass', type: 'userpass' });
});
afterAll(async () => {
  await engine.stop();
});

const login = (username: string, password: string, mount_point?: string) =>
  nodeVault(engine, '').userpassLogin({ username, password, mount_point });

describe('userpass users', () => {
  it('creates a user (lower-cased), reads back every token_* field and the legacy key it was given', async () => {
    await root.write('auth/userpass/users/Alice', {
      password: 'pw-alice',
      policies: 'read-only, Dev ',
      token_ttl: '1h',
      token_max_ttl: '24h',
    });
    const r = await root.read('auth/userpass/users/alice');
    expect(r.data).toEqual({
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 86400,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['read-only', 'dev'],
      token_ttl: 3600,
      token_type: 'default',
      policies: ['read-only', 'dev'],
    });
    expect(JSON.stringify(r)).not.toContain('pw-alice');
    expect(r.mount_type).toBe('userpass');
    const list = await root.list('auth/userpass/users');
    expect(list.data.keys).toEqual(['alice']);
  });

  it('setting token_policies drops the legacy policies key from reads', async () => {
    await root.write('auth/userpass/users/legacy', { password: 'x', policies: 'a' });
    expect((await root.read('auth/userpass/users/legacy')).data.policies).toEqual(['a']);
    await root.write('auth/userpass/users/legacy', { token_policies: 'b' });
    const d = (await root.read('auth/userpass/users/legacy')).data;
    expect(d.token_policies).toEqual(['b']);
    expect(d).not.toHaveProperty('policies');
    await root.write('auth/userpass/users/legacy', { ttl: 60, max_ttl: '2m', bound_cidrs: '127.0.0.1/32' });
    const l = (await root.read('auth/userpass/users/legacy')).data;
    expect(l).toMatchObject({
      ttl: 60,
      max_ttl: 120,
      bound_cidrs: ['127.0.0.1/32'],
      token_ttl: 60,
      token_max_ttl: 120,
      token_bound_cidrs: ['127.0.0.1/32'],
    });
  });

  it("rejects bad input with Vault's messages", async () => {
    const bad = async (
      body: Record<string, unknown>,
      status: number,
      msg: string,
      path = 'auth/userpass/users/bob',
    ) => {
      await expect(root.write(path, body)).rejects.toMatchObject({ message: msg, response: { statusCode: status } });
    };
    await bad({ token_policies: 'x' }, 400, 'missing password');
    await bad(
      { password: 'p', token_ttl: '2h', token_max_ttl: '1h' },
      400,
      "'token_ttl' cannot be greater than 'token_max_ttl'",
    );
    await bad({ password: 'p', token_num_uses: -1 }, 400, "'token_num_uses' cannot be negative");
    await bad({ password: 'p', token_type: 'weird' }, 400, 'invalid \'token_type\' value "weird"');
    await bad(
      { password: 'p', token_type: 'batch', token_period: 60 },
      400,
      "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
    );
    await bad(
      { password: 'p', token_bound_cidrs: 'not-a-cidr' },
      400,
      'invalid CIDR block "not-a-cidr" in "token_bound_cidrs"',
    );
    await bad(
      { password: 'p', token_ttl: 'soon' },
      400,
      'Field validation failed: error converting input soon for field "token_ttl": time: invalid duration "soon"',
    );
    await bad({ password: 'new' }, 400, 'username does not exist', 'auth/userpass/users/nobody/password');
    await bad({ token_policies: 'a' }, 400, 'username does not exist', 'auth/userpass/users/nobody/policies');
    await expect(root.read('auth/userpass/users/nobody')).rejects.toMatchObject({ response: { statusCode: 404 } });
  });

  it('a user without the right ACL cannot manage users', async () => {
    const t = await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } });
    await expect(
      nodeVault(engine, t.body.auth.client_token).write('auth/userpass/users/mallory', { password: 'x' }),
    ).rejects.toMatchObject({ response: { statusCode: 403 } });
  });

  it('changes a password and policies through their own paths; delete removes the user', async () => {
    await root.write('auth/userpass/users/carol', { password: 'old', token_policies: 'a' });
    await root.write('auth/userpass/users/carol/password', { password: 'new' });
    await expect(login('carol', 'old')).rejects.toMatchObject({ message: 'invalid username or password' });
    expect((await login('carol', 'new')).auth.policies).toEqual(['a', 'default']);
    await root.write('auth/userpass/users/carol/policies', { token_policies: 'b,c' });
    expect((await root.read('auth/userpass/users/carol')).data.token_policies).toEqual(['b', 'c']);
    await root.delete('auth/userpass/users/carol');
    await expect(root.read('auth/userpass/users/carol')).rejects.toMatchObject({ response: { statusCode: 404 } });
    await expect(login('carol', 'new')).rejects.toMatchObject({
      message: 'invalid username or password',
      response: { statusCode: 400 },
    });
  });
});

describe('userpass login', () => {
  it("returns a token with the user's policies + default, display name <mount>-<user>, metadata and path", async () => {
    const r = await login('alice', 'pw-alice');
    expect(r.auth).toMatchObject({
      policies: ['default', 'dev', 'read-only'],
      metadata: { username: 'alice' },
      lease_duration: 3600,
      renewable: true,
      token_type: 'service',
      orphan: true,
    });
    expect(r.data).toBeNull();
    const me = await nodeVault(engine, r.auth.client_token).tokenLookupSelf();
    expect(me.data).toMatchObject({
      display_name: 'userpass-alice',
      path: 'auth/userpass/login/alice',
      meta: { username: 'alice' },
      ttl: 3600,
    });
    // Usernames are case-insensitive; the token's path is the request path as sent, as in Vault.
    const upper = await login('ALICE', 'pw-alice');
    expect((await nodeVault(engine, upper.auth.client_token).tokenLookupSelf()).data).toMatchObject({
      display_name: 'userpass-alice',
      path: 'auth/userpass/login/ALICE',
    });
  });

  it('works at another mount path, with that path in the display name', async () => {
    await root.enableAuth({ mount_point: 'people', type: 'userpass' });
    await root.write('auth/people/users/dan', { password: 'pw' });
    const r = await login('dan', 'pw', 'people');
    const me = await nodeVault(engine, r.auth.client_token).tokenLookupSelf();
    expect(me.data.display_name).toBe('people-dan');
    expect(me.data.path).toBe('auth/people/login/dan');
  });

  it('answers a wrong password and an unknown user with the same 400', async () => {
    await expect(login('alice', 'nope')).rejects.toMatchObject({
      message: 'invalid username or password',
      response: { statusCode: 400 },
    });
    await expect(login('ghost', 'nope')).rejects.toMatchObject({
      message: 'invalid username or password',
      response: { statusCode: 400 },
    });
    await root.write('auth/userpass/users/alice', { password: 'pw-alice' }); // a success resets alice's failure count
    expect((await login('alice', 'pw-alice')).auth.client_token).toMatch(/^hvs\./);
  });

  it('a login without a password is Vault\'s plain 500 "missing password"', async () => {
    const r = await http(engine, 'POST', 'auth/userpass/login/alice', { token: null, body: {} });
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ errors: ['missing password'] });
  });

  it('applies every token_* field to the login token', async () => {
    await root.write('auth/userpass/users/tuned', {
      password: 'pw',
      token_policies: 'p1',
      token_ttl: '10m',
      token_max_ttl: '30m',
      token_num_uses: 3,
      token_no_default_policy: true,
      token_explicit_max_ttl: '20m',
    });
    const r = await login('tuned', 'pw');
    expect(r.auth).toMatchObject({ policies: ['p1'], lease_duration: 600, num_uses: 3 });
    const me = await nodeVault(engine, r.auth.client_token)
      .read('auth/token/lookup-self')
      .catch((e) => e);
    // p1 has no rule for lookup-self and default was left out: denied, and a use is spent.
    expect(me.response.statusCode).toBe(403);
    const look = await root.tokenLookup({ token: r.auth.client_token });
    expect(look.data).toMatchObject({ explicit_max_ttl: 1200, num_uses: 2, policies: ['p1'] });

    await root.write('auth/userpass/users/periodic', { password: 'pw', token_period: '2h' });
    const p = await login('periodic', 'pw');
    expect((await root.tokenLookup({ token: p.auth.client_token })).data).toMatchObject({ period: 7200, ttl: 7200 });

    await root.write('auth/userpass/users/batcher', { password: 'pw', token_type: 'batch' });
    const b = await login('batcher', 'pw');
    expect(b.auth.client_token).toMatch(/^hvb\./);
    expect(b.auth.token_type).toBe('batch');
  });

  it('token_bound_cidrs: a login from outside the blocks is refused', async () => {
    await root.write('auth/userpass/users/office', { password: 'pw', token_bound_cidrs: '10.0.0.0/8' });
    await expect(login('office', 'pw')).rejects.toMatchObject({ response: { statusCode: 403 } });
    await root.write('auth/userpass/users/office', { token_bound_cidrs: '127.0.0.0/8' });
    const r = await login('office', 'pw');
    expect((await nodeVault(engine, r.auth.client_token).tokenLookupSelf()).data.display_name).toBe('userpass-office');
  });
});

describe('userpass lockout (Vault defaults: 5 failures, 15 minutes, counter reset 15 minutes)', () => {
  it('locks a user after 5 failures, even for the right password, until 15 minutes pass', async () => {
    await root.write('auth/userpass/users/eve', { password: 'right' });
    for (let i = 0; i < 5; i++)
      await expect(login('eve', 'wrong')).rejects.toMatchObject({ response: { statusCode: 400 } });
    await expect(login('eve', 'right')).rejects.toMatchObject({
      response: { statusCode: 403 },
      message: '1 error occurred:\n\t* permission denied\n\n',
    });
    await engine.clock.advance('14m');
    await expect(login('eve', 'right')).rejects.toMatchObject({ response: { statusCode: 403 } });
    await engine.clock.advance('61s');
    expect((await login('eve', 'right')).auth.client_token).toMatch(/^hvs\./);
  });

  it('a success resets the counter, and so do 15 quiet minutes', async () => {
    await root.write('auth/userpass/users/frank', { password: 'right' });
    for (let i = 0; i < 4; i++) await expect(login('frank', 'wrong')).rejects.toBeTruthy();
    await login('frank', 'right');
    for (let i = 0; i < 4; i++) await expect(login('frank', 'wrong')).rejects.toBeTruthy();
    await engine.clock.advance('15m');
    await expect(login('frank', 'wrong')).rejects.toMatchObject({ response: { statusCode: 400 } });
    expect((await login('frank', 'right')).auth.client_token).toMatch(/^hvs\./);
  });

  it("follows the mount's user_lockout_config when one is set (threshold, duration, lockout_disable)", async () => {
    await root.enableAuth({ mount_point: 'strict', type: 'userpass' });
    await root.write('auth/strict/users/kim', { password: 'right' });
    await root.write('sys/auth/strict/tune', {
      user_lockout_config: { lockout_threshold: '2', lockout_duration: '1m', lockout_counter_reset: '1m' },
    });
    for (let i = 0; i < 2; i++)
      await expect(login('kim', 'wrong', 'strict')).rejects.toMatchObject({ response: { statusCode: 400 } });
    await expect(login('kim', 'right', 'strict')).rejects.toMatchObject({ response: { statusCode: 403 } });
    await engine.clock.advance('61s');
    expect((await login('kim', 'right', 'strict')).auth.client_token).toMatch(/^hvs\./);
    await root.write('sys/auth/strict/tune', { user_lockout_config: { lockout_disable: true } });
    for (let i = 0; i < 6; i++)
      await expect(login('kim', 'wrong', 'strict')).rejects.toMatchObject({ response: { statusCode: 400 } });
    expect((await login('kim', 'right', 'strict')).auth.client_token).toMatch(/^hvs\./);
  });

  it('unknown users are never locked (nothing is stored for them)', async () => {
    for (let i = 0; i < 7; i++)
      await expect(login('nobody-here', 'x')).rejects.toMatchObject({ response: { statusCode: 400 } });
  });
});

describe('userpass renewal re-validates the user', () => {
  it("renews while unchanged, takes the user's new TTL, refuses once policies changed", async () => {
    await root.write('auth/userpass/users/gina', { password: 'pw', token_policies: 'a', token_ttl: '1h' });
    const t = (await login('gina', 'pw')).auth.client_token;
    const me = nodeVault(engine, t);
    expect((await me.tokenRenewSelf()).auth.lease_duration).toBe(3600);
    await root.write('auth/userpass/users/gina', { token_ttl: '30m' });
    expect((await me.tokenRenewSelf()).auth.lease_duration).toBe(1800);
    await root.write('auth/userpass/users/gina', { token_policies: 'a,b' });
    await expect(me.tokenRenewSelf()).rejects.toMatchObject({
      message: 'policies have changed, not renewing',
      response: { statusCode: 400 },
    });
  });

  it("a deleted user's token is not extended", async () => {
    await root.write('auth/userpass/users/hank', { password: 'pw', token_ttl: '1h' });
    const t = (await login('hank', 'pw')).auth.client_token;
    await engine.clock.advance('30m');
    await root.delete('auth/userpass/users/hank');
    const r = await http(engine, 'POST', 'auth/token/renew-self', { token: t, body: {} });
    expect(r.status).toBe(204);
    expect((await root.tokenLookup({ token: t })).data.ttl).toBe(1800);
  });
});

describe('userpass audit', () => {
  it('audit events carry the password only as an HMAC', async () => {
    const events: unknown[] = [];
    const on = (e: unknown) => events.push(e);
    engine.events.on('audit', on);
    try {
      await root.write('auth/userpass/users/jack', { password: 'Audit-Canary-77' });
      await login('jack', 'Audit-Canary-77');
    } finally {
      engine.events.off('audit', on);
    }
    const text = JSON.stringify(events);
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(text).not.toContain('Audit-Canary-77');
    expect(text).toContain('"password":"hmac-sha256:');
  });
});

describe('userpass storage', () => {
  it('never stores a password in plaintext', async () => {
    await root.write('auth/userpass/users/ivy', { password: 'Plaintext-Canary-42' });
    const snap = await engine.snapshot();
    const hits = snap.entries.filter(([, v]) => v.toString('utf8').includes('Plaintext-Canary-42'));
    expect(hits).toEqual([]);
    const stored = snap.entries.find(([k]) => k.endsWith('/user/ivy'));
    expect(stored?.[1].toString()).toMatch(/"password_hash":"scrypt\$16384\$8\$1\$/);
  });
});
