/** Response wrapping over HTTP: X-Vault-Wrap-TTL on any response and sys/wrapping/*. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, type Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault } from '../support/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await devEngine({ clock: new Clock({ frozen: true }) });
  await http(engine, 'POST', 'secret/data/app', { body: { data: { password: 'hunter2' } } });
});
afterAll(async () => {
  await engine.stop();
});

const wrapHeader = (ttl: string) => ({ headers: { 'X-Vault-Wrap-TTL': ttl } });

describe('X-Vault-Wrap-TTL', () => {
  it('wraps a KV read: only wrap_info comes back, the payload unwraps once', async () => {
    const r = await http(engine, 'GET', 'secret/data/app', wrapHeader('90s'));
    expect(r.status).toBe(200);
    expect(r.body.data).toBeNull();
    expect(r.body.auth).toBeNull();
    expect(r.body.request_id).toBe('');
    const wi = r.body.wrap_info;
    expect(wi.token).toMatch(/^hvs\./);
    expect(wi.accessor).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(wi.ttl).toBe(90);
    expect(wi.creation_path).toBe('secret/data/app');
    expect(wi.creation_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(wi.wrapped_accessor).toBeUndefined();

    const v = nodeVault(engine, wi.token);
    const un = await v.unwrap();
    expect(un.data.data).toEqual({ password: 'hunter2' });
    expect(un.data.metadata.version).toBe(1);
    expect(un.mount_type).toBe('kv');

    // Vault checks the wrapping token before the client token: a spent one is a 400, not a 403.
    const again = await http(engine, 'POST', 'sys/wrapping/unwrap', { token: wi.token });
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual(['wrapping token is not valid or does not exist']);
  });

  it('accepts seconds and Go durations, rejects negative and garbage with Vault texts', async () => {
    const secs = await http(engine, 'GET', 'secret/data/app', wrapHeader('300'));
    expect(secs.body.wrap_info.ttl).toBe(300);
    const neg = await http(engine, 'GET', 'secret/data/app', wrapHeader('-5s'));
    expect(neg.status).toBe(400);
    expect(neg.body.errors).toEqual(['error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative']);
    const bad = await http(engine, 'GET', 'secret/data/app', wrapHeader('soon'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/^error parsing X-Vault-Wrap-TTL header: /);
  });

  it('a wrapped token create reports wrapped_accessor and the unwrapped auth works', async () => {
    const r = await http(engine, 'POST', 'auth/token/create', {
      body: { policies: ['default'], ttl: '1h' },
      ...wrapHeader('5m'),
    });
    expect(r.status).toBe(200);
    expect(r.body.auth).toBeNull();
    const wi = r.body.wrap_info;
    expect(wi.creation_path).toBe('auth/token/create');
    expect(wi.wrapped_accessor).toMatch(/^[A-Za-z0-9]{24}$/);
    const un = await http(engine, 'POST', 'sys/wrapping/unwrap', { body: { token: wi.token } });
    expect(un.status).toBe(200);
    expect(un.body.auth.accessor).toBe(wi.wrapped_accessor);
    const self = await http(engine, 'GET', 'auth/token/lookup-self', { token: un.body.auth.client_token });
    expect(self.status).toBe(200);
    expect(self.body.data.policies).toEqual(['default']);
  });

  it('does not wrap errors or empty responses', async () => {
    const missing = await http(engine, 'GET', 'secret/data/nothing-here', wrapHeader('60s'));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ errors: [] });
    const write = await http(engine, 'POST', 'sys/policies/acl/x', {
      body: { policy: 'path "a" { capabilities = ["read"] }' },
      ...wrapHeader('60s'),
    });
    expect(write.status).toBe(204);
  });
});

describe('sys/wrapping/*', () => {
  it('wrap needs a wrap TTL', async () => {
    const r = await http(engine, 'POST', 'sys/wrapping/wrap', { body: { a: 'b' } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual(['endpoint requires response wrapping to be used']);
  });

  it('wrap → lookup (unauthenticated, no use spent) → unwrap with another token', async () => {
    const w = await http(engine, 'POST', 'sys/wrapping/wrap', { body: { zip: 'zap', n: 3 }, ...wrapHeader('2m') });
    expect(w.status).toBe(200);
    const wi = w.body.wrap_info;
    expect(wi.creation_path).toBe('sys/wrapping/wrap');
    expect(wi.ttl).toBe(120);

    const look = await http(engine, 'POST', 'sys/wrapping/lookup', { token: null, body: { token: wi.token } });
    expect(look.status).toBe(200);
    expect(look.body.data.creation_path).toBe('sys/wrapping/wrap');
    expect(look.body.data.creation_ttl).toBe(120);
    expect(look.body.data.creation_time).toBe(wi.creation_time);

    const self = await http(engine, 'GET', 'auth/token/lookup-self', { token: wi.token });
    expect(self.status).toBe(403); // response-wrapping policy grants nothing there; the use is spent

    const un = await http(engine, 'POST', 'sys/wrapping/unwrap', { body: { token: wi.token } });
    expect(un.status).toBe(400);
    expect(un.body.errors).toEqual(['wrapping token is not valid or does not exist']);
  });

  it('unwrap via the body with a normal token returns the data; a second time is 400', async () => {
    const w = await http(engine, 'POST', 'sys/wrapping/wrap', { body: { k: 'v' }, ...wrapHeader('1m') });
    const token = w.body.wrap_info.token;
    const un = await nodeVault(engine).unwrap({ token });
    expect(un.data).toEqual({ k: 'v' });
    const twice = await http(engine, 'POST', 'sys/wrapping/unwrap', { body: { token } });
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual(['wrapping token is not valid or does not exist']);
    const lookup = await http(engine, 'POST', 'sys/wrapping/lookup', { token: null, body: { token } });
    expect(lookup.status).toBe(400);
  });

  it('giving the wrapping token as header and body burns it', async () => {
    const w = await http(engine, 'POST', 'sys/wrapping/wrap', { body: { k: 'v' }, ...wrapHeader('1m') });
    const token = w.body.wrap_info.token;
    const both = await http(engine, 'POST', 'sys/wrapping/unwrap', { token, body: { token } });
    expect(both.status).toBe(400);
    const after = await http(engine, 'POST', 'sys/wrapping/unwrap', { body: { token } });
    expect(after.status).toBe(400);
  });

  it('the wrapping token can read its cubbyhole/response once (single use)', async () => {
    const w = await http(engine, 'POST', 'sys/wrapping/wrap', { body: { k: 'v' }, ...wrapHeader('1m') });
    const token = w.body.wrap_info.token;
    const c = await http(engine, 'GET', 'cubbyhole/response', { token });
    expect(c.status).toBe(200);
    expect(JSON.parse(c.body.data.response).data).toEqual({ k: 'v' });
    const c2 = await http(engine, 'GET', 'cubbyhole/response', { token });
    expect(c2.status).toBe(403);
  });

  it('rewrap moves the payload to a new token with the same TTL and path', async () => {
    const w = await http(engine, 'POST', 'sys/wrapping/wrap', { body: { k: 'rewrapped' }, ...wrapHeader('10m') });
    const old = w.body.wrap_info;
    const r = await http(engine, 'POST', 'sys/wrapping/rewrap', { body: { token: old.token } });
    expect(r.status).toBe(200);
    expect(r.body.wrap_info.token).not.toBe(old.token);
    expect(r.body.wrap_info.ttl).toBe(600);
    expect(r.body.wrap_info.creation_path).toBe('sys/wrapping/wrap');
    expect((await http(engine, 'POST', 'sys/wrapping/unwrap', { body: { token: old.token } })).status).toBe(400);
    const un = await http(engine, 'POST', 'sys/wrapping/unwrap', { body: { token: r.body.wrap_info.token } });
    expect(un.body.data).toEqual({ k: 'rewrapped' });
  });

  it('the wrapping token expires on the engine clock', async () => {
    const w = await http(engine, 'POST', 'sys/wrapping/wrap', { body: { k: 'v' }, ...wrapHeader('30s') });
    await engine.clock.advance('31s');
    const un = await http(engine, 'POST', 'sys/wrapping/unwrap', { body: { token: w.body.wrap_info.token } });
    expect(un.status).toBe(400);
    expect(un.body.errors).toEqual(['wrapping token is not valid or does not exist']);
  });

  it('the audit log shows the wrap_info HMACed, never the token in clear', async () => {
    const seen: any[] = [];
    const on = (e: any) => seen.push(e);
    engine.events.on('audit', on);
    const w = await http(engine, 'POST', 'sys/wrapping/wrap', { body: { k: 'v' }, ...wrapHeader('1m') });
    engine.events.off('audit', on);
    const resp = seen.find((e) => e.type === 'response' && e.request.path === 'sys/wrapping/wrap');
    expect(resp.response.wrap_info.token).toMatch(/^hmac-sha256:/);
    expect(JSON.stringify(seen)).not.toContain(w.body.wrap_info.token);
  });

  it('min/max_wrapping_ttl in a policy are enforced', async () => {
    await http(engine, 'POST', 'sys/policies/acl/wrapped-only', {
      body: {
        policy:
          'path "secret/data/app" {\n  capabilities = ["read"]\n  min_wrapping_ttl = "1m"\n  max_wrapping_ttl = "10m"\n}\n',
      },
    });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['wrapped-only'] } })).body.auth
      .client_token;
    expect((await http(engine, 'GET', 'secret/data/app', { token: t })).status).toBe(403);
    expect((await http(engine, 'GET', 'secret/data/app', { token: t, ...wrapHeader('30s') })).status).toBe(403);
    expect((await http(engine, 'GET', 'secret/data/app', { token: t, ...wrapHeader('1h') })).status).toBe(403);
    const ok = await http(engine, 'GET', 'secret/data/app', { token: t, ...wrapHeader('5m') });
    expect(ok.status).toBe(200);
    expect(ok.body.wrap_info.ttl).toBe(300);
  });
});
