/**
 * The injection corpus: generated usernames, static usernames and database names that
 * carry `"`, `'`, `;`, newlines, backslashes and unicode. Each must create, log in and
 * be dropped as exactly itself, and leave `pg_roles` and the lab tables as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { quoteIdent } from '../../engine/secrets/database/statements.js';
import type { PostgresSystem } from '../../labs/providers/postgres/index.js';
import { http } from '../support/engine.js';
import { asUser, engineWithDb, generatedRoles, labPostgres, ok, roleExists } from './support.js';

const CORPUS = [
  `x"; CREATE ROLE evil1 LOGIN SUPERUSER; --`,
  `x'; CREATE ROLE evil2 LOGIN; --`,
  `x\\"; DROP TABLE products; --`,
  `x\\'; CREATE ROLE evil3; --`,
  `line1\nCREATE ROLE evil4;`,
  `ü名前"'; DROP TABLE orders; --`,
  `$$; CREATE ROLE evil5; $$`,
  `a;b;c`,
  `""''`,
];

let pgs: PostgresSystem;
let engine: Engine;
let baseline: string[];
beforeAll(async () => {
  pgs = await labPostgres();
  baseline = (await pgs.query('SELECT rolname FROM pg_roles ORDER BY 1')).rows.map((r) => String(r.rolname));
  engine = await engineWithDb(pgs);
});
afterAll(async () => {
  await engine?.stop();
  await pgs?.stop();
});

async function labIntact() {
  const roles = (await pgs.query('SELECT rolname FROM pg_roles ORDER BY 1')).rows.map((r) => String(r.rolname));
  expect(roles).toEqual(baseline);
  const tables = (await pgs.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map(
    (r) => r.tablename,
  );
  expect(tables).toEqual(['orders', 'products']);
}

describe('injection corpus', () => {
  it.each(CORPUS)('a generated username %j is created, logs in and is dropped as itself', async (payload) => {
    // The literal text of a username_template lands in the username unchanged.
    await ok(
      http(engine, 'POST', 'database/config/labdb', {
        body: { username_template: `v-${payload.replace(/\{\{|\}\}/g, '')}-{{random 4}}`, verify_connection: false },
      }),
    );
    for (const role of ['readonly', 'custom']) {
      if (role === 'custom') {
        await ok(
          http(engine, 'POST', 'database/roles/custom', {
            body: {
              db_name: 'labdb',
              creation_statements: [
                `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`,
                `COMMENT ON ROLE "{{name}}" IS 'for {{name}}'`,
                `GRANT SELECT ON products TO "{{name}}"`,
              ],
              revocation_statements: `REVOKE ALL ON products FROM "{{name}}"; DROP ROLE "{{name}}";`,
            },
          }),
        );
      }
      const r = await ok(http(engine, 'GET', `database/creds/${role}`));
      const { username, password } = r.body.data;
      expect(username.startsWith(`v-${payload}`)).toBe(true);
      expect(await roleExists(pgs, username)).toBe(true);
      expect(await asUser(pgs, username, password, 'SELECT count(*) FROM products')).toBeNull();
      await ok(http(engine, 'PUT', 'sys/leases/revoke', { body: { lease_id: r.body.lease_id } }));
      expect(await roleExists(pgs, username)).toBe(false);
    }
    await labIntact();
  });

  it.each(CORPUS)('a static role for the database user %j rotates only that user', async (payload) => {
    const user = `s-${payload}`;
    // Created by the lab admin, as an application's account would be, so the engine may manage it.
    await pgs.query(`SET ROLE vaultadmin; CREATE ROLE ${quoteIdent(user)} LOGIN; RESET ROLE`);
    try {
      await ok(
        http(engine, 'POST', 'database/static-roles/app', {
          body: { db_name: 'labdb', username: user, rotation_period: '1h' },
        }),
      );
      const c1 = await ok(http(engine, 'GET', 'database/static-creds/app'));
      expect(c1.body.data.username).toBe(user);
      expect(await asUser(pgs, user, c1.body.data.password, 'SELECT 1')).toBeNull();
      await ok(http(engine, 'POST', 'database/rotate-role/app'));
      const c2 = await ok(http(engine, 'GET', 'database/static-creds/app'));
      expect(c2.body.data.password).not.toBe(c1.body.data.password);
      expect(await asUser(pgs, user, c1.body.data.password, 'SELECT 1')).toMatch(/password authentication failed/);
      expect(await asUser(pgs, user, c2.body.data.password, 'SELECT 1')).toBeNull();
    } finally {
      await ok(http(engine, 'DELETE', 'database/static-roles/app'));
      await pgs.query(`DROP ROLE ${quoteIdent(user)}`);
    }
    await labIntact();
  });

  it('a database whose name carries quotes and semicolons is revoked from by its quoted name', async () => {
    const db = `lab"; DROP DATABASE lab; --'`;
    await pgs.query(`CREATE DATABASE ${quoteIdent(db)} OWNER vaultadmin`);
    try {
      await ok(
        http(engine, 'POST', 'database/config/odd', {
          body: {
            plugin_name: 'postgresql-database-plugin',
            allowed_roles: 'oddrole',
            connection_url: `postgresql://{{username}}:{{password}}@${pgs.host}:${pgs.port}/${encodeURIComponent(db)}?sslmode=disable`,
            username: pgs.env.LAB_PG_ADMIN_USER,
            password: pgs.env.LAB_PG_ADMIN_PASSWORD,
          },
        }),
      );
      await ok(
        http(engine, 'POST', 'database/roles/oddrole', {
          body: {
            db_name: 'odd',
            creation_statements: `CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}'; GRANT CONNECT ON DATABASE "${db.replace(/"/g, '""')}" TO "{{name}}";`,
          },
        }),
      );
      const r = await ok(http(engine, 'GET', 'database/creds/oddrole'));
      expect(await roleExists(pgs, r.body.data.username)).toBe(true);
      await ok(http(engine, 'PUT', 'sys/leases/revoke', { body: { lease_id: r.body.lease_id } }));
      expect(await roleExists(pgs, r.body.data.username)).toBe(false);
      expect((await pgs.query("SELECT 1 FROM pg_database WHERE datname = 'lab'")).rowCount).toBe(1);
    } finally {
      await ok(http(engine, 'DELETE', 'database/config/odd'));
      await pgs.query(`DROP DATABASE ${quoteIdent(db)} WITH (FORCE)`);
    }
    await labIntact();
  });

  it("role and config names outside Vault's name pattern never reach a handler", async () => {
    for (const bad of ['x"y', "x'y", 'x;y', 'x y', 'ü']) {
      const r = await http(engine, 'POST', `database/roles/${encodeURIComponent(bad)}`, {
        body: { db_name: 'labdb', creation_statements: 'SELECT 1' },
      });
      expect(r.status).toBe(404);
    }
    expect(await generatedRoles(pgs)).toEqual([]);
  });
});
