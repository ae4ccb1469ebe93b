/**
 * The `postgresql-database-plugin`: a connection pool per configured database and the
 * SQL for creating, renewing, revoking and rotating users. Every statement runs with
 * its placeholders filled context-aware (see statements.ts); the default revocation
 * quotes every identifier it builds.
 */
import pg from 'pg';
import { pgExpiration, quoteIdent, renderStatement, statementList } from './statements.js';

export const PLUGIN_NAME = 'postgresql-database-plugin';

export const DEFAULT_RENEW = `ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`;
export const DEFAULT_ROTATE_ROOT = `ALTER ROLE "{{username}}" WITH PASSWORD '{{password}}';`;
export const DEFAULT_STATIC_ROTATION = `ALTER ROLE "{{name}}" WITH PASSWORD '{{password}}';`;

/** What a `config/<name>` holds (stored; the password never leaves the engine). */
export interface DbConfig {
  plugin_name: string;
  connection_url: string;
  username: string;
  password: string;
  allowed_roles: string[];
  verify_connection: boolean;
  max_open_connections: number;
  max_idle_connections: number;
  max_connection_lifetime: number;
  password_policy: string;
  username_template: string;
  root_rotation_statements: string[];
  password_authentication: string;
  disable_escaping: boolean;
}

/** libpq keyword/value DSN (`host=… port=… user=…`) → pg client settings. */
function parseDsn(dsn: string): pg.ClientConfig {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(dsn))) {
    let v = m[2];
    if (v.startsWith("'")) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    out[m[1].toLowerCase()] = v;
    if (re.lastIndex >= dsn.length) break;
  }
  return {
    host: out.host,
    port: out.port ? Number(out.port) : undefined,
    user: out.user,
    password: out.password,
    database: out.dbname,
    ssl: out.sslmode && out.sslmode !== 'disable' ? { rejectUnauthorized: out.sslmode === 'verify-full' } : false,
    connectionTimeoutMillis: out.connect_timeout ? Number(out.connect_timeout) * 1000 : undefined,
  };
}

/** A postgresql:// URL → pg client settings (every part percent-decoded, sslmode honoured). */
function parseUrl(url: string): pg.ClientConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('connection_url is not a valid URL');
  }
  const q = u.searchParams;
  const sslmode = q.get('sslmode') ?? 'disable';
  return {
    host: decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')) || q.get('host') || '127.0.0.1',
    port: u.port ? Number(u.port) : q.get('port') ? Number(q.get('port')) : 5432,
    user: decodeURIComponent(u.username) || q.get('user') || undefined,
    password: decodeURIComponent(u.password) || q.get('password') || undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || q.get('dbname') || undefined,
    ssl: sslmode === 'disable' ? false : { rejectUnauthorized: sslmode === 'verify-full' || sslmode === 'verify-ca' },
    application_name: q.get('application_name') ?? undefined,
    connectionTimeoutMillis: q.get('connect_timeout') ? Number(q.get('connect_timeout')) * 1000 : undefined,
  };
}

