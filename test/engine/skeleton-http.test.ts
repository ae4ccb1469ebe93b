/** The walking skeleton's engine over HTTP with node-vault as the client, 403s included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault } from '../support/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await devEngine();
});
afterAll(async () => {
  await engine.stop();
});

const READ_ONLY = `# read one secret
path "secret/data/myapp/config" {
  capabilities = ["read"]
}
`;

describe('dev engine with node-vault', () => {
  it('answers sys/health unauthenticated and reports unsealed', async () => {
    const v = nodeVault(engine, '');
    const h = await v.health();
    expect(h.initialized).toBe(true);
    expect(h.sealed).toBe(false);
  });

  it('mounts secret/ as KV v2 and cubbyhole/ in dev mode', async () => {
    const v = nodeVault(engine);
    const mounts = await v.mounts();
    expect(mounts['secret/'].type).toBe('kv');
    expect(mounts['secret/'].options).toEqual({ version: '2' });
    expect(mounts['cubbyhole/'].type).toBe('cubbyhole');
    expect(mounts.data['secret/'].type).toBe('kv');
  });

  it('writes and reads KV v2 data with versions', async () => {
    const v = nodeVault(engine);
    const w1 = await v.write('secret/data/myapp/config', { data: { db_user: 'appuser', db_password: 'MyS3cret!' } });
    expect(w1.data.version).toBe(1);
    const w2 = await v.write('secret/data/myapp/config', { data: { db_user: 'appuser', db_password: 'MyS3cret!' } });
    expect(w2.data.version).toBe(2);
    const r = await v.read('secret/data/myapp/config');
    expect(r.data.data).toEqual({ db_user: 'appuser', db_password: 'MyS3cret!' });
    expect(r.data.metadata.version).toBe(2);
    expect(r.mount_type).toBe('kv');
    const meta = await v.read('secret/metadata/myapp/config');
    expect(meta.data.current_version).toBe(2);
    expect(Object.keys(meta.data.versions)).toEqual(['1', '2']);
  });

  it('lists KV v2 metadata with the LIST verb and with ?list=true', async () => {
    const v = nodeVault(engine);
    const l = await v.list('secret/metadata/');
    expect(l.data.keys).toEqual(['myapp/']);
    const viaGet = await http(engine, 'GET', 'secret/metadata/myapp?list=true');
    expect(viaGet.status).toBe(200);
    expect(viaGet.body.data.keys).toEqual(['config']);
  });

  it('a read-only token reads its secret and is denied everything else with 403', async () => {
    const root = nodeVault(engine);
    await root.addPolicy({ name: 'read-only', rules: READ_ONLY });
    const created = await root.tokenCreate({ policies: ['read-only'], ttl: '1h' });
    expect(created.auth.policies).toEqual(['default', 'read-only']);
    expect(created.auth.lease_duration).toBe(3600);
    const app = nodeVault(engine, created.auth.client_token);
    const r = await app.read('secret/data/myapp/config');
    expect(r.data.data.db_user).toBe('appuser');
    await expect(app.write('secret/data/myapp/config', { data: { db_user: 'hacker' } })).rejects.toMatchObject({
      response: { statusCode: 403 },
    });
    await expect(app.read('secret/data/another/path')).rejects.toMatchObject({ response: { statusCode: 403 } });
    await expect(app.mounts()).rejects.toMatchObject({ response: { statusCode: 403 } });
    const denied = await http(engine, 'PUT', 'secret/data/myapp/config', {
      token: created.auth.client_token,
      body: { data: { x: 'y' } },
    });
    expect(denied.body).toEqual({ errors: ['1 error occurred:\n\t* permission denied\n\n'] });
    // The data did not change.
    expect((await nodeVault(engine).read('secret/data/myapp/config')).data.data.db_user).toBe('appuser');
  });

  it('denies requests without a token (bare text) and with a bad token (multierror)', async () => {
    const none = await http(engine, 'GET', 'secret/data/myapp/config', { token: null });
    expect(none.status).toBe(403);
    expect(none.body).toEqual({ errors: ['permission denied'] });
    const bad = await http(engine, 'GET', 'secret/data/myapp/config', { token: 'hvs.nope' });
    expect(bad.status).toBe(403);
    expect(bad.body.errors[0]).toContain('permission denied');
  });

  it('looks tokens up: lookup-self for the caller, lookup by id, 403 bad token', async () => {
    const v = nodeVault(engine);
    const self = await v.tokenLookupSelf();
    expect(self.data.policies).toEqual(['root']);
    expect(self.data.path).toBe('auth/token/root');
    expect(self.data.expire_time).toBeNull();
    const child = await v.tokenCreate({ policies: ['read-only'], ttl: '30m', display_name: 'my app' });
    // node-vault switches a client to the token it just created (tokenSource); use a root client again.
    expect(v.token).toBe(child.auth.client_token);
    const root = nodeVault(engine);
    const looked = await root.tokenLookup({ token: child.auth.client_token });
    expect(looked.data.display_name).toBe('token-my-app');
    expect(looked.data.ttl).toBe(1800);
    await expect(root.tokenLookup({ token: 'hvs.unknown' })).rejects.toMatchObject({ response: { statusCode: 403 } });
  });

  it('policies: CRUD on sys/policies/acl, HCL parse errors carry line and column', async () => {
    const ok = await http(engine, 'PUT', 'sys/policies/acl/Dev-Team', { body: { policy: READ_ONLY } });
    expect(ok.status).toBe(200); // the name was normalised: a warning makes it a 200
    expect(ok.body.warnings).toEqual(['policy name was converted to dev-team']);
    const list = await http(engine, 'LIST', 'sys/policies/acl');
    expect(list.body.data.keys).toEqual(['default', 'dev-team', 'read-only', 'root']);
    const bad = await http(engine, 'PUT', 'sys/policies/acl/broken', {
      body: { policy: 'path "x" {\n  capabilities = ["read"\n}' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/^failed to parse policy: .* at line 3, column 1$/);
    const rootUpdate = await http(engine, 'PUT', 'sys/policies/acl/root', { body: { policy: READ_ONLY } });
    expect(rootUpdate.body.errors).toEqual(['cannot update "root" policy']);
  });

  it('sys/internal/ui/mounts tells the CLI the mount and its version, or 403s', async () => {
    const v = await http(engine, 'GET', 'sys/internal/ui/mounts/secret/myapp/config');
    expect(v.body.data.path).toBe('secret/');
    expect(v.body.data.options.version).toBe('2');
    const none = await http(engine, 'GET', 'sys/internal/ui/mounts/nothing/here');
    expect(none.status).toBe(403);
    expect(none.body.errors[0]).toContain('preflight capability check returned 403');
  });

  it("unknown mounts are 404 for root with Vault's text", async () => {
    const r = await http(engine, 'GET', 'nothing/here');
    expect(r.status).toBe(404);
    expect(r.body.errors).toEqual(['no handler for route "nothing/here". route entry not found.']);
  });

  it("emits an audit event for every request and response with HMAC'd values and the ACL decision", async () => {
    const seen: any[] = [];
    const on = (e: any) => seen.push(e);
    engine.events.on('audit', on);
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['read-only'] } })).body.auth
      .client_token;
    await http(engine, 'PUT', 'secret/data/myapp/config', { token: t, body: { data: { db_password: 'Canary-123' } } });
    engine.events.off('audit', on);
    const resp = seen.filter((e) => e.type === 'response' && e.request.path === 'secret/data/myapp/config');
    expect(resp).toHaveLength(1);
    expect(resp[0].status).toBe(403);
    expect(resp[0].decision).toMatchObject({
      allowed: false,
      rule: 'secret/data/myapp/config',
      policies: ['read-only'],
    });
    expect(resp[0].auth.policies).toEqual(['default', 'read-only']);
    expect(JSON.stringify(seen)).not.toContain('Canary-123');
    expect(JSON.stringify(seen)).not.toContain(t);
    const req = seen.find((e) => e.type === 'request' && e.request.path === 'secret/data/myapp/config');
    expect(req.request.data.data.db_password).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });
});
