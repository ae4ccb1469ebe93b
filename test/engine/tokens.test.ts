/** The auth/token/ surface over HTTP: create rules, lookup, renew, revoke, roles, batch, num_uses, expiry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, type Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault } from '../support/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await devEngine({ clock: new Clock({ frozen: true }) });
  await http(engine, 'PUT', 'sys/policies/acl/dev', {
    body: {
      policy:
        'path "secret/data/dev/*" { capabilities = ["read", "create", "update"] }\npath "auth/token/create" { capabilities = ["update"] }\npath "auth/token/create/*" { capabilities = ["update"] }',
    },
  });
  await http(engine, 'PUT', 'sys/policies/acl/ops', {
    body: { policy: 'path "secret/data/ops/*" { capabilities = ["read"] }' },
  });
  await http(engine, 'POST', 'secret/data/dev/app', { body: { data: { k: 'v' } } });
});
afterAll(async () => {
  await engine.stop();
});

const create = async (body: Record<string, unknown>, token = engine.rootToken, path = 'auth/token/create') =>
  http(engine, 'POST', path, { token, body });

describe('token create', () => {
  it('returns a Vault auth block with hvs. id and 24-char accessor', async () => {
    const r = await create({ policies: ['dev'], ttl: '1h', display_name: 'ci job!', meta: { team: 'a' } });
    expect(r.status).toBe(200);
    const a = r.body.auth;
    expect(a.client_token).toMatch(/^hvs\.[A-Za-z0-9]{20,}$/);
    expect(a.accessor).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(a.policies).toEqual(['default', 'dev']);
    expect(a.token_policies).toEqual(['default', 'dev']);
    expect(a.lease_duration).toBe(3600);
    expect(a.renewable).toBe(true);
    expect(a.token_type).toBe('service');
    expect(a.orphan).toBe(false);
    expect(a.metadata).toEqual({ team: 'a' });
    expect(r.body.data).toBeNull();
    const look = await http(engine, 'GET', 'auth/token/lookup-self', { token: a.client_token });
    expect(look.body.data.display_name).toBe('token-ci-job');
    expect(look.body.data.meta).toEqual({ team: 'a' });
    expect(look.body.data.path).toBe('auth/token/create');
    expect(look.body.data.ttl).toBe(3600);
    expect(look.body.data.creation_ttl).toBe(3600);
    expect(look.body.data.issue_time).toMatch(/Z$/);
  });

  it('root without policies mints a non-expiring root token; with policies the default TTL is 768h', async () => {
    const eternal = await create({});
    expect(eternal.body.auth.policies).toEqual(['root']);
    expect(eternal.body.auth.lease_duration).toBe(0);
    expect(eternal.body.auth.renewable).toBe(false);
    const look = await http(engine, 'GET', 'auth/token/lookup-self', { token: eternal.body.auth.client_token });
    expect(look.body.data.issue_time).toBeUndefined();
    expect(look.body.data.expire_time).toBeNull();
    const normal = await create({ policies: ['ops'] });
    expect(normal.body.auth.lease_duration).toBe(768 * 3600);
  });

  it("a ttl above the max is capped with Vault's warning", async () => {
    const r = await create({ policies: ['ops'], ttl: '1000h' });
    expect(r.body.auth.lease_duration).toBe(768 * 3600);
    expect(r.body.warnings).toContain(
      'TTL of "1000h0m0s" exceeded the effective max_ttl of "768h0m0s"; TTL value is capped accordingly',
    );
    const e = await create({ policies: ['ops'], ttl: '2h', explicit_max_ttl: '1h' });
    expect(e.body.auth.lease_duration).toBe(3600);
  });

  it('non-root callers may only grant a subset of their policies and cannot make orphans, periodic tokens or ids', async () => {
    const dev = (await create({ policies: ['dev'] })).body.auth.client_token;
    const sup = await create({ policies: ['ops'] }, dev);
    expect(sup.status).toBe(400);
    expect(sup.body.errors).toEqual(['child policies must be subset of parent']);
    expect((await create({ policies: ['dev', 'default'] }, dev)).status).toBe(200);
    expect((await create({ no_parent: true }, dev)).body.errors).toEqual([
      'root or sudo privileges required to create orphan token',
    ]);
    expect((await create({ period: '1h' }, dev)).body.errors).toEqual([
      'root or sudo privileges required to create periodic token',
    ]);
    expect((await create({ id: 'custom' }, dev)).body.errors).toEqual([
      'root or sudo privileges required to specify token id',
    ]);
    expect((await create({ num_uses: -1 })).body.errors).toEqual(['number of uses cannot be negative']);
  });

  it('no variant spelling of root attaches root', async () => {
    const dev = (await create({ policies: ['dev'] })).body.auth.client_token;
    for (const name of ['Root', ' root', 'ROOT ', 'root']) {
      const r = await create({ policies: [name] }, dev);
      expect(r.status, JSON.stringify(name)).toBe(400);
    }
    // Even root asking for "ROOT" gets the normalised name, not a lookalike.
    const r = await create({ policies: ['ROOT'] });
    expect(r.body.auth.policies).toEqual(['root']);
    // Policies named like root cannot be written either.
    expect(
      (
        await http(engine, 'PUT', 'sys/policies/acl/Root', {
          body: { policy: 'path "*" { capabilities = ["sudo","read"] }' },
        })
      ).body.errors,
    ).toEqual(['cannot update "root" policy']);
    expect((await create({ policies: ['response-wrapping'] })).body.errors).toEqual([
      'cannot assign policy "response-wrapping"',
    ]);
  });

  it('an auth method cannot mint a root token, whatever the spelling', async () => {
    await http(engine, 'POST', 'sys/auth/up', { body: { type: 'userpass' } });
    for (const [i, p] of ['Root', ' root ', 'ROOT'].entries()) {
      await http(engine, 'POST', `auth/up/users/u${i}`, { body: { password: 'pw', token_policies: p } });
      const r = await http(engine, 'POST', `auth/up/login/u${i}`, { token: null, body: { password: 'pw' } });
      expect(r.status, p).toBe(400);
      expect(r.body.errors).toEqual(['auth methods cannot create root tokens']);
    }
  });

  it('unknown policies are accepted with a warning', async () => {
    const r = await create({ policies: ['web'] });
    expect(r.status).toBe(200);
    expect(r.body.warnings).toContain('Policy "web" does not exist');
  });

  it('orphans: create-orphan and no_parent; children die with their parent, orphans do not', async () => {
    const parent = (await create({ policies: ['dev'] })).body.auth.client_token;
    const child = (await create({ policies: ['dev'] }, parent)).body.auth;
    const orphan = (await create({ policies: ['dev'] }, engine.rootToken, 'auth/token/create-orphan')).body.auth;
    expect(orphan.orphan).toBe(true);
    const np = (await create({ policies: ['dev'], no_parent: true })).body.auth;
    expect(np.orphan).toBe(true);
    expect((await http(engine, 'POST', 'auth/token/revoke', { body: { token: parent } })).status).toBe(204);
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: child.client_token })).status).toBe(403);
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: orphan.client_token })).status).toBe(200);
  });

  it('revoke-orphan (sudo) keeps the children as orphans', async () => {
    const parent = (await create({ policies: ['dev'] })).body.auth.client_token;
    const child = (await create({ policies: ['dev'] }, parent)).body.auth.client_token;
    const noSudo = await http(engine, 'POST', 'auth/token/revoke-orphan', { token: parent, body: { token: parent } });
    expect(noSudo.status).toBe(403);
    expect((await http(engine, 'POST', 'auth/token/revoke-orphan', { body: { token: parent } })).status).toBe(204);
    const look = await http(engine, 'GET', 'auth/token/lookup-self', { token: child });
    expect(look.status).toBe(200);
    expect(look.body.data.orphan).toBe(true);
    expect(
      (await http(engine, 'POST', 'auth/token/revoke-orphan', { body: { token: 'hvs.gone' } })).body.errors,
    ).toEqual(['token to revoke not found']);
  });
});

describe('lookup and accessors', () => {
  it('lookup by token (403 bad token), by accessor (id empty; 400 invalid accessor)', async () => {
    const a = (await create({ policies: ['ops'] })).body.auth;
    const v = nodeVault(engine);
    const byToken = await v.tokenLookup({ token: a.client_token });
    expect(byToken.data.id).toBe(a.client_token);
    const byAcc = await v.tokenLookupAccessor({ accessor: a.accessor });
    expect(byAcc.data.id).toBe('');
    expect(byAcc.data.policies).toEqual(['default', 'ops']);
    const bad = await http(engine, 'POST', 'auth/token/lookup', { body: { token: 'hvs.unknown' } });
    expect(bad.status).toBe(403);
    expect(bad.body.errors).toEqual(['bad token']);
    expect((await http(engine, 'POST', 'auth/token/lookup', { body: {} })).body.errors).toEqual(['missing token ID']);
    const badAcc = await http(engine, 'POST', 'auth/token/lookup-accessor', { body: { accessor: 'nope' } });
    expect(badAcc.status).toBe(400);
    expect(badAcc.body.errors).toEqual(['invalid accessor']);
  });

  it('LIST auth/token/accessors needs sudo; revoke-accessor revokes, unknown accessor is a warning', async () => {
    const a = (await create({ policies: ['ops'] })).body.auth;
    const list = await http(engine, 'GET', 'auth/token/accessors?list=true');
    expect(list.body.data.keys).toContain(a.accessor);
    expect((await http(engine, 'GET', 'auth/token/accessors?list=true', { token: a.client_token })).status).toBe(403);
    expect((await http(engine, 'POST', 'auth/token/revoke-accessor', { body: { accessor: a.accessor } })).status).toBe(
      204,
    );
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: a.client_token })).status).toBe(403);
    const unknown = await http(engine, 'POST', 'auth/token/revoke-accessor', { body: { accessor: a.accessor } });
    expect(unknown.status).toBe(200);
    expect(unknown.body.warnings).toEqual(['No token found with this accessor']);
  });

  it('revoking an unknown token is a silent 204; revoke-self ends the caller', async () => {
    expect((await http(engine, 'POST', 'auth/token/revoke', { body: { token: 'hvs.whatever' } })).status).toBe(204);
    const t = (await create({ policies: ['ops'] })).body.auth.client_token;
    expect((await http(engine, 'POST', 'auth/token/revoke-self', { token: t })).status).toBe(204);
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: t })).status).toBe(403);
  });
});

describe('renew', () => {
  it('renew-self restarts from now with the increment, capped by explicit_max_ttl with a warning', async () => {
    const t = (await create({ policies: ['ops'], ttl: '30m', explicit_max_ttl: '1h' })).body.auth.client_token;
    await engine.clock.advance('20m');
    const r = await http(engine, 'POST', 'auth/token/renew-self', { token: t, body: { increment: '30m' } });
    expect(r.status).toBe(200);
    expect(r.body.auth.lease_duration).toBe(1800);
    await engine.clock.advance('25m');
    const capped = await http(engine, 'POST', 'auth/token/renew-self', { token: t, body: { increment: '1h' } });
    expect(capped.body.auth.lease_duration).toBe(15 * 60);
    expect(capped.body.warnings[0]).toMatch(/exceeded the effective max_ttl/);
    await engine.clock.advance('16m');
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: t })).status).toBe(403);
  });

  it("renew without increment uses the token's own TTL; renew by token and by accessor", async () => {
    const a = (await create({ policies: ['ops'], ttl: '10m' })).body.auth;
    await engine.clock.advance('5m');
    const r = await http(engine, 'POST', 'auth/token/renew', { body: { token: a.client_token } });
    expect(r.body.auth.lease_duration).toBe(600);
    const byAcc = await http(engine, 'POST', 'auth/token/renew-accessor', {
      body: { accessor: a.accessor, increment: 120 },
    });
    expect(byAcc.body.auth.lease_duration).toBe(120);
    expect(byAcc.body.auth.client_token).toBe('');
    expect((await http(engine, 'POST', 'auth/token/renew', { body: { token: 'hvs.none' } })).body.errors).toEqual([
      'token not found',
    ]);
  });

  it('non-renewable and non-expiring tokens refuse renewal', async () => {
    const nr = (await create({ policies: ['ops'], renewable: false })).body.auth.client_token;
    expect((await http(engine, 'POST', 'auth/token/renew-self', { token: nr })).body.errors).toEqual([
      'lease is not renewable',
    ]);
    const eternal = (await create({})).body.auth.client_token;
    expect((await http(engine, 'POST', 'auth/token/renew-self', { token: eternal })).body.errors).toEqual([
      'invalid lease ID',
    ]);
  });

  it('periodic tokens renew to their period indefinitely', async () => {
    const t = (await create({ policies: ['ops'], period: '1h' })).body.auth;
    expect(t.lease_duration).toBe(3600);
    for (let i = 0; i < 3; i++) {
      await engine.clock.advance('50m');
      const r = await http(engine, 'POST', 'auth/token/renew-self', {
        token: t.client_token,
        body: { increment: '5h' },
      });
      expect(r.body.auth.lease_duration).toBe(3600);
    }
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: t.client_token })).body.data.period).toBe(
      3600,
    );
  });
});

describe('expiry and num_uses', () => {
  it('a token expires on the engine clock, with its children', async () => {
    const p = (await create({ policies: ['dev'], ttl: '10m' })).body.auth.client_token;
    const c = (await create({ policies: ['dev'], ttl: '1h' }, p)).body.auth.client_token;
    await engine.clock.advance('11m');
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: p })).status).toBe(403);
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: c })).status).toBe(403);
  });

  it('num_uses counts every authenticated request, denied ones included, then the token is gone', async () => {
    const t = (await create({ policies: ['dev'], num_uses: 3 })).body.auth.client_token;
    expect((await http(engine, 'GET', 'secret/data/dev/app', { token: t })).status).toBe(200);
    expect((await http(engine, 'GET', 'secret/data/ops/x', { token: t })).status).toBe(403); // denied, still a use
    const last = await http(engine, 'GET', 'secret/data/dev/app', { token: t });
    expect(last.status).toBe(200); // the last use succeeds
    expect((await http(engine, 'GET', 'secret/data/dev/app', { token: t })).status).toBe(403);
  });

  it('a single-use token spent on a denied request is gone', async () => {
    const t = (await create({ policies: ['dev'], num_uses: 1 })).body.auth.client_token;
    expect((await http(engine, 'GET', 'secret/data/ops/x', { token: t })).status).toBe(403);
    expect((await http(engine, 'GET', 'secret/data/dev/app', { token: t })).status).toBe(403);
  });

  it('limited-use tokens cannot create children', async () => {
    const t = (await create({ policies: ['dev'], num_uses: 5 })).body.auth.client_token;
    expect((await create({ policies: ['dev'] }, t)).body.errors).toEqual([
      'restricted use token cannot generate child tokens',
    ]);
  });
});

describe('batch tokens', () => {
  it('hvb. tokens work for requests but cannot be renewed, revoked or create tokens', async () => {
    const b = (await create({ policies: ['dev'], type: 'batch', ttl: '20m' })).body.auth;
    expect(b.client_token).toMatch(/^hvb\./);
    expect(b.accessor).toBe('');
    expect(b.token_type).toBe('batch');
    expect((await http(engine, 'GET', 'secret/data/dev/app', { token: b.client_token })).status).toBe(200);
    expect((await http(engine, 'POST', 'auth/token/renew-self', { token: b.client_token })).body.errors).toEqual([
      'batch tokens cannot be renewed',
    ]);
    expect((await http(engine, 'POST', 'auth/token/revoke', { body: { token: b.client_token } })).body.errors).toEqual([
      'batch tokens cannot be revoked',
    ]);
    expect((await create({ policies: ['dev'] }, b.client_token)).body.errors).toEqual([
      'batch tokens cannot create more tokens',
    ]);
    await engine.clock.advance('21m');
    expect((await http(engine, 'GET', 'secret/data/dev/app', { token: b.client_token })).status).toBe(403);
  });
});

describe('batch tokens: what Vault refuses them (issue 18, lab 15)', () => {
  it('a batch token is never renewable, has no cubbyhole, and cannot be root, periodic, use-limited or max-capped', async () => {
    const b = (await create({ policies: ['dev'], type: 'batch', ttl: '20m' })).body.auth;
    expect(b.renewable).toBe(false);
    const look = await http(engine, 'GET', 'auth/token/lookup-self', { token: b.client_token });
    expect(look.body.data.renewable).toBe(false);
    for (const method of ['PUT', 'GET'] as const) {
      const body = method === 'PUT' ? { a: '1' } : undefined;
      const r = await http(engine, method, 'cubbyhole/note', { token: b.client_token, body });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual(['cubbyhole operations are only supported by "service" type tokens']);
    }
    for (const [field, value] of [
      ['period', '1h'],
      ['num_uses', 2],
      ['explicit_max_ttl', '2h'],
    ] as const) {
      const r = await create({ policies: ['dev'], type: 'batch', [field]: value });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([`batch tokens cannot have "${field}" set`]);
    }
    const root = await create({ type: 'batch' });
    expect(root.status).toBe(400);
    expect(root.body.errors).toEqual(['batch tokens cannot be root tokens']);
    // A service token keeps its cubbyhole.
    const s = (await create({ policies: ['dev'], ttl: '20m' })).body.auth.client_token;
    expect((await http(engine, 'PUT', 'cubbyhole/note', { token: s, body: { a: '1' } })).status).toBe(204);
  });
});

describe('token roles', () => {
  it('CRUD, create from a role within its allowed policies, disallowed ones refused', async () => {
    expect(
      (
        await http(engine, 'POST', 'auth/token/roles/ci', {
          body: {
            allowed_policies: 'dev,ops',
            disallowed_policies: 'admin',
            orphan: true,
            token_ttl: '15m',
            path_suffix: 'build',
          },
        })
      ).status,
    ).toBe(204);
    const read = await http(engine, 'GET', 'auth/token/roles/ci');
    expect(read.body.data.allowed_policies).toEqual(['dev', 'ops']);
    expect(read.body.data.orphan).toBe(true);
    expect(read.body.data.token_type).toBe('default-service');
    const list = await http(engine, 'GET', 'auth/token/roles?list=true');
    expect(list.body.data.keys).toEqual(['ci']);

    const t = await create({ policies: ['ops'] }, engine.rootToken, 'auth/token/create/ci');
    expect(t.status).toBe(200);
    expect(t.body.auth.policies).toEqual(['default', 'ops']);
    expect(t.body.auth.orphan).toBe(true);
    expect(t.body.auth.lease_duration).toBe(900);
    const look = await http(engine, 'GET', 'auth/token/lookup-self', { token: t.body.auth.client_token });
    expect(look.body.data.path).toBe('auth/token/create/ci/build');
    expect(look.body.data.role).toBe('ci');

    const defaults = await create({}, engine.rootToken, 'auth/token/create/ci');
    expect(defaults.body.auth.policies).toEqual(['default', 'dev', 'ops']);
    const bad = await create({ policies: ['admin'] }, engine.rootToken, 'auth/token/create/ci');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/must be subset of the role's allowed policies/);
    expect((await create({}, engine.rootToken, 'auth/token/create/none')).body.errors).toEqual(['unknown role none']);
    expect((await http(engine, 'DELETE', 'auth/token/roles/ci')).status).toBe(204);
    expect((await http(engine, 'GET', 'auth/token/roles/ci')).status).toBe(404);
  });

  it('a role without allowed policies cannot hand out more than the caller has', async () => {
    await http(engine, 'POST', 'auth/token/roles/open', { body: {} });
    const dev = (await create({ policies: ['dev'] })).body.auth.client_token;
    const r = await create({ policies: ['ops'] }, dev, 'auth/token/create/open');
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatch(/must be subset of parent token's policies/);
    expect((await create({ policies: ['dev'] }, dev, 'auth/token/create/open')).status).toBe(200);
  });
});