/** The client settings of a config, with `{{username}}`/`{{password}}` filled in. */
export function connectionSettings(c: DbConfig): pg.ClientConfig {
  const esc = (s: string) => (c.disable_escaping ? s : encodeURIComponent(s));
  const isUrl = /^postgres(ql)?:\/\//.test(c.connection_url);
  const fill = (s: string, e: (x: string) => string) =>
    s.replace(/\{\{\s*username\s*\}\}/g, e(c.username)).replace(/\{\{\s*password\s*\}\}/g, e(c.password));
  // In a keyword/value DSN each value is filled in as one quoted word, whatever it holds.
  const dsnQuote = (x: string) => `'${x.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const base = isUrl
    ? parseUrl(fill(c.connection_url, esc))
    : parseDsn(fill(c.connection_url.replace(/'(\{\{\s*(?:username|password)\s*\}\})'/g, '$1'), dsnQuote));
  return { ...base, connectionTimeoutMillis: base.connectionTimeoutMillis ?? 5000 };
}

/** The URL as a read shows it: a literal password is redacted. */
export function redactedUrl(url: string): string {
  try {
    if (!/^postgres(ql)?:\/\//.test(url)) return url.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/i, '$1*****');
    const u = new URL(url);
    if (u.password && !/\{\{\s*password\s*\}\}/.test(decodeURIComponent(u.password))) u.password = '*****';
    return u
      .toString()
      .replace(/%7B%7B/gi, '{{')
      .replace(/%7D%7D/gi, '}}');
  } catch {
    return url;
  }
}

/** One configured database: a lazily opened pool. */
export class PostgresConnection {
  private pool: pg.Pool | undefined;
  constructor(private cfg: DbConfig) {}

  private getPool(): pg.Pool {
    if (!this.pool) {
      this.pool = new pg.Pool({
        ...connectionSettings(this.cfg),
        max: Math.max(1, this.cfg.max_open_connections || 4),
        idleTimeoutMillis: this.cfg.max_idle_connections === 0 ? 10_000 : 30_000,
        maxLifetimeSeconds: this.cfg.max_connection_lifetime || 0,
        allowExitOnIdle: true,
      });
      // An idle connection dropped by the server (restart, lab end) is not our crash.
      this.pool.on('error', () => undefined);
    }
    return this.pool;
  }

  /** Opens one connection and runs `SELECT 1`. */
  async verify(): Promise<void> {
    const c = new pg.Client(connectionSettings(this.cfg));
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /**
   * Runs rendered statements as one simple-protocol query: one round trip, and
   * PostgreSQL runs the batch as a single implicit transaction (all or nothing).
   */
  async run(templates: string[], values: Record<string, string>): Promise<void> {
    const stmts = templates.flatMap((t) => statementList(t)).map((s) => renderStatement(s, values));
    if (stmts.length) await this.batch(stmts.join(';\n'));
  }

  /**
   * One batch, retried when PostgreSQL refused it only because another session changed
   * the same catalog rows at once (concurrent GRANTs on one table: "tuple concurrently
   * updated"), or on a deadlock or serialization failure. The batch is atomic, so a retry
   * starts from a clean slate.
   */
  private async batch(sql: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.getPool().query(sql);
        return;
      } catch (e) {
        const err = e as { code?: string; message?: string };
        const transient =
          err.code === '40001' ||
          err.code === '40P01' ||
          (err.code === 'XX000' && /concurrently (updated|deleted)/.test(err.message ?? ''));
        if (!transient || attempt >= 8) throw e;
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 10 * (attempt + 1)));
      }
    }
  }

  /** Creates a dynamic user; on failure runs the rollback statements, then rethrows. */
  async newUser(p: {
    creation: string[];
    rollback: string[];
    username: string;
    password: string;
    expiresAtMs: number;
  }): Promise<void> {
    const values = {
      name: p.username,
      username: p.username,
      password: p.password,
      expiration: pgExpiration(p.expiresAtMs),
    };
    try {
      await this.run(p.creation, values);
    } catch (e) {
      if (p.rollback.length) await this.run(p.rollback, values).catch(() => undefined);
      throw e;
    }
  }

  async renewUser(p: { renew: string[]; username: string; expiresAtMs: number }): Promise<void> {
    await this.run(p.renew.length ? p.renew : [DEFAULT_RENEW], {
      name: p.username,
      username: p.username,
      expiration: pgExpiration(p.expiresAtMs),
    });
  }

  /** Runs the role's revocation statements, or the default clean-up ending in DROP ROLE. */
  async deleteUser(p: { revocation: string[]; username: string }): Promise<void> {
    if (p.revocation.length) {
      await this.run(p.revocation, { name: p.username, username: p.username });
      return;
    }
    const u = quoteIdent(p.username);
    const found = await this.getPool().query(
      // The schemas holding a table or column the user was granted anything on, read from the
      // catalogs directly (information_schema.role_column_grants says the same, many times slower).
      `SELECT current_database() AS db, ARRAY(
         SELECT DISTINCT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE EXISTS (SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantee = r.oid)
             OR EXISTS (SELECT 1 FROM pg_attribute t, aclexplode(t.attacl) a WHERE t.attrelid = c.oid AND a.grantee = r.oid)
       ) AS schemas
       FROM pg_roles r WHERE r.rolname = $1`,
      [p.username],
    );
    if (!found.rowCount) return; // already gone: nothing to do
    const { db, schemas } = found.rows[0] as { db: string; schemas: string[] };
    const stmts: string[] = [];
    for (const schema of schemas) {
      stmts.push(
        `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${quoteIdent(schema)} FROM ${u}`,
        `REVOKE USAGE ON SCHEMA ${quoteIdent(schema)} FROM ${u}`,
      );
    }
    stmts.push(
      `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM ${u}`,
      `REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM ${u}`,
      `REVOKE USAGE ON SCHEMA public FROM ${u}`,
      `REVOKE CONNECT ON DATABASE ${quoteIdent(db)} FROM ${u}`,
      `DROP ROLE IF EXISTS ${u}`,
    );
    await this.batch(stmts.join(';\n'));
  }

  async setPassword(statements: string[], username: string, password: string): Promise<void> {
    await this.run(statements, { name: username, username, password });
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.end().catch(() => undefined);
  }
}

/** A driver error as the learner should read it (never a stack). */
export function dbErrorText(e: unknown): string {
  const err = e as { message?: string; code?: string };
  return err?.message ? String(err.message) : String(e);
}
