/** Mounts (sys/mounts, sys/auth, preflight, remount), the engine clock, snapshots and audit decisions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, type AuditEvent, type Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault } from '../support/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await devEngine({ clock: new Clock({ frozen: true }) });
});
afterAll(async () => {
  await engine.stop();
});

describe('sys/mounts', () => {
  it('enable with kv-v2 / config TTLs, read one, read tune, disable', async () => {
    const v = nodeVault(engine);
    await v.mount({
      mount_point: 'team',
      type: 'kv-v2',
      description: 'team secrets',
      config: { default_lease_ttl: '1h', max_lease_ttl: '24h' },
    });
    const one = await http(engine, 'GET', 'sys/mounts/team');
    expect(one.body.data).toMatchObject({
      type: 'kv',
      description: 'team secrets',
      options: { version: '2' },
      local: false,
      seal_wrap: false,
    });
    expect(one.body.data.accessor).toMatch(/^kv_[0-9a-f]{8}$/);
    expect(one.body.data.config).toMatchObject({ default_lease_ttl: 3600, max_lease_ttl: 86400 });
    expect(one.body.type).toBe('kv'); // injected
    const tune = await http(engine, 'GET', 'sys/mounts/team/tune');
    expect(tune.body.data).toMatchObject({
      default_lease_ttl: 3600,
      max_lease_ttl: 86400,
      description: 'team secrets',
    });
    expect((await v.mounts())['team/'].type).toBe('kv');
    expect((await http(engine, 'DELETE', 'sys/mounts/team')).status).toBe(204);
    expect((await http(engine, 'DELETE', 'sys/mounts/team')).status).toBe(204);
    expect((await http(engine, 'GET', 'team/data/x')).body.errors).toEqual([
      'no handler for route "team/data/x". route entry not found.',
    ]);
  });

  it('tune fills system defaults, "system" resets, and default > max is refused', async () => {
    await http(engine, 'POST', 'sys/mounts/tuned', { body: { type: 'kv' } });
    expect((await http(engine, 'GET', 'sys/mounts/tuned/tune')).body.data).toMatchObject({
      default_lease_ttl: 2764800,
      max_lease_ttl: 2764800,
    });
    expect(
      (
        await http(engine, 'POST', 'sys/mounts/tuned/tune', {
          body: { default_lease_ttl: '2h', max_lease_ttl: '4h', description: 'tuned' },
        })
      ).status,
    ).toBe(204);
    expect((await http(engine, 'GET', 'sys/mounts/tuned/tune')).body.data).toMatchObject({
      default_lease_ttl: 7200,
      max_lease_ttl: 14400,
      description: 'tuned',
    });
    expect((await http(engine, 'GET', 'tuned/x')).status).toBe(404);
    await http(engine, 'POST', 'tuned/x', { body: { a: 1 } });
    expect((await http(engine, 'GET', 'tuned/x')).body.lease_duration).toBe(7200);
    const bad = await http(engine, 'POST', 'sys/mounts/tuned/tune', { body: { default_lease_ttl: '5h' } });
    expect(bad.body.errors).toEqual(['given default lease TTL greater than given max lease TTL']);
    await http(engine, 'POST', 'sys/mounts/tuned/tune', {
      body: { default_lease_ttl: 'system', max_lease_ttl: 'system' },
    });
    expect((await http(engine, 'GET', 'sys/mounts/tuned/tune')).body.data.max_lease_ttl).toBe(2764800);
  });

  it('path conflicts, unknown types, reserved and protected paths are 400', async () => {
    expect((await http(engine, 'POST', 'sys/mounts/secret', { body: { type: 'kv' } })).body.errors).toEqual([
      'path is already in use at secret/',
    ]);
    expect((await http(engine, 'POST', 'sys/mounts/secret/inner', { body: { type: 'kv' } })).body.errors).toEqual([
      'path is already in use at secret/',
    ]);
    await http(engine, 'POST', 'sys/mounts/outer/inner', { body: { type: 'kv' } });
    expect((await http(engine, 'POST', 'sys/mounts/outer', { body: { type: 'kv' } })).body.errors).toEqual([
      'path is already in use at outer/inner/',
    ]);
    expect((await http(engine, 'POST', 'sys/mounts/x', { body: { type: 'no-such-engine' } })).body.errors).toEqual([
      'plugin not found in the catalog: no-such-engine',
    ]);
    expect((await http(engine, 'POST', 'sys/mounts/x', { body: {} })).status).toBe(400);
    expect((await http(engine, 'DELETE', 'sys/mounts/sys')).status).toBe(400);
    expect((await http(engine, 'POST', 'sys/mounts/auth/x', { body: { type: 'kv' } })).status).toBe(400);
  });

  it('sys/remount moves a mount with its data; the status endpoint reports success', async () => {
    await http(engine, 'POST', 'sys/mounts/before', { body: { type: 'kv-v2' } });
    await http(engine, 'POST', 'before/data/app', { body: { data: { a: 1 } } });
    const r = await http(engine, 'POST', 'sys/remount', { body: { from: 'before', to: 'after' } });
    expect(r.status).toBe(200);
    const id = r.body.data.migration_id;
    const st = await http(engine, 'GET', `sys/remount/status/${id}`);
    expect(st.body.data.migration_info).toEqual({ source_mount: 'before/', target_mount: 'after/', status: 'success' });
    expect((await http(engine, 'GET', 'after/data/app')).body.data.data).toEqual({ a: 1 });
    expect((await http(engine, 'GET', 'before/data/app')).status).toBe(404);
    expect((await http(engine, 'POST', 'sys/remount', { body: { from: 'nothing', to: 'x' } })).status).toBe(400);
  });
});

describe('sys/auth', () => {
  it('token/ is listed with token_type; it cannot be disabled; tune works through both paths', async () => {
    const auth = await http(engine, 'GET', 'sys/auth');
    expect(auth.body.data['token/'].type).toBe('token');
    expect(auth.body.data['token/'].config.token_type).toBe('default-service');
    expect(auth.body.data['token/'].accessor).toMatch(/^auth_token_[0-9a-f]{8}$/);
    expect((await http(engine, 'DELETE', 'sys/auth/token')).body.errors).toEqual([
      'token credential backend cannot be disabled',
    ]);
    expect((await http(engine, 'POST', 'sys/auth/token/tune', { body: { default_lease_ttl: '2h' } })).status).toBe(204);
    expect((await http(engine, 'GET', 'sys/mounts/auth/token/tune')).body.data.default_lease_ttl).toBe(7200);
    const t = await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } });
    expect(t.body.auth.lease_duration).toBe(7200);
    await http(engine, 'POST', 'sys/auth/token/tune', { body: { default_lease_ttl: 'system' } });
  });
});

describe('auth methods', () => {
  it('enable (sudo), list, read one; disabling revokes every token it issued', async () => {
    expect(
      (await http(engine, 'POST', 'sys/auth/people', { body: { type: 'userpass', description: 'humans' } })).status,
    ).toBe(204);
    const one = await http(engine, 'GET', 'sys/auth/people');
    expect(one.body.data).toMatchObject({ type: 'userpass', description: 'humans' });
    expect(one.body.data.accessor).toMatch(/^auth_userpass_[0-9a-f]{8}$/);
    expect((await http(engine, 'GET', 'sys/auth')).body.data['people/'].type).toBe('userpass');
    await http(engine, 'POST', 'auth/people/users/ann', { body: { password: 'pw', token_policies: 'default' } });
    const login = await http(engine, 'POST', 'auth/people/login/ann', { token: null, body: { password: 'pw' } });
    const t = login.body.auth.client_token;
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: t })).body.data.path).toBe(
      'auth/people/login/ann',
    );
    expect((await http(engine, 'POST', 'sys/auth/people', { body: { type: 'userpass' } })).body.errors).toEqual([
      'path is already in use at people/',
    ]);
    expect((await http(engine, 'DELETE', 'sys/auth/people')).status).toBe(204);
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: t })).status).toBe(403);
    expect(
      (await http(engine, 'POST', 'auth/people/login/ann', { token: null, body: { password: 'pw' } })).status,
    ).toBe(403);
  });
});

describe('preflight: sys/internal/ui/mounts and sys/mounts-all', () => {
  it('answers the mount object for a token with some capability under the mount, 403 otherwise', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/deep', {
      body: { policy: 'path "secret/data/team/a/*" { capabilities = ["read"] }' },
    });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['deep'] } })).body.auth
      .client_token;
    for (const p of ['sys/internal/ui/mounts/secret/team/a/x', 'sys/mounts-all/secret/team/a/x']) {
      const r = await http(engine, 'GET', p, { token: t });
      expect(r.status, p).toBe(200);
      expect(r.body.data.path).toBe('secret/');
      expect(r.body.data.options).toEqual({ version: '2' });
      expect(r.body.data.type).toBe('kv');
    }
    const none = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } })).body.auth
      .client_token;
    const denied = await http(engine, 'GET', 'sys/internal/ui/mounts/secret/x', { token: none });
    expect(denied.status).toBe(403);
    expect(denied.body.errors).toEqual([
      'preflight capability check returned 403, please ensure client\'s policies grant access to path "secret/x/"',
    ]);
    const unknown = await http(engine, 'GET', 'sys/internal/ui/mounts/nothing/x', { token: t });
    expect(unknown.status).toBe(403);
  });

  it('a + rule under the mount counts, a deny does not', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/seg', {
      body: {
        policy: 'path "secret/data/+/config" { capabilities = ["read"] }\npath "kv1x/*" { capabilities = ["deny"] }',
      },
    });
    await http(engine, 'POST', 'sys/mounts/kv1x', { body: { type: 'kv' } });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['seg'] } })).body.auth.client_token;
    expect((await http(engine, 'GET', 'sys/internal/ui/mounts/secret/app', { token: t })).status).toBe(200);
    expect((await http(engine, 'GET', 'sys/internal/ui/mounts/kv1x/app', { token: t })).status).toBe(403);
  });
});

describe('engine clock and snapshots', () => {
  it('snapshot/restore returns state (secrets, policies, tokens, mounts) to the captured moment', async () => {
    await http(engine, 'POST', 'secret/data/snap', { body: { data: { v: 'before' } } });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'], ttl: '1h' } })).body
      .auth.client_token;
    const snap = await engine.snapshot();
    await http(engine, 'POST', 'secret/data/snap', { body: { data: { v: 'after' } } });
    await http(engine, 'PUT', 'sys/policies/acl/later', { body: { policy: 'path "a" { capabilities = ["read"] }' } });
    await http(engine, 'POST', 'sys/mounts/later', { body: { type: 'kv' } });
    await http(engine, 'POST', 'auth/token/revoke', { body: { token: t } });
    await engine.restore(snap);
    const r = await http(engine, 'GET', 'secret/data/snap');
    expect(r.body.data.data).toEqual({ v: 'before' });
    expect(r.body.data.metadata.version).toBe(1);
    expect((await http(engine, 'GET', 'sys/policies/acl/later')).status).toBe(404);
    expect((await http(engine, 'GET', 'sys/mounts')).body.data['later/']).toBeUndefined();
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: t })).status).toBe(200);
    // Expiry timers are re-armed after a restore.
    await engine.clock.advance('61m');
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: t })).status).toBe(403);
  });

  it('the clock only moves forward', async () => {
    await expect(engine.clock.advance(-5)).rejects.toThrow(/backwards/);
  });
});

describe('audit events carry the ACL decision', () => {
  it('allowed and denied requests name the deciding rule and policies; secrets are HMACed', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/audited', {
      body: { policy: 'path "secret/data/aud/*" { capabilities = ["read"] }' },
    });
    await http(engine, 'POST', 'secret/data/aud/x', { body: { data: { password: 'plaintext-pw' } } });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['audited'] } })).body.auth
      .client_token;
    const events: AuditEvent[] = [];
    const on = (e: AuditEvent) => events.push(e);
    engine.events.on('audit', on);
    await http(engine, 'GET', 'secret/data/aud/x', { token: t });
    await http(engine, 'POST', 'secret/data/aud/x', { token: t, body: { data: { password: 'another-pw' } } });
    await http(engine, 'GET', 'secret/data/elsewhere', { token: t });
    engine.events.off('audit', on);
    const responses = events.filter((e) => e.type === 'response');
    expect(responses).toHaveLength(3);
    const [read, write, other] = responses;
    expect(read.decision).toMatchObject({ allowed: true, rule: 'secret/data/aud/*', policies: ['audited'] });
    expect(read.auth?.policy_results).toEqual({ allowed: true, granting_policies: [{ name: 'audited', type: 'acl' }] });
    expect(read.status).toBe(200);
    expect(write.decision).toMatchObject({ allowed: false, rule: 'secret/data/aud/*', capabilities: ['read'] });
    expect(write.request.operation).toBe('update');
    expect(write.status).toBe(403);
    expect(other.decision).toMatchObject({ allowed: false, rule: null });
    expect(events.filter((e) => e.type === 'request')).toHaveLength(3);
    const text = JSON.stringify(events);
    expect(text).not.toContain('plaintext-pw');
    expect(text).not.toContain('another-pw');
    expect(text).not.toContain(t);
    expect((read.response!.data as any).data.password).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });
});
