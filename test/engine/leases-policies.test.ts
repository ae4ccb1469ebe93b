/** sys/leases/* and the policy surface (sys/policy, sys/policies/acl, sys/capabilities*) over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, type Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault } from '../support/engine.js';
import { leaseBackendFactory, type LeaseLog } from './lease-backend.js';

const log: LeaseLog = { revoked: [], renewed: [], failRevoke: new Set() };
let engine: Engine;
beforeAll(async () => {
  engine = await devEngine({
    clock: new Clock({ frozen: true }),
    backends: { 'test-leases': leaseBackendFactory(log) },
  });
  await http(engine, 'POST', 'sys/mounts/db', { body: { type: 'test-leases' } });
  await http(engine, 'PUT', 'sys/policies/acl/app', {
    body: {
      policy: 'path "db/creds/*" { capabilities = ["read"] }\npath "auth/token/create" { capabilities = ["update"] }',
    },
  });
});
afterAll(async () => {
  await engine.stop();
});

const cred = async (token = engine.rootToken, q = 'ttl=1h') =>
  (await http(engine, 'GET', `db/creds/app?${q}`, { token })).body;

describe('leases', () => {
  it('a secret gets a lease; lookup shows it; unknown ids are 400 with Vault texts', async () => {
    const c = await cred();
    expect(c.lease_id).toMatch(/^db\/creds\/app\//);
    expect(c.renewable).toBe(true);
    expect(c.lease_duration).toBe(3600);
    const look = await http(engine, 'PUT', 'sys/leases/lookup', { body: { lease_id: c.lease_id } });
    expect(look.status).toBe(200);
    expect(look.body.data.id).toBe(c.lease_id);
    expect(look.body.data.ttl).toBe(3600);
    expect(look.body.data.last_renewal).toBeNull();
    expect(look.body.data.issue_time).toMatch(/Z$/);
    expect((await http(engine, 'PUT', 'sys/leases/lookup', { body: {} })).body.errors).toEqual([
      'lease_id must be specified',
    ]);
    expect(
      (await http(engine, 'PUT', 'sys/leases/lookup', { body: { lease_id: 'db/creds/app/nope' } })).body.errors,
    ).toEqual(['invalid lease']);
    expect((await http(engine, 'GET', `sys/leases/lookup/${c.lease_id}`)).status).toBe(405);
  });

  it('renew with node-vault and the legacy path; errors for unknown and non-renewable leases', async () => {
    const c = await cred();
    await engine.clock.advance('10m');
    const r = await nodeVault(engine).write('sys/leases/renew', { lease_id: c.lease_id, increment: 1800 });
    expect(r.lease_id).toBe(c.lease_id);
    expect(r.lease_duration).toBe(1800);
    expect(r.data).toBeNull();
    const legacy = await http(engine, 'PUT', 'sys/renew', { body: { lease_id: c.lease_id } });
    expect(legacy.body.lease_duration).toBe(3600);
    expect(log.renewed.length).toBeGreaterThanOrEqual(2);
    expect((await http(engine, 'PUT', 'sys/leases/renew', { body: { lease_id: 'x/y' } })).body.errors).toEqual([
      'invalid lease ID',
    ]);
    const fixed = await cred(engine.rootToken, 'ttl=1h&renewable=false');
    expect((await http(engine, 'PUT', 'sys/leases/renew', { body: { lease_id: fixed.lease_id } })).body.errors).toEqual(
      ['lease is not renewable'],
    );
  });

  it('renewal is capped by the max TTL with a warning, down to the last second', async () => {
    const c = await cred(engine.rootToken, 'ttl=30m&max_ttl=1h');
    await engine.clock.advance('20m');
    const r = await http(engine, 'PUT', 'sys/leases/renew', { body: { lease_id: c.lease_id, increment: '2h' } });
    expect(r.body.lease_duration).toBe(40 * 60);
    expect(r.body.warnings[0]).toMatch(/exceeded the effective max_ttl/);
    await engine.clock.advance('39m');
    await engine.clock.advance('59s');
    const past = await http(engine, 'PUT', 'sys/leases/renew', { body: { lease_id: c.lease_id } });
    expect(past.status).toBe(200);
    expect(past.body.lease_duration).toBe(1);
  });

  it('revoke is sync (204) by default, async (202) with sync=false; unknown ids are 204', async () => {
    const a = await cred();
    expect((await http(engine, 'PUT', 'sys/leases/revoke', { body: { lease_id: a.lease_id } })).status).toBe(204);
    expect(log.revoked).toContain(a.data.username);
    const b = await cred();
    const async = await http(engine, 'PUT', 'sys/leases/revoke', { body: { lease_id: b.lease_id, sync: false } });
    expect(async.status).toBe(202);
    await new Promise((r) => setTimeout(r, 20));
    expect(log.revoked).toContain(b.data.username);
    expect((await http(engine, 'PUT', 'sys/leases/revoke', { body: { lease_id: 'db/creds/app/none' } })).status).toBe(
      204,
    );
    const c = await cred();
    expect((await http(engine, 'PUT', `sys/revoke/${c.lease_id}`)).status).toBe(204);
  });

  it('listing needs sudo and walks one level at a time; empty is 404', async () => {
    await cred();
    const top = await http(engine, 'GET', 'sys/leases/lookup/db/?list=true');
    expect(top.body.data.keys).toEqual(['creds/']);
    const lvl = await http(engine, 'GET', 'sys/leases/lookup/db/creds/app/?list=true');
    expect(lvl.body.data.keys.length).toBeGreaterThan(0);
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['app'] } })).body.auth.client_token;
    expect((await http(engine, 'GET', 'sys/leases/lookup/db/?list=true', { token: t })).status).toBe(403);
    expect((await http(engine, 'GET', 'sys/leases/lookup/nothing/?list=true')).status).toBe(404);
  });

  it('revoke-prefix needs sudo and revokes every lease under it (node-vault uses sys/revoke-prefix)', async () => {
    const a = await cred(),
      b = await cred();
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['app'] } })).body.auth.client_token;
    expect((await http(engine, 'PUT', 'sys/leases/revoke-prefix/db/creds', { token: t })).status).toBe(403);
    await nodeVault(engine).revokePrefix({ path_prefix: 'db/creds' });
    expect(log.revoked).toEqual(expect.arrayContaining([a.data.username, b.data.username]));
    expect((await http(engine, 'GET', 'sys/leases/lookup/db/creds/app/?list=true')).status).toBe(404);
  });

  it('revoke-force removes leases whose backend revoke fails; a plain revoke reports the failure', async () => {
    const c = await cred();
    log.failRevoke.add(c.data.username);
    const fail = await http(engine, 'PUT', 'sys/leases/revoke', { body: { lease_id: c.lease_id } });
    expect(fail.status).toBe(400);
    expect(fail.body.errors[0]).toMatch(/^failed to revoke lease: cannot drop/);
    expect((await http(engine, 'PUT', 'sys/leases/revoke-force/db/creds')).status).toBe(204);
    expect((await http(engine, 'PUT', 'sys/leases/lookup', { body: { lease_id: c.lease_id } })).status).toBe(400);
    log.failRevoke.clear();
  });

  it("a token's leases are revoked with it (and with its parent)", async () => {
    const parent = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['app'] } })).body.auth
      .client_token;
    const child = (await http(engine, 'POST', 'auth/token/create', { token: parent, body: { policies: ['app'] } })).body
      .auth.client_token;
    const c1 = await cred(parent),
      c2 = await cred(child);
    await http(engine, 'POST', 'auth/token/revoke', { body: { token: parent } });
    expect(log.revoked).toEqual(expect.arrayContaining([c1.data.username, c2.data.username]));
  });

  it('leases expire on the engine clock', async () => {
    const c = await cred(engine.rootToken, 'ttl=5m');
    await engine.clock.advance('5m1s');
    expect(log.revoked).toContain(c.data.username);
  });

  it('the last use of a num_uses token cannot carry a leased secret out', async () => {
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['app'], num_uses: 1 } })).body.auth
      .client_token;
    const r = await http(engine, 'GET', 'db/creds/app', { token: t });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      'Secret cannot be returned; token had one use left, so leased credentials were immediately revoked.',
    ]);
  });
});

describe('policies', () => {
  it('sys/policies/acl CRUD; LIST ends with root and hides response-wrapping', async () => {
    expect(
      (
        await http(engine, 'PUT', 'sys/policies/acl/reader', {
          body: { policy: 'path "secret/data/*" {\n  capabilities = ["read"]\n}\n' },
        })
      ).status,
    ).toBe(204);
    const r = await http(engine, 'GET', 'sys/policies/acl/reader');
    expect(r.body.data).toEqual({ name: 'reader', policy: 'path "secret/data/*" {\n  capabilities = ["read"]\n}\n' });
    const list = await http(engine, 'GET', 'sys/policies/acl?list=true');
    expect(list.body.data.keys.at(-1)).toBe('root');
    expect(list.body.data.keys).toContain('reader');
    expect(list.body.data.keys).not.toContain('response-wrapping');
    expect((await http(engine, 'DELETE', 'sys/policies/acl/reader')).status).toBe(204);
    expect((await http(engine, 'GET', 'sys/policies/acl/reader')).status).toBe(404);
    expect((await http(engine, 'DELETE', 'sys/policies/acl/reader')).status).toBe(204);
  });

  it('legacy sys/policy via node-vault (rules), names lower-cased with a warning', async () => {
    const v = nodeVault(engine);
    await v.addPolicy({ name: 'legacy', rules: 'path "secret/*" { policy = "read" }' });
    const got = await v.getPolicy({ name: 'legacy' });
    expect(got.rules).toBe('path "secret/*" { policy = "read" }');
    const upper = await http(engine, 'PUT', 'sys/policy/MixedCase', {
      body: { policy: 'path "a" { capabilities = ["read"] }' },
    });
    expect(upper.status).toBe(200);
    expect(upper.body.warnings).toContain('policy name was converted to mixedcase');
    expect((await v.policies()).policies).toContain('mixedcase');
  });

  it('refuses bad policies with line:column, and protects root/default', async () => {
    const bad = await http(engine, 'PUT', 'sys/policies/acl/bad', {
      body: { policy: 'path "a" {\n  capabilities = ["read", "fly"]\n}' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(
      /^failed to parse policy: path "a": invalid capability "fly" on line 2, column \d+/,
    );
    const syntax = await http(engine, 'PUT', 'sys/policies/acl/bad', {
      body: { policy: 'path "a" {\n  capabilities = ["read"\n' },
    });
    expect(syntax.body.errors[0]).toMatch(/^failed to parse policy: .*line \d+, column \d+/);
    const key = await http(engine, 'PUT', 'sys/policies/acl/bad', {
      body: { policy: 'paths "a" { capabilities = ["read"] }' },
    });
    expect(key.body.errors[0]).toMatch(/invalid key "paths" on line 1/);
    const plusStar = await http(engine, 'PUT', 'sys/policies/acl/bad', {
      body: { policy: 'path "a/+*" { capabilities = ["read"] }' },
    });
    expect(plusStar.body.errors[0]).toMatch(/invalid use of wildcards \('\+\*' is forbidden\)/);
    expect((await http(engine, 'PUT', 'sys/policies/acl/bad', { body: { policy: '' } })).body.errors).toEqual([
      "'policy' parameter not supplied or empty",
    ]);
    expect(
      (await http(engine, 'PUT', 'sys/policies/acl/root', { body: { policy: 'path "a" { capabilities = ["read"] }' } }))
        .body.errors,
    ).toEqual(['cannot update "root" policy']);
    expect((await http(engine, 'DELETE', 'sys/policies/acl/root')).body.errors).toEqual([
      'cannot delete "root" policy',
    ]);
    expect((await http(engine, 'DELETE', 'sys/policies/acl/default')).body.errors).toEqual([
      'cannot delete default policy',
    ]);
  });

  it('JSON and base64 policies are accepted', async () => {
    const json = JSON.stringify({ path: { 'secret/data/json/*': { capabilities: ['read', 'list'] } } });
    expect((await http(engine, 'PUT', 'sys/policies/acl/json', { body: { policy: json } })).status).toBe(204);
    const b64 = Buffer.from('path "secret/data/b64" { capabilities = ["read"] }').toString('base64');
    expect((await http(engine, 'PUT', 'sys/policies/acl/b64', { body: { policy: b64 } })).status).toBe(204);
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['json', 'b64'] } })).body.auth
      .client_token;
    const caps = await http(engine, 'POST', 'sys/capabilities-self', {
      token: t,
      body: { paths: ['secret/data/json/x', 'secret/data/b64', 'secret/data/other'] },
    });
    expect(caps.body.data['secret/data/json/x']).toEqual(['list', 'read']);
    expect(caps.body.data['secret/data/b64']).toEqual(['read']);
    expect(caps.body.data['secret/data/other']).toEqual(['deny']);
    expect(caps.body.capabilities).toBeUndefined();
  });

  it('sys/capabilities (token), capabilities-accessor; bad token or accessor is 400', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/caps', {
      body: {
        policy:
          'path "sys/leases/lookup/*" { capabilities = ["list", "sudo"] }\npath "secret/data/x" { capabilities = ["patch", "deny"] }',
      },
    });
    const a = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['caps'] } })).body.auth;
    const byToken = await http(engine, 'POST', 'sys/capabilities', {
      body: { token: a.client_token, path: 'sys/leases/lookup/db' },
    });
    expect(byToken.body.capabilities).toEqual(['list', 'sudo']);
    expect(byToken.body.data.capabilities).toEqual(['list', 'sudo']);
    const byAcc = await http(engine, 'POST', 'sys/capabilities-accessor', {
      body: { accessor: a.accessor, paths: ['secret/data/x'] },
    });
    expect(byAcc.body.capabilities).toEqual(['deny']);
    expect(
      (await http(engine, 'POST', 'sys/capabilities', { body: { token: 'hvs.x', paths: ['a'] } })).body.errors,
    ).toEqual(['invalid token']);
    expect(
      (await http(engine, 'POST', 'sys/capabilities-accessor', { body: { accessor: 'x', paths: ['a'] } })).body.errors,
    ).toEqual(['invalid accessor']);
    expect((await http(engine, 'POST', 'sys/capabilities-self', { body: { paths: ['a'] } })).body.capabilities).toEqual(
      ['root'],
    );
  });

  it('root paths need sudo next to the verb capability', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/auth-admin', {
      body: { policy: 'path "sys/auth/*" { capabilities = ["create", "update", "read", "delete"] }' },
    });
    await http(engine, 'PUT', 'sys/policies/acl/auth-sudo', {
      body: { policy: 'path "sys/auth/*" { capabilities = ["create", "update", "read", "delete", "sudo"] }' },
    });
    const plain = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['auth-admin'] } })).body.auth
      .client_token;
    const sudo = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['auth-sudo'] } })).body.auth
      .client_token;
    expect((await http(engine, 'POST', 'sys/auth/up', { token: plain, body: { type: 'token' } })).status).toBe(403);
    const r = await http(engine, 'POST', 'sys/auth/up', { token: sudo, body: { type: 'token' } });
    expect(r.status).toBe(400); // past the ACL: the backend refuses a second token method
    expect(r.body.errors).toEqual(['token credential backend cannot be instantiated']);
  });

  it('parameter constraints: required, allowed (globs), denied; violations are 403', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/params', {
      body: {
        policy: `path "sys/tools/random" {
  capabilities = ["update"]
  required_parameters = ["format"]
  allowed_parameters = {
    "format" = ["hex", "base*"]
    "bytes" = []
  }
  denied_parameters = {
    "bytes" = ["1024"]
  }
}
path "sys/tools/hash" {
  capabilities = ["update"]
  denied_parameters = { "*" = [] }
}
`,
      },
    });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['params'] } })).body.auth
      .client_token;
    const call = (body: unknown, p = 'sys/tools/random') => http(engine, 'POST', p, { token: t, body });
    expect((await call({ format: 'hex', bytes: 8 })).status).toBe(200);
    expect((await call({ format: 'base64' })).status).toBe(200);
    expect((await call({ bytes: 8 })).status).toBe(403); // required missing
    expect((await call({ format: 'binary' })).status).toBe(403); // value not allowed
    expect((await call({ format: 'hex', other: 1 })).status).toBe(403); // key not allowed
    expect((await call({ format: 'hex', bytes: '1024' })).status).toBe(403); // denied value
    expect((await call({ input: 'aGk=' }, 'sys/tools/hash')).status).toBe(403);
    expect((await call({}, 'sys/tools/hash')).status).toBe(200); // no data passes
  });

  it('a policy change applies to existing tokens at once; a deleted policy grants nothing', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/live', {
      body: { policy: 'path "sys/tools/random" { capabilities = ["update"] }' },
    });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['live'] } })).body.auth
      .client_token;
    expect((await http(engine, 'POST', 'sys/tools/random', { token: t })).status).toBe(200);
    await http(engine, 'PUT', 'sys/policies/acl/live', {
      body: { policy: 'path "sys/tools/random" { capabilities = ["read"] }' },
    });
    expect((await http(engine, 'POST', 'sys/tools/random', { token: t })).status).toBe(403);
    await http(engine, 'PUT', 'sys/policies/acl/live', {
      body: { policy: 'path "sys/tools/random" { capabilities = ["update"] }' },
    });
    await http(engine, 'DELETE', 'sys/policies/acl/live');
    expect((await http(engine, 'POST', 'sys/tools/random', { token: t })).status).toBe(403);
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: t })).body.data.policies).toEqual([
      'default',
      'live',
    ]);
  });

  it('the default policy text reads back and grants cubbyhole and self-service paths', async () => {
    const d = await http(engine, 'GET', 'sys/policies/acl/default');
    expect(d.body.data.policy).toContain('path "cubbyhole/*"');
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } })).body.auth
      .client_token;
    const caps = await http(engine, 'POST', 'sys/capabilities-self', {
      token: t,
      body: { paths: ['cubbyhole/x', 'auth/token/lookup-self', 'sys/wrapping/unwrap', 'sys/mounts'] },
    });
    expect(caps.body.data['cubbyhole/x']).toEqual(['create', 'delete', 'list', 'read', 'update']);
    expect(caps.body.data['auth/token/lookup-self']).toEqual(['read']);
    expect(caps.body.data['sys/wrapping/unwrap']).toEqual(['update']);
    expect(caps.body.data['sys/mounts']).toEqual(['deny']);
  });
});
