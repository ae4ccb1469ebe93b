/** One real PostgreSQL (the lab provider's default way) per test file, and an engine wired to it. */
import pg from 'pg';
import type { Engine } from '../../engine/index.js';
import { startPostgres, type PostgresSystem } from '../../labs/providers/postgres/index.js';
import { devEngine, http } from '../support/engine.js';

export async function labPostgres(): Promise<PostgresSystem> {
  return startPostgres({ workspace: process.cwd(), progress: () => undefined, env: process.env });
}

export const READONLY_SQL = `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`;

/** A dev engine with `database/` mounted and configured against the lab server as the lab admin. */
export async function engineWithDb(
  pgs: PostgresSystem,
  opts: { role?: Record<string, unknown> } = {},
): Promise<Engine> {
  const engine = await devEngine();
  await ok(http(engine, 'POST', 'sys/mounts/database', { body: { type: 'database' } }));
  await ok(
    http(engine, 'POST', 'database/config/labdb', {
      body: {
        plugin_name: 'postgresql-database-plugin',
        allowed_roles: '*',
        connection_url: `postgresql://{{username}}:{{password}}@${pgs.host}:${pgs.port}/${pgs.database}?sslmode=disable`,
        username: pgs.env.LAB_PG_ADMIN_USER,
        password: pgs.env.LAB_PG_ADMIN_PASSWORD,
      },
    }),
  );
  await ok(
    http(engine, 'POST', 'database/roles/readonly', {
      body: {
        db_name: 'labdb',
        creation_statements: READONLY_SQL,
        default_ttl: '1h',
        max_ttl: '24h',
        ...(opts.role ?? {}),
      },
    }),
  );
  return engine;
}

export async function ok<T extends { status: number; body: unknown }>(p: Promise<T>): Promise<T> {
  const r = await p;
  if (r.status >= 400) throw new Error(`request failed ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}

export async function roleExists(pgs: PostgresSystem, name: string): Promise<boolean> {
  return (await pgs.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;
}

/** Generated roles (the engine's `v-` names) still in the cluster. */
export async function generatedRoles(pgs: PostgresSystem): Promise<string[]> {
  return (
    await pgs.query(
      "SELECT rolname FROM pg_roles WHERE rolname LIKE 'v-%' OR rolname NOT IN ('postgres', 'vaultadmin') AND rolname NOT LIKE 'pg\\_%' ORDER BY 1",
    )
  ).rows.map((r) => String(r.rolname));
}

/** Logs in as a generated user and runs one statement; resolves to the error text or null. */
export async function asUser(pgs: PostgresSystem, user: string, password: string, sql: string): Promise<string | null> {
  const c = new pg.Client({ host: pgs.host, port: pgs.port, database: pgs.database, user, password });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query(sql);
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await c.end().catch(() => undefined);
  }
}
