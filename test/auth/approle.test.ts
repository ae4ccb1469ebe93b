/** AppRole over HTTP with node-vault: roles, role-id, secret-ids, login, limits, isolation between roles, wrapping. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, type Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault, type NodeVaultClient } from '../support/engine.js';

let engine: Engine;
let root: NodeVaultClient;
beforeAll(async () => {
  engine = await devEngine({ clock: new Clock({ frozen: true }) });
  root = nodeVault(engine);
  await root.enableAuth({ mount_point: 'approle', type: 'approle' });
});
afterAll(async () => {
  await engine.stop();
});

const anon = () => nodeVault(engine, '');
/** node-vault's write with request options (its typings here take two arguments). */
const writeWith = (path: string, data: unknown, opts: Record<string, unknown>) =>
  (root.write as (p: string, d: unknown, o: unknown) => Promise<Record<string, any>>)(path, data, opts);
const roleId = async (role: string) => (await root.getApproleRoleId({ role_name: role })).data.role_id as string;
// node-vault's getApproleRoleSecret only forwards metadata and cidr_list, so other fields go through write().
const newSecret = async (role: string, body: Record<string, unknown> = {}) =>
  (await root.write(`auth/approle/role/${role}/secret-id`, body)).data as {
    secret_id: string;
    secret_id_accessor: string;
    secret_id_ttl: number;
    secret_id_num_uses: number;
  };

