/** The database engine's API surface on a real server: configs, roles, root and static rotation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import type { PostgresSystem } from '../../labs/providers/postgres/index.js';
import { devEngine, http } from '../support/engine.js';
import { asUser, labPostgres, ok, READONLY_SQL } from './support.js';

let pgs: PostgresSystem;
let engine: Engine;
let url: string;
beforeAll(async () => {
  pgs = await labPostgres();
  engine = await devEngine();
  url = `postgresql://{{username}}:{{password}}@${pgs.host}:${pgs.port}/${pgs.database}?sslmode=disable`;
  await ok(http(engine, 'POST', 'sys/mounts/database', { body: { type: 'database' } }));
});
afterAll(async () => {
  await engine?.stop();
  await pgs?.stop();
});

const admin = () => ({ username: pgs.env.LAB_PG_ADMIN_USER, password: pgs.env.LAB_PG_ADMIN_PASSWORD });

describe('config/<name>', () => {
  it("rejects a wrong admin password when verifying, with the driver's reason", async () => {
    const r = await http(engine, 'POST', 'database/config/bad', {
      body: {
        plugin_name: 'postgresql-database-plugin',
        connection_url: url,
        username: 'vaultadmin',
        password: 'wrong',
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatch(
      /^error creating database object: .*password authentication failed for user "vaultadmin"/,
    );
    const skipped = await http(engine, 'POST', 'database/config/bad', {
      body: {
        plugin_name: 'postgresql-database-plugin',
        connection_url: url,
        username: 'vaultadmin',
        password: 'wrong',
        verify_connection: false,
      },
    });
    expect(skipped.status).toBe(204);
  });

  it('needs a plugin it knows', async () => {
    expect((await http(engine, 'POST', 'database/config/x', { body: { connection_url: url } })).body.errors).toEqual([
      'empty plugin name',
    ]);
    expect(
      (
        await http(engine, 'POST', 'database/config/x', {
          body: { plugin_name: 'mysql-database-plugin', connection_url: url },
        })
      ).status,
    ).toBe(400);
  });

  it('stores the connection and never returns the password', async () => {
    await ok(
      http(engine, 'POST', 'database/config/labdb', {
        body: { plugin_name: 'postgresql-database-plugin', connection_url: url, ...admin() },
      }),
    );
    const r = await ok(http(engine, 'GET', 'database/config/labdb'));
    expect(r.body.data).toMatchObject({
      allowed_roles: [],
      plugin_name: 'postgresql-database-plugin',
      plugin_version: '',
      verify_connection: true,
      password_policy: '',
      connection_details: { connection_url: url, username: 'vaultadmin', max_open_connections: 4 },
    });
    expect(JSON.stringify(r.body)).not.toContain(pgs.env.LAB_PG_ADMIN_PASSWORD);
    const list = await ok(http(engine, 'LIST', 'database/config'));
    expect(list.body.data.keys).toContain('labdb');
  });

  it('warns about a literal password in connection_url and redacts it on read', async () => {
    const literal = `postgresql://vaultadmin:${encodeURIComponent(pgs.env.LAB_PG_ADMIN_PASSWORD)}@${pgs.host}:${pgs.port}/lab?sslmode=disable`;
    const r = await ok(
      http(engine, 'POST', 'database/config/literal', {
        body: { plugin_name: 'postgresql-database-plugin', connection_url: literal },
      }),
    );
    expect(r.status).toBe(200);
    expect(r.body.warnings).toEqual([
      'Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.',
    ]);
    const read = await ok(http(engine, 'GET', 'database/config/literal'));
    expect(read.body.data.connection_details.connection_url).toContain('*****');
    expect(JSON.stringify(read.body)).not.toContain(pgs.env.LAB_PG_ADMIN_PASSWORD);
    const rot = await http(engine, 'POST', 'database/rotate-root/literal');
    expect(rot.status).toBe(400);
  });

  it('also takes a keyword/value connection string', async () => {
    const dsn = `host=${pgs.host} port=${pgs.port} dbname=lab user={{username}} password={{password}} sslmode=disable`;
    await ok(
      http(engine, 'POST', 'database/config/dsn', {
        body: { plugin_name: 'postgresql-database-plugin', connection_url: dsn, ...admin() },
      }),
    );
    expect((await http(engine, 'POST', 'database/reset/dsn')).status).toBe(204);
    await ok(http(engine, 'DELETE', 'database/config/dsn'));
  });
});

describe('roles and creds', () => {
  it('allowed_roles defaults to none: creds fail with a 500', async () => {
    await ok(
      http(engine, 'POST', 'database/roles/readonly', {
        body: { db_name: 'labdb', creation_statements: READONLY_SQL, default_ttl: '1h', max_ttl: '24h' },
      }),
    );
    const r = await http(engine, 'GET', 'database/creds/readonly');
    expect(r.status).toBe(500);
    expect(r.body.errors).toEqual(['"readonly" is not an allowed role']);
    await ok(http(engine, 'POST', 'database/config/labdb', { body: { allowed_roles: 'read*' } }));
    expect((await http(engine, 'GET', 'database/creds/readonly')).status).toBe(200);
  });

  it('reads a role back with TTLs in seconds and empty statement lists', async () => {
    const r = await ok(http(engine, 'GET', 'database/roles/readonly'));
    expect(r.body.data).toMatchObject({
      db_name: 'labdb',
      default_ttl: 3600,
      max_ttl: 86400,
      credential_type: 'password',
      revocation_statements: [],
      rollback_statements: [],
      renew_statements: [],
    });
    expect(r.body.data.creation_statements).toEqual([READONLY_SQL]);
    expect((await ok(http(engine, 'LIST', 'database/roles'))).body.data.keys).toEqual(['readonly']);
  });

  it('accepts statements as a JSON array and as base64', async () => {
    const stmts = [`CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}'`, `GRANT SELECT ON orders TO "{{name}}"`];
    await ok(
      http(engine, 'POST', 'database/roles/b64', {
        body: { db_name: 'labdb', creation_statements: Buffer.from(JSON.stringify(stmts)).toString('base64') },
      }),
    );
    expect((await ok(http(engine, 'GET', 'database/roles/b64'))).body.data.creation_statements).toEqual(stmts);
  });

  it('explains bad roles', async () => {
    expect((await http(engine, 'GET', 'database/creds/nope')).body.errors).toEqual(['unknown role: nope']);
    expect(
      (await http(engine, 'POST', 'database/roles/x', { body: { creation_statements: 'SELECT 1' } })).body.errors,
    ).toEqual(['database name is required']);
    const bad = await http(engine, 'POST', 'database/roles/broken', {
      body: { db_name: 'labdb', creation_statements: 'CREATE ROLE "{{name}}" WITH NONSENSE' },
    });
    expect(bad.status).toBe(204);
    await ok(http(engine, 'POST', 'database/config/labdb', { body: { allowed_roles: '*' } }));
    const r = await http(engine, 'GET', 'database/creds/broken');
    expect(r.status).toBe(500);
    expect(r.body.errors[0]).toMatch(/^failed to create user: unrecognized role option "nonsense"/);
  });

  it('a custom username_template shapes the names', async () => {
    await ok(
      http(engine, 'POST', 'database/config/labdb', {
        body: { username_template: '{{ printf "app_%s_%s" (.RoleName | uppercase) (random 6) | lowercase }}' },
      }),
    );
    const r = await ok(http(engine, 'GET', 'database/creds/readonly'));
    expect(r.body.data.username).toMatch(/^app_readonly_[a-z0-9]{6}$/);
    await ok(http(engine, 'POST', 'database/config/labdb', { body: { username_template: '' } }));
    const bad = await http(engine, 'POST', 'database/config/labdb', { body: { username_template: '{{ nosuch 3 }}' } });
    expect(bad.body.errors[0]).toMatch(/invalid username template: function "nosuch" not defined/);
  });
});

describe('static roles', () => {
  it('rotates at once, on rotate-role, and when the engine clock passes rotation_period', async () => {
    await pgs.query('SET ROLE vaultadmin; CREATE ROLE app_static LOGIN; RESET ROLE');
    await ok(
      http(engine, 'POST', 'database/static-roles/app', {
        body: { db_name: 'labdb', username: 'app_static', rotation_period: '1h' },
      }),
    );
    const c1 = (await ok(http(engine, 'GET', 'database/static-creds/app'))).body.data;
    expect(c1).toMatchObject({ username: 'app_static', rotation_period: 3600 });
    expect(c1.ttl).toBeGreaterThan(3590);
    expect(await asUser(pgs, 'app_static', c1.password, 'SELECT 1')).toBeNull();
    await ok(http(engine, 'POST', 'database/rotate-role/app'));
    const c2 = (await ok(http(engine, 'GET', 'database/static-creds/app'))).body.data;
    expect(c2.password).not.toBe(c1.password);
    await engine.clock.advance('61m');
    const c3 = (await ok(http(engine, 'GET', 'database/static-creds/app'))).body.data;
    expect(c3.password).not.toBe(c2.password);
    expect(await asUser(pgs, 'app_static', c3.password, 'SELECT 1')).toBeNull();
    expect((await http(engine, 'POST', 'database/rotate-role/none')).body.errors).toEqual([
      'no static role found for role name',
    ]);
    expect(
      (
        await http(engine, 'POST', 'database/roles/app', {
          body: { db_name: 'labdb', creation_statements: 'SELECT 1' },
        })
      ).body.errors,
    ).toEqual(['Role and Static Role names must be unique']);
    expect(
      (
        await http(engine, 'POST', 'database/static-roles/fast', {
          body: { db_name: 'labdb', username: 'app_static', rotation_period: '2s' },
        })
      ).body.errors,
    ).toEqual(['rotation_period must be 5 seconds or more']);
  });
});

describe('rotate-root', () => {
  it('changes the admin password so that only the engine knows it', async () => {
    const before = pgs.env.LAB_PG_ADMIN_PASSWORD;
    expect(await pgs.tryLogin('vaultadmin', before)).toBeNull();
    const r = await http(engine, 'POST', 'database/rotate-root/labdb');
    expect(r.status).toBe(204);
    expect(await pgs.tryLogin('vaultadmin', before)).toMatch(/password authentication failed/);
    const creds = await ok(http(engine, 'GET', 'database/creds/readonly'));
    expect(await asUser(pgs, creds.body.data.username, creds.body.data.password, 'SELECT 1')).toBeNull();
    const cfg = (await ok(http(engine, 'GET', 'database/config/labdb'))).body.data;
    expect(Object.keys(cfg)).not.toContain('password');
    expect(Object.keys(cfg.connection_details)).not.toContain('password');
  });
});
