/**
 * Dynamic PostgreSQL credentials end to end on a real server: the engine creates a
 * real role, the role logs in with exactly the granted privileges, and every way a
 * lease ends (revoke, expiry on the engine clock, engine stop) drops it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import type { PostgresSystem } from '../../labs/providers/postgres/index.js';
import { http, nodeVault } from '../support/engine.js';
import { asUser, engineWithDb, generatedRoles, labPostgres, ok, roleExists } from './support.js';

let pgs: PostgresSystem;
beforeAll(async () => {
  pgs = await labPostgres();
});
afterAll(async () => {
  await pgs?.stop();
});

describe('database/creds against real PostgreSQL', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineWithDb(pgs);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('issues a lease whose user logs in and may only SELECT', async () => {
    const r = await ok(http(engine, 'GET', 'database/creds/readonly'));
    expect(r.body.lease_id).toMatch(/^database\/creds\/readonly\/[A-Za-z0-9]{24}$/);
    expect(r.body.renewable).toBe(true);
    expect(r.body.lease_duration).toBe(3600);
    const { username, password } = r.body.data;
    expect(username).toMatch(/^v-root-readonly-[A-Za-z0-9]{20}-\d{10}$/);
    expect(password).toMatch(/^[A-Za-z0-9-]{20}$/);
    expect(await asUser(pgs, username, password, 'SELECT count(*) FROM products')).toBeNull();
    expect(await asUser(pgs, username, password, "INSERT INTO products (name, price_cents) VALUES ('x', 1)")).toMatch(
      /permission denied for table products/,
    );
    expect(await asUser(pgs, username, password, 'DELETE FROM orders')).toMatch(/permission denied/);
    expect(await asUser(pgs, username, password, 'CREATE TABLE t (x int)')).toMatch(
      /permission denied for schema public/,
    );
    const priv = await pgs.query(
      'SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = $1 ORDER BY table_name, privilege_type',
      [username],
    );
    expect(priv.rows.map((x) => x.privilege_type)).toEqual(['SELECT', 'SELECT']);
    const valid = await pgs.query('SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [username]);
    const until = (valid.rows[0].rolvaliduntil as Date).getTime();
    expect(Math.abs(until - (Date.now() + 3605_000))).toBeLessThan(10_000);
  });

  it('revoke drops the role and the login stops working', async () => {
    const r = await ok(http(engine, 'GET', 'database/creds/readonly'));
    const { username, password } = r.body.data;
    expect(await roleExists(pgs, username)).toBe(true);
    const rev = await http(engine, 'PUT', 'sys/leases/revoke', { body: { lease_id: r.body.lease_id } });
    expect(rev.status).toBe(204);
    expect(await roleExists(pgs, username)).toBe(false);
    expect(await asUser(pgs, username, password, 'SELECT 1')).toMatch(/password authentication failed|does not exist/);
  });

  it("renew is capped at max_ttl with Vault's warning and moves VALID UNTIL", async () => {
    await ok(
      http(engine, 'POST', 'database/roles/short', {
        body: {
          db_name: 'labdb',
          creation_statements: `CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
          default_ttl: '10m',
          max_ttl: '30m',
        },
      }),
    );
    const r = await ok(http(engine, 'GET', 'database/creds/short'));
    const user = r.body.data.username;
    await engine.clock.advance('5m');
    const ren = await ok(
      http(engine, 'PUT', 'sys/leases/renew', { body: { lease_id: r.body.lease_id, increment: 3600 } }),
    );
    expect(ren.body.lease_duration).toBe(1500);
    expect(ren.body.warnings?.[0]).toMatch(
      /TTL of "1h0m0s" exceeded the effective max_ttl of "25m0s"; TTL value is capped accordingly/,
    );
    const until = (
      (await pgs.query('SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [user])).rows[0].rolvaliduntil as Date
    ).getTime();
    expect(Math.abs(until - (engine.clock.nowMs() + 1505_000))).toBeLessThan(5_000);
    await engine.clock.advance('25m');
    expect(await roleExists(pgs, user)).toBe(false);
  });

  it('expiry on the engine clock drops every role within 2 s (p99 over 20 roles)', async () => {
    await ok(
      http(engine, 'POST', 'database/roles/tiny', {
        body: {
          db_name: 'labdb',
          creation_statements: `CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
          default_ttl: '2s',
          max_ttl: '10s',
        },
      }),
    );
    const users: Array<{ name: string; expireAt: number }> = [];
    for (let i = 0; i < 20; i++) {
      const r = await ok(http(engine, 'GET', 'database/creds/tiny'));
      users.push({ name: r.body.data.username, expireAt: engine.clock.nowMs() + 2000 });
    }
    const gone = new Map<string, number>();
    const deadline = Date.now() + 15_000;
    while (gone.size < users.length && Date.now() < deadline) {
      const present = new Set(
        (await pgs.query("SELECT rolname FROM pg_roles WHERE rolname LIKE 'v-root-tiny-%'")).rows.map((x) =>
          String(x.rolname),
        ),
      );
      for (const u of users) if (!gone.has(u.name) && !present.has(u.name)) gone.set(u.name, engine.clock.nowMs());
      await new Promise((r) => setTimeout(r, 50));
    }
    const lags = users.map((u) => (gone.get(u.name) ?? Infinity) - u.expireAt).sort((a, b) => a - b);
    const p99 = lags[Math.ceil(0.99 * lags.length) - 1];
    expect(p99).toBeLessThanOrEqual(2000);
  });

  it('the default revocation also clears grants in other schemas and on single columns', async () => {
    await pgs.query(
      'SET ROLE vaultadmin; CREATE SCHEMA IF NOT EXISTS analytics; CREATE TABLE IF NOT EXISTS analytics.visits (id int, page text); RESET ROLE',
    );
    await ok(
      http(engine, 'POST', 'database/roles/analyst', {
        body: {
          db_name: 'labdb',
          creation_statements: [
            `CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}'`,
            `GRANT USAGE ON SCHEMA analytics TO "{{name}}"`,
            `GRANT SELECT ON analytics.visits TO "{{name}}"`,
            `GRANT UPDATE (page) ON analytics.visits TO "{{name}}"`,
            `GRANT SELECT (name) ON products TO "{{name}}"`,
          ],
        },
      }),
    );
    const r = await ok(http(engine, 'GET', 'database/creds/analyst'));
    const { username, password } = r.body.data;
    expect(await asUser(pgs, username, password, 'SELECT count(*) FROM analytics.visits')).toBeNull();
    await ok(http(engine, 'PUT', 'sys/leases/revoke', { body: { lease_id: r.body.lease_id } }));
    expect(await roleExists(pgs, username)).toBe(false);
  });

  it('revoke -prefix (the panic button) drops every user of a role', async () => {
    const names: string[] = [];
    for (let i = 0; i < 3; i++)
      names.push((await ok(http(engine, 'GET', 'database/creds/readonly'))).body.data.username);
    const r = await http(engine, 'PUT', 'sys/leases/revoke-prefix/database/creds/readonly');
    expect(r.status).toBe(204);
    for (const n of names) expect(await roleExists(pgs, n)).toBe(false);
  });

  it('works for node-vault as a client', async () => {
    const c = nodeVault(engine);
    const r = await c.read('database/creds/readonly');
    expect(await asUser(pgs, r.data.username, r.data.password, 'SELECT 1')).toBeNull();
    await c.write('sys/leases/revoke', { lease_id: r.lease_id });
    expect(await roleExists(pgs, r.data.username)).toBe(false);
  });
});

describe('engine stop', () => {
  it('revokes outstanding database leases so no generated role outlives the engine', async () => {
    const engine = await engineWithDb(pgs);
    for (let i = 0; i < 5; i++) await ok(http(engine, 'GET', 'database/creds/readonly'));
    expect((await generatedRoles(pgs)).length).toBeGreaterThanOrEqual(5);
    await engine.stop();
    expect(await generatedRoles(pgs)).toEqual([]);
  });
});