describe('AppRole roles', () => {
  it('creates, reads, lists and deletes roles', async () => {
    await root.write('auth/approle/role/app', {
      token_policies: 'app-read',
      token_ttl: '1h',
      token_max_ttl: '4h',
      secret_id_ttl: '24h',
    });
    const r = await root.getApproleRole({ role_name: 'app' });
    expect(r.data).toEqual({
      bind_secret_id: true,
      local_secret_ids: false,
      secret_id_bound_cidrs: null,
      secret_id_num_uses: 0,
      secret_id_ttl: 86400,
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 14400,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['app-read'],
      token_ttl: 3600,
      token_type: 'default',
    });
    await root.addApproleRole({ role_name: 'legacy', policies: 'a,b', period: 300 });
    expect((await root.read('auth/approle/role/legacy')).data).toMatchObject({
      policies: ['a', 'b'],
      period: 300,
      token_policies: ['a', 'b'],
      token_period: 300,
    });
    expect((await root.approleRoles()).data.keys).toEqual(['app', 'legacy']);
    await root.deleteApproleRole({ role_name: 'legacy' });
    await expect(root.read('auth/approle/role/legacy')).rejects.toMatchObject({ response: { statusCode: 404 } });
  });

  it('refuses a role with no constraint, and other bad input', async () => {
    const bad = (p: string, body: Record<string, unknown>, msg: string) =>
      expect(root.write(p, body)).rejects.toMatchObject({ message: msg, response: { statusCode: 400 } });
    await bad(
      'auth/approle/role/open',
      { bind_secret_id: false },
      'at least one constraint should be enabled on the role',
    );
    await bad('auth/approle/role/neg', { secret_id_num_uses: -1 }, 'secret_id_num_uses cannot be negative');
    await bad(
      'auth/approle/role/neg',
      { token_ttl: '2h', token_max_ttl: '1h' },
      "'token_ttl' cannot be greater than 'token_max_ttl'",
    );
    await bad(
      'auth/approle/role/neg',
      { secret_id_bound_cidrs: '300.1.1.1/8' },
      'invalid CIDR block "300.1.1.1/8" in "secret_id_bound_cidrs"',
    );
    await bad(
      'auth/approle/role/app',
      { local_secret_ids: true },
      'local_secret_ids can only be modified during role creation',
    );
    // A role with only a CIDR constraint is allowed.
    await root.write('auth/approle/role/cidr-only', { bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.1/32' });
  });

  it('role-id: reads the generated UUID, accepts a custom one, refuses one already in use', async () => {
    const id = await roleId('app');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await root.write('auth/approle/role/custom', { role_id: 'my-custom-role-id' });
    expect(await roleId('custom')).toBe('my-custom-role-id');
    await root.updateApproleRoleId({ role_name: 'custom', role_id: 'renamed-id' });
    expect(await roleId('custom')).toBe('renamed-id');
    await expect(root.updateApproleRoleId({ role_name: 'custom', role_id: id })).rejects.toMatchObject({
      message: 'role_id already in use',
    });
    await expect(root.getApproleRoleId({ role_name: 'missing' })).rejects.toMatchObject({
      response: { statusCode: 404 },
    });
  });
});

describe('AppRole one-field role paths', () => {
  it('read, update and delete single settings; constraints still hold', async () => {
    await root.write('auth/approle/role/fields', { token_policies: 'x' });
    const base = 'auth/approle/role/fields';
    await root.write(`${base}/secret-id-num-uses`, { secret_id_num_uses: 7 });
    expect((await root.read(`${base}/secret-id-num-uses`)).data).toEqual({ secret_id_num_uses: 7 });
    await root.write(`${base}/secret-id-ttl`, { secret_id_ttl: '10m' });
    expect((await root.read(`${base}/secret-id-ttl`)).data).toEqual({ secret_id_ttl: 600 });
    await root.write(`${base}/token-ttl`, { token_ttl: '20m' });
    await root.write(`${base}/token-max-ttl`, { token_max_ttl: '1h' });
    await expect(root.write(`${base}/token-ttl`, { token_ttl: '2h' })).rejects.toMatchObject({
      message: "'token_ttl' cannot be greater than 'token_max_ttl'",
    });
    await root.write(`${base}/token-num-uses`, { token_num_uses: 4 });
    await root.write(`${base}/period`, { period: '5m' });
    expect((await root.read(`${base}/period`)).data).toEqual({ token_period: 300 });
    await root.write(`${base}/token-bound-cidrs`, { token_bound_cidrs: '10.0.0.0/8' });
    await root.write(`${base}/secret-id-bound-cidrs`, { secret_id_bound_cidrs: '127.0.0.1/32' });
    expect((await root.read(`${base}/secret-id-bound-cidrs`)).data).toEqual({
      secret_id_bound_cidrs: ['127.0.0.1/32'],
    });
    expect((await root.read(`${base}/local-secret-ids`)).data).toEqual({ local_secret_ids: false });
    await root.write(`${base}/bind-secret-id`, { bind_secret_id: false });
    expect((await root.read(base)).data).toMatchObject({
      secret_id_num_uses: 7,
      secret_id_ttl: 600,
      token_ttl: 1200,
      token_max_ttl: 3600,
      token_num_uses: 4,
      token_period: 300,
      token_bound_cidrs: ['10.0.0.0/8'],
      secret_id_bound_cidrs: ['127.0.0.1/32'],
      bind_secret_id: false,
    });
    await root.delete(`${base}/secret-id-num-uses`);
    expect((await root.read(`${base}/secret-id-num-uses`)).data.secret_id_num_uses).toBe(0);
    await root.delete(`${base}/secret-id-bound-cidrs`);
    // Removing the last constraint is refused.
    await expect(root.delete(`${base}/token-bound-cidrs`)).rejects.toMatchObject({
      message: 'at least one constraint should be enabled on the role',
    });
    await expect(root.write(`${base}/secret-id-ttl`, {})).rejects.toMatchObject({ message: 'missing secret_id_ttl' });
    await expect(root.read('auth/approle/role/ghost/token-ttl')).rejects.toMatchObject({
      response: { statusCode: 404 },
    });
    await expect(root.write('auth/approle/role/ghost/token-ttl', { token_ttl: 5 })).rejects.toMatchObject({
      response: { statusCode: 404 },
    });
  });

  it('empty lists are 404s', async () => {
    await root.enableAuth({ mount_point: 'empty-approle', type: 'approle' });
    await expect(root.list('auth/empty-approle/role')).rejects.toMatchObject({ response: { statusCode: 404 } });
  });
});

describe('AppRole secret IDs', () => {
  it('generate → lookup, accessor lookup, list; then destroy by value and by accessor', async () => {
    const s = (
      await root.getApproleRoleSecret({
        role_name: 'app',
        metadata: '{"env":"prod","team":"payments"}',
        cidr_list: ['127.0.0.0/8'],
      })
    ).data;
    expect(s.secret_id_ttl).toBe(86400);
    expect(s.secret_id_num_uses).toBe(0);
    const look = await root.approleSecretLookup({ role_name: 'app', secret_id: s.secret_id });
    expect(look.data).toMatchObject({
      secret_id_accessor: s.secret_id_accessor,
      metadata: { env: 'prod', team: 'payments' },
      cidr_list: ['127.0.0.0/8'],
      token_bound_cidrs: [],
      secret_id_num_uses: 0,
      secret_id_ttl: 86400,
    });
    expect(look.data.expiration_time).not.toBe('0001-01-01T00:00:00Z');
    const byAcc = await root.approleSecretAccessorLookup({
      role_name: 'app',
      secret_id_accessor: s.secret_id_accessor,
    });
    expect(byAcc.data.metadata).toEqual({ env: 'prod', team: 'payments' });
    expect((await root.approleSecretAccessors({ role_name: 'app' })).data.keys).toContain(s.secret_id_accessor);

    await root.approleSecretDestroy({ role_name: 'app', secret_id: s.secret_id });
    expect(await root.approleSecretLookup({ role_name: 'app', secret_id: s.secret_id })).toBe('');
    const s2 = await newSecret('app');
    await root.approleSecretAccessorDestroy({ role_name: 'app', secret_id_accessor: s2.secret_id_accessor });
    await expect(anon().approleLogin({ role_id: await roleId('app'), secret_id: s2.secret_id })).rejects.toMatchObject({
      message: 'invalid role or secret ID',
    });
  });

  it('custom-secret-id, key=value metadata, and the limits the role sets', async () => {
    await root.write('auth/approle/role/limited', { secret_id_num_uses: 3, secret_id_ttl: '10m', token_policies: 'x' });
    const c = await root.write('auth/approle/role/limited/custom-secret-id', {
      secret_id: 'my-own-secret',
      metadata: 'a=1,b=2',
    });
    expect(c.data).toMatchObject({ secret_id: 'my-own-secret', secret_id_num_uses: 3, secret_id_ttl: 600 });
    expect(
      (await root.approleSecretLookup({ role_name: 'limited', secret_id: 'my-own-secret' })).data.metadata,
    ).toEqual({ a: '1', b: '2' });
    await expect(
      root.write('auth/approle/role/limited/custom-secret-id', { secret_id: 'my-own-secret' }),
    ).rejects.toMatchObject({ message: 'SecretID is already registered' });
    const bad = (body: Record<string, unknown>, msg: string) =>
      expect(root.write('auth/approle/role/limited/secret-id', body)).rejects.toMatchObject({
        message: msg,
        response: { statusCode: 400 },
      });
    await bad({ num_uses: 5 }, "num_uses cannot be higher than the role's secret_id_num_uses");
    await bad({ num_uses: 0 }, "num_uses cannot be higher than the role's secret_id_num_uses");
    await bad({ ttl: '1h' }, "ttl cannot be longer than the role's secret_id_ttl");
    await bad({ num_uses: -1 }, 'num_uses cannot be negative');
    await bad(
      { metadata: 'novalue' },
      'failed to parse metadata: invalid key/value pair "novalue": format must be key=value',
    );
    await expect(root.write('auth/approle/role/ghost/secret-id', {})).rejects.toMatchObject({
      message: 'role "ghost" does not exist',
      response: { statusCode: 400 },
    });
    await expect(root.write('auth/approle/role/cidr-only/secret-id', {})).rejects.toMatchObject({
      message: 'bind_secret_id is not set on the role',
    });
    await expect(
      root.approleSecretAccessorLookup({
        role_name: 'limited',
        secret_id_accessor: '00000000-0000-0000-0000-000000000000',
      }),
    ).rejects.toMatchObject({
      response: { statusCode: 404 },
      message: 'failed to find accessor entry for secret_id_accessor: "00000000-0000-0000-0000-000000000000"',
    });
  });

  it("one role's secret ID can never be read or destroyed through another role's path", async () => {
    await root.write('auth/approle/role/other', { token_policies: 'other' });
    const s = await newSecret('app');
    expect(await root.approleSecretLookup({ role_name: 'other', secret_id: s.secret_id })).toBe('');
    await expect(
      root.approleSecretAccessorLookup({ role_name: 'other', secret_id_accessor: s.secret_id_accessor }),
    ).rejects.toMatchObject({ response: { statusCode: 404 } });
    await root.approleSecretDestroy({ role_name: 'other', secret_id: s.secret_id });
    await expect(
      root.approleSecretAccessorDestroy({ role_name: 'other', secret_id_accessor: s.secret_id_accessor }),
    ).rejects.toMatchObject({ response: { statusCode: 500 } });
    // The other role has no secret IDs at all: its list is Vault's empty-list 404.
    await expect(root.approleSecretAccessors({ role_name: 'other' })).rejects.toMatchObject({
      response: { statusCode: 404 },
    });
    // Still intact under its own role, and useless with the other role's role_id.
    expect((await root.approleSecretLookup({ role_name: 'app', secret_id: s.secret_id })).data.secret_id_accessor).toBe(
      s.secret_id_accessor,
    );
    await expect(anon().approleLogin({ role_id: await roleId('other'), secret_id: s.secret_id })).rejects.toMatchObject(
      { message: 'invalid role or secret ID' },
    );
    expect((await anon().approleLogin({ role_id: await roleId('app'), secret_id: s.secret_id })).auth.policies).toEqual(
      ['app-read', 'default'],
    );
  });
});

describe('AppRole login', () => {
  it('returns a token with the role\'s policies, display name "approle" and the secret ID\'s metadata', async () => {
    const s = await newSecret('app', { metadata: '{"host":"web-1"}' });
    const r = await anon().approleLogin({ role_id: await roleId('app'), secret_id: s.secret_id });
    expect(r.auth).toMatchObject({
      policies: ['app-read', 'default'],
      metadata: { role_name: 'app', host: 'web-1' },
      lease_duration: 3600,
      renewable: true,
      orphan: true,
    });
    const me = await nodeVault(engine, r.auth.client_token).tokenLookupSelf();
    expect(me.data).toMatchObject({
      display_name: 'approle',
      path: 'auth/approle/login',
      meta: { role_name: 'app', host: 'web-1' },
    });
  });

  it('errors: missing role_id, unknown role_id, missing and wrong secret_id', async () => {
    const id = await roleId('app');
    const bad = (body: Record<string, unknown>, msg: string) =>
      expect(http(engine, 'POST', 'auth/approle/login', { token: null, body })).resolves.toMatchObject({
        status: 400,
        body: { errors: [msg] },
      });
    await bad({}, 'missing role_id');
    await bad({ role_id: 'nope', secret_id: 'x' }, 'invalid role or secret ID');
    await bad({ role_id: id }, 'missing secret_id');
    await bad({ role_id: id, secret_id: 'wrong' }, 'invalid role or secret ID');
  });

  it('a role without bind_secret_id logs in with its role_id alone, from inside its CIDR block', async () => {
    const r = await anon().approleLogin({ role_id: await roleId('cidr-only') });
    expect(r.auth.metadata).toEqual({ role_name: 'cidr-only' });
    await root.write('auth/approle/role/cidr-only', { secret_id_bound_cidrs: '10.1.0.0/16' });
    await expect(anon().approleLogin({ role_id: await roleId('cidr-only') })).rejects.toMatchObject({
      message: 'source address "127.0.0.1" unauthorized by CIDR restrictions on the role',
    });
  });

  it('num_uses: each login spends one use, the last one deletes the secret ID', async () => {
    const s = await newSecret('limited', { num_uses: 2 });
    const id = await roleId('limited');
    await anon().approleLogin({ role_id: id, secret_id: s.secret_id });
    expect(
      (await root.approleSecretLookup({ role_name: 'limited', secret_id: s.secret_id })).data.secret_id_num_uses,
    ).toBe(1);
    await anon().approleLogin({ role_id: id, secret_id: s.secret_id });
    expect(await root.approleSecretLookup({ role_name: 'limited', secret_id: s.secret_id })).toBe('');
    await expect(anon().approleLogin({ role_id: id, secret_id: s.secret_id })).rejects.toMatchObject({
      message: 'invalid role or secret ID',
      response: { statusCode: 400 },
    });
  });

  it('a secret ID expires on the engine clock', async () => {
    const s = await newSecret('limited', { ttl: '5m', num_uses: 3 });
    await engine.clock.advance('4m');
    expect((await root.approleSecretLookup({ role_name: 'limited', secret_id: s.secret_id })).data.secret_id_ttl).toBe(
      300,
    );
    await engine.clock.advance('61s');
    expect(await root.approleSecretLookup({ role_name: 'limited', secret_id: s.secret_id })).toBe('');
    await expect(
      anon().approleLogin({ role_id: await roleId('limited'), secret_id: s.secret_id }),
    ).rejects.toMatchObject({ message: 'invalid role or secret ID' });
  });

  it('tidy/secret-id sweeps expired secret IDs and answers 202', async () => {
    await newSecret('limited', { ttl: '1m', num_uses: 1 });
    await engine.clock.advance('2m');
    const stored = async () => (await engine.snapshot()).entries.filter(([k]) => k.includes('/secret_id/')).length;
    const before = await stored();
    const r = await http(engine, 'POST', 'auth/approle/tidy/secret-id');
    expect(r.status).toBe(202);
    expect(r.body.warnings[0]).toMatch(/^Tidy operation successfully started/);
    expect(await stored()).toBeLessThan(before);
  });

  it("CIDR bindings: the secret ID's cidr_list, the role's secret_id_bound_cidrs, and token_bound_cidrs on the token", async () => {
    const far = await newSecret('app', { cidr_list: '10.0.0.0/8' });
    await expect(anon().approleLogin({ role_id: await roleId('app'), secret_id: far.secret_id })).rejects.toMatchObject(
      { message: 'source address "127.0.0.1" unauthorized through CIDR restrictions on the secret ID' },
    );
    await root.write('auth/approle/role/fenced', { secret_id_bound_cidrs: '192.168.0.0/16', token_policies: 'x' });
    const f = await newSecret('fenced');
    await expect(
      anon().approleLogin({ role_id: await roleId('fenced'), secret_id: f.secret_id }),
    ).rejects.toMatchObject({ message: 'source address "127.0.0.1" unauthorized by CIDR restrictions on the role' });
    await expect(root.write('auth/approle/role/fenced/secret-id', { cidr_list: '10.0.0.0/8' })).rejects.toMatchObject({
      response: { statusCode: 400 },
    });
    // A token bound to other addresses is refused when used from here.
    const t = await newSecret('app', { token_bound_cidrs: '10.0.0.0/8' });
    const login = await anon().approleLogin({ role_id: await roleId('app'), secret_id: t.secret_id });
    await expect(nodeVault(engine, login.auth.client_token).tokenLookupSelf()).rejects.toMatchObject({
      response: { statusCode: 403 },
    });
  });

  it('lockout after 5 bad secret IDs for one role_id', async () => {
    await root.write('auth/approle/role/locky', { token_policies: 'x' });
    const id = await roleId('locky');
    const good = await newSecret('locky');
    for (let i = 0; i < 5; i++)
      await expect(anon().approleLogin({ role_id: id, secret_id: 'bad' })).rejects.toMatchObject({
        response: { statusCode: 400 },
      });
    await expect(anon().approleLogin({ role_id: id, secret_id: good.secret_id })).rejects.toMatchObject({
      response: { statusCode: 403 },
    });
    await engine.clock.advance('15m');
    expect((await anon().approleLogin({ role_id: id, secret_id: good.secret_id })).auth.client_token).toMatch(/^hvs\./);
  });

  it('renewal needs the role to still exist', async () => {
    await root.write('auth/approle/role/short', { token_policies: 'x', token_ttl: '10m' });
    const s = await newSecret('short');
    const tok = (await anon().approleLogin({ role_id: await roleId('short'), secret_id: s.secret_id })).auth
      .client_token;
    expect((await nodeVault(engine, tok).tokenRenewSelf()).auth.lease_duration).toBe(600);
    await root.deleteApproleRole({ role_name: 'short' });
    await expect(nodeVault(engine, tok).tokenRenewSelf()).rejects.toMatchObject({
      message: 'role "short" does not exist during renewal',
      response: { statusCode: 400 },
    });
  });
});

describe('AppRole secret ID delivered wrapped', () => {
  it('wrap_info carries the secret ID accessor as wrapped_accessor; the wrapping token unwraps once', async () => {
    const w = await writeWith('auth/approle/role/app/secret-id', {}, { headers: { 'X-Vault-Wrap-TTL': '60s' } });
    expect(w.data).toBeNull();
    expect(w.wrap_info).toMatchObject({ ttl: 60, creation_path: 'auth/approle/role/app/secret-id' });
    const un = await nodeVault(engine, w.wrap_info.token).unwrap();
    expect(un.data.secret_id_accessor).toBe(w.wrap_info.wrapped_accessor);
    // A spent wrapping token is checked before it authenticates anything: 400, as in Vault.
    await expect(nodeVault(engine, w.wrap_info.token).unwrap()).rejects.toMatchObject({
      response: { statusCode: 400 },
      message: 'wrapping token is not valid or does not exist',
    });
    await expect(root.unwrap({ token: w.wrap_info.token })).rejects.toMatchObject({
      message: 'wrapping token is not valid or does not exist',
    });
    const r = await anon().approleLogin({ role_id: await roleId('app'), secret_id: un.data.secret_id });
    expect(r.auth.policies).toContain('app-read');
  });

  it('neither the secret ID nor the token appears in clear in audit events', async () => {
    const events: unknown[] = [];
    const on = (e: unknown) => events.push(e);
    engine.events.on('audit', on);
    let secret = '';
    let token = '';
    try {
      secret = (await newSecret('app')).secret_id;
      token = (await anon().approleLogin({ role_id: await roleId('app'), secret_id: secret })).auth.client_token;
    } finally {
      engine.events.off('audit', on);
    }
    const text = JSON.stringify(events);
    expect(text).toContain('auth/approle/login');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
  });

  it('an expired wrapping token yields nothing', async () => {
    const w = await writeWith('auth/approle/role/app/secret-id', {}, { headers: { 'X-Vault-Wrap-TTL': '60s' } });
    await engine.clock.advance('61s');
    await expect(root.unwrap({ token: w.wrap_info.token })).rejects.toMatchObject({
      message: 'wrapping token is not valid or does not exist',
    });
  });
});
