/**
 * The database secrets engine (`vault secrets enable database`) with the
 * `postgresql-database-plugin`: connection configs, dynamic roles whose credentials
 * are real PostgreSQL users tied to leases, and static roles whose password the engine
 * rotates on its clock. One file per path family would be Vault's habit; the families
 * here are small, so this file assembles them and the SQL lives in postgres.ts.
 */
import type { Backend, BackendContext, BackendRequest, FieldSchema, PathDef } from '../../framework/backend.js';
import type { FieldData } from '../../framework/fields.js';
import { notFound, userError, VaultError } from '../../sdk/errors.js';
import { rfc3339Nano } from '../../sdk/ids.js';
import {
  connectionSettings,
  type DbConfig,
  dbErrorText,
  DEFAULT_ROTATE_ROOT,
  DEFAULT_STATIC_ROTATION,
  PLUGIN_NAME,
  PostgresConnection,
  redactedUrl,
} from './postgres.js';
import { parseStatementsField } from './statements.js';
import { DEFAULT_PG_USERNAME_TEMPLATE, defaultPassword, renderUsername, validateUsernameTemplate } from './username.js';

const NAME = String.raw`\w(?:[\w.-]*\w)?`;

interface RoleEntry {
  db_name: string;
  creation_statements: string[];
  revocation_statements: string[];
  rollback_statements: string[];
  renew_statements: string[];
  default_ttl: number;
  max_ttl: number;
}

interface StaticRoleEntry {
  db_name: string;
  username: string;
  rotation_period: number;
  rotation_statements: string[];
  password: string;
  last_vault_rotation: number; // ms on the engine clock
}

const serverError = (msg: string) => new VaultError(500, msg);

/** Vault's allowed_roles test: exact names, `*`, or globs with `*` anywhere. */
export function roleAllowed(allowed: string[], role: string): boolean {
  return allowed.some((p) => {
    if (p === '*' || p === role) return true;
    if (!p.includes('*')) return false;
    const re = new RegExp(
      `^${p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      's',
    );
    return re.test(role);
  });
}

export function databaseBackend(ctx: BackendContext): Backend {
  const st = ctx.storage;
  const clock = ctx.clock;
  const conns = new Map<string, PostgresConnection>();
  const rotationTimers = new Map<string, () => void>();

  const getConfig = (name: string) => st.getJSON<DbConfig>(`config/${name}`);
  const getRole = (name: string) => st.getJSON<RoleEntry>(`role/${name}`);
  const getStatic = (name: string) => st.getJSON<StaticRoleEntry>(`static-role/${name}`);

  async function connection(name: string): Promise<{ cfg: DbConfig; conn: PostgresConnection }> {
    const cfg = await getConfig(name);
    if (!cfg) throw serverError(`failed to find entry for connection with name: "${name}"`);
    let conn = conns.get(name);
    if (!conn) {
      conn = new PostgresConnection(cfg);
      conns.set(name, conn);
    }
    return { cfg, conn };
  }
  async function dropConnection(name: string) {
    const c = conns.get(name);
    conns.delete(name);
    await c?.close();
  }

  async function newPassword(cfg: DbConfig): Promise<string> {
    if (cfg.password_policy) return ctx.system.generatePassword(cfg.password_policy);
    return defaultPassword();
  }

  // ------------------------------------------------------------------ config/

  const configFields: Record<string, FieldSchema> = {
    name: { type: 'string', description: 'Name of this database connection.' },
    plugin_name: { type: 'string', description: 'The database plugin; only postgresql-database-plugin here.' },
    plugin_version: { type: 'string' },
    connection_url: {
      type: 'string',
      description: 'PostgreSQL URL or DSN; use {{username}} and {{password}} so root rotation works.',
    },
    username: { type: 'string', description: 'The admin user the engine logs in as.' },
    password: { type: 'string', description: 'The admin password. Never returned.' },
    allowed_roles: {
      type: 'commaStringSlice',
      description: 'Roles allowed to use this connection; "*" for any. Empty means none.',
    },
    verify_connection: { type: 'bool', default: true, description: 'Connect once before saving.' },
    max_open_connections: { type: 'int', default: 4 },
    max_idle_connections: { type: 'int', default: 0 },
    max_connection_lifetime: { type: 'duration', default: 0 },
    password_policy: { type: 'string' },
    username_template: { type: 'string' },
    root_rotation_statements: {
      type: 'any',
      description: 'Statements for rotate-root; {{username}} and {{password}}.',
    },
    password_authentication: { type: 'string', default: 'password' },
    disable_escaping: { type: 'bool', default: false },
  };

  async function writeConfig(req: BackendRequest, d: FieldData) {
    const name = req.params.name;
    const existing = await getConfig(name);
    const pick = <T>(f: string, cur: T | undefined, dflt: T): T => (d.has(f) ? d.get<T>(f) : (cur ?? dflt));
    const cfg: DbConfig = {
      plugin_name: pick('plugin_name', existing?.plugin_name, ''),
      connection_url: pick('connection_url', existing?.connection_url, ''),
      username: pick('username', existing?.username, ''),
      password: pick('password', existing?.password, ''),
      allowed_roles: pick('allowed_roles', existing?.allowed_roles, []),
      verify_connection: d.get<boolean>('verify_connection'),
      max_open_connections: pick('max_open_connections', existing?.max_open_connections, 4),
      max_idle_connections: pick('max_idle_connections', existing?.max_idle_connections, 0),
      max_connection_lifetime: pick('max_connection_lifetime', existing?.max_connection_lifetime, 0),
      password_policy: pick('password_policy', existing?.password_policy, ''),
      username_template: pick('username_template', existing?.username_template, ''),
      root_rotation_statements: d.has('root_rotation_statements')
        ? parseStatementsField(d.get('root_rotation_statements'))
        : (existing?.root_rotation_statements ?? []),
      password_authentication: pick('password_authentication', existing?.password_authentication, 'password'),
      disable_escaping: pick('disable_escaping', existing?.disable_escaping, false),
    };
    if (!cfg.plugin_name) throw userError('empty plugin name');
    if (cfg.plugin_name !== PLUGIN_NAME)
      throw userError(`plugin "${cfg.plugin_name}" is not available: this engine has only ${PLUGIN_NAME}`);
    if (!['password', 'scram-sha-256'].includes(cfg.password_authentication))
      throw userError(
        `error creating database object: invalid password_authentication "${cfg.password_authentication}": use password or scram-sha-256`,
      );
    if (!cfg.connection_url) throw userError('error creating database object: connection_url cannot be empty');
    if (cfg.max_open_connections < 0)
      throw userError('error creating database object: max_open_connections cannot be negative');
    if (cfg.username_template) {
      try {
        validateUsernameTemplate(cfg.username_template);
      } catch (e) {
        throw userError(`error creating database object: invalid username template: ${(e as Error).message}`);
      }
    }
    try {
      connectionSettings(cfg);
    } catch (e) {
      throw userError(`error creating database object: ${(e as Error).message}`);
    }
    if (cfg.verify_connection) {
      try {
        await new PostgresConnection(cfg).verify();
      } catch (e) {
        throw userError(`error creating database object: error verifying connection: ${dbErrorText(e)}`);
      }
    }
    await dropConnection(name);
    await st.putJSON(`config/${name}`, cfg);
    const warnings: string[] = [];
    if (literalPassword(cfg.connection_url))
      warnings.push(
        'Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.',
      );
    return warnings.length ? { warnings } : undefined;
  }

  function literalPassword(url: string): boolean {
    if (/^postgres(ql)?:\/\//.test(url)) {
      try {
        const u = new URL(url);
        return !!u.password && !/\{\{\s*password\s*\}\}/.test(decodeURIComponent(u.password));
      } catch {
        return false;
      }
    }
    const m = /password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/i.exec(url);
    return !!m && !/\{\{\s*password\s*\}\}/.test(m[1]);
  }

  // ------------------------------------------------------------------ roles/

  const roleFields: Record<string, FieldSchema> = {
    name: { type: 'string' },
    db_name: { type: 'string', description: 'Name of the database connection (config) to use.' },
    creation_statements: {
      type: 'any',
      description: 'Statements creating the user: {{name}}, {{password}}, {{expiration}}.',
    },
    revocation_statements: {
      type: 'any',
      description: 'Statements dropping the user; default: revoke privileges, then DROP ROLE.',
    },
    rollback_statements: { type: 'any', description: 'Statements undoing a failed creation.' },
    renew_statements: {
      type: 'any',
      description: 'Statements extending the user on renew; default: ALTER ROLE … VALID UNTIL.',
    },
    default_ttl: { type: 'duration', description: 'Default lease TTL.' },
    max_ttl: { type: 'duration', description: 'Maximum lease TTL.' },
    credential_type: { type: 'string', default: 'password' },
    credential_config: { type: 'map' },
  };

  async function writeRole(req: BackendRequest, d: FieldData) {
    const name = req.params.name;
    if (await getStatic(name)) throw userError('Role and Static Role names must be unique');
    const existing = await getRole(name);
    const stmts = (f: keyof RoleEntry) =>
      d.has(f) ? parseStatementsField(d.get(f)) : ((existing?.[f] as string[] | undefined) ?? []);
    const role: RoleEntry = {
      db_name: d.has('db_name') ? d.get<string>('db_name') : (existing?.db_name ?? ''),
      creation_statements: stmts('creation_statements'),
      revocation_statements: stmts('revocation_statements'),
      rollback_statements: stmts('rollback_statements'),
      renew_statements: stmts('renew_statements'),
      default_ttl: d.has('default_ttl') ? d.get<number>('default_ttl') : (existing?.default_ttl ?? 0),
      max_ttl: d.has('max_ttl') ? d.get<number>('max_ttl') : (existing?.max_ttl ?? 0),
    };
    if (d.has('credential_type') && d.get('credential_type') !== 'password')
      throw userError(
        `invalid credential_type "${String(d.get('credential_type'))}": only "password" is supported here`,
      );
    if (!role.db_name) throw userError('database name is required');
    if (!role.creation_statements.length) throw userError('creation statements are required');
    if (role.default_ttl < 0 || role.max_ttl < 0) throw userError('ttl values cannot be negative');
    await st.putJSON(`role/${name}`, role);
  }

  // ------------------------------------------------------------------ creds/

  async function readCreds(req: BackendRequest) {
    const roleName = req.params.name;
    const role = await getRole(roleName);
    if (!role) throw userError(`unknown role: ${roleName}`);
    const { cfg, conn } = await connection(role.db_name);
    if (!roleAllowed(cfg.allowed_roles, roleName)) throw serverError(`"${roleName}" is not an allowed role`);
    const mount = ctx.ttls();
    const max = Math.min(role.max_ttl || mount.maxTTL, mount.maxTTL);
    const ttl = Math.min(role.default_ttl || mount.defaultTTL, max);
    const now = clock.nowMs();
    let username: string;
    try {
      username = renderUsername(
        cfg.username_template || DEFAULT_PG_USERNAME_TEMPLATE,
        { DisplayName: req.token?.displayName ?? '', RoleName: roleName },
        now,
      );
    } catch (e) {
      throw serverError(`unable to generate username: ${(e as Error).message}`);
    }
    const password = await newPassword(cfg);
    try {
      await conn.newUser({
        creation: role.creation_statements,
        rollback: role.rollback_statements,
        username,
        password,
        expiresAtMs: now + (ttl + 5) * 1000,
      });
    } catch (e) {
      throw serverError(`failed to create user: ${dbErrorText(e)}`);
    }
    return {
      data: { username, password },
      secret: {
        type: 'creds',
        ttl,
        maxTTL: max,
        renewable: true,
        internal: {
          username,
          role: roleName,
          db_name: role.db_name,
          revocation_statements: role.revocation_statements,
        },
      },
    };
  }

  // ------------------------------------------------------------------ static roles

  function armRotation(name: string, entry: StaticRoleEntry) {
    rotationTimers.get(name)?.();
    rotationTimers.set(
      name,
      clock.at(entry.last_vault_rotation + entry.rotation_period * 1000, async () => {
        rotationTimers.delete(name);
        const current = await getStatic(name);
        if (current)
          await rotateStatic(name, current).catch(() =>
            armRotation(name, {
              ...current,
              last_vault_rotation: clock.nowMs() - current.rotation_period * 1000 + 10_000,
            }),
          );
      }),
    );
  }

  async function rotateStatic(name: string, entry: StaticRoleEntry): Promise<StaticRoleEntry> {
    const { cfg, conn } = await connection(entry.db_name);
    const password = await newPassword(cfg);
    try {
      await conn.setPassword(
        entry.rotation_statements.length ? entry.rotation_statements : [DEFAULT_STATIC_ROTATION],
        entry.username,
        password,
      );
    } catch (e) {
      throw serverError(`error setting credentials: ${dbErrorText(e)}`);
    }
    const next = { ...entry, password, last_vault_rotation: clock.nowMs() };
    await st.putJSON(`static-role/${name}`, next);
    armRotation(name, next);
    return next;
  }

  const staticView = (e: StaticRoleEntry) => ({
    db_name: e.db_name,
    username: e.username,
    rotation_period: e.rotation_period,
    rotation_statements: e.rotation_statements,
    last_vault_rotation: rfc3339Nano(e.last_vault_rotation),
    ttl: staticTTL(e),
    credential_type: 'password',
  });
  const staticTTL = (e: StaticRoleEntry) =>
    Math.max(0, Math.round((e.last_vault_rotation + e.rotation_period * 1000 - clock.nowMs()) / 1000));

  const name = (prefix: string) => `${prefix}/(?<name>${NAME})`;
  const listOf = (prefix: string) => async () => {
    const keys = await st.list(`${prefix}/`);
    if (!keys.length) throw notFound();
    return { data: { keys } };
  };

  const paths: PathDef[] = [
    { pattern: 'config/?', operations: { list: listOf('config') }, synopsis: 'Configured database connections.' },
    {
      pattern: name('config'),
      fields: configFields,
      synopsis: 'Configure a database connection.',
      description:
        'Stores how the engine logs in to a database. The password is never returned; use {{username}} and {{password}} in connection_url.',
      existenceCheck: async (req) => !!(await getConfig(req.params.name)),
      operations: {
        read: async (req) => {
          const c = await getConfig(req.params.name);
          if (!c) throw notFound();
          return {
            data: {
              allowed_roles: c.allowed_roles,
              connection_details: {
                connection_url: redactedUrl(c.connection_url),
                username: c.username,
                max_open_connections: c.max_open_connections,
                max_idle_connections: c.max_idle_connections,
                max_connection_lifetime: `${c.max_connection_lifetime}s`,
                password_authentication: c.password_authentication,
                ...(c.username_template ? { username_template: c.username_template } : {}),
              },
              password_policy: c.password_policy,
              plugin_name: c.plugin_name,
              plugin_version: '',
              root_credentials_rotate_statements: c.root_rotation_statements,
              verify_connection: c.verify_connection,
            },
          };
        },
        create: writeConfig,
        update: writeConfig,
        delete: async (req) => {
          await dropConnection(req.params.name);
          await st.delete(`config/${req.params.name}`);
        },
      },
    },
    {
      pattern: name('reset'),
      synopsis: 'Close and reopen the connection to a database.',
      operations: {
        update: async (req) => {
          if (!(await getConfig(req.params.name)))
            throw userError(`failed to find entry for connection with name: "${req.params.name}"`);
          await dropConnection(req.params.name);
          try {
            await (await connection(req.params.name)).conn.verify();
          } catch (e) {
            throw serverError(`failed to reset database connection: ${dbErrorText(e)}`);
          }
        },
      },
    },
    {
      pattern: name('rotate-root'),
      synopsis: 'Rotate the admin password; afterwards only the engine knows it.',
      operations: {
        update: async (req) => {
          const n = req.params.name;
          const { cfg, conn } = await connection(n);
          if (!cfg.username) throw userError('unable to rotate root credentials: no username in configuration');
          if (!/\{\{\s*password\s*\}\}/.test(cfg.connection_url))
            throw userError(
              'unable to rotate root credentials: connection_url must use {{password}} (a literal password there could not change)',
            );
          const password = await newPassword(cfg);
          try {
            await conn.setPassword(
              cfg.root_rotation_statements.length ? cfg.root_rotation_statements : [DEFAULT_ROTATE_ROOT],
              cfg.username,
              password,
            );
          } catch (e) {
            throw serverError(`failed to update user: ${dbErrorText(e)}`);
          }
          await dropConnection(n);
          await st.putJSON(`config/${n}`, { ...cfg, password });
        },
      },
    },
    { pattern: 'roles/?', operations: { list: listOf('role') }, synopsis: 'Dynamic roles.' },
    {
      pattern: name('roles'),
      fields: roleFields,
      synopsis: 'Manage the roles that generate database users.',
      existenceCheck: async (req) => !!(await getRole(req.params.name)),
      operations: {
        read: async (req) => {
          const r = await getRole(req.params.name);
          if (!r) throw notFound();
          return { data: { ...r, credential_type: 'password', credential_config: null } };
        },
        create: writeRole,
        update: writeRole,
        delete: async (req) => {
          await st.delete(`role/${req.params.name}`);
        },
      },
    },
    {
      pattern: name('creds'),
      synopsis: 'Generate a database user for a role, under a lease.',
      operations: { read: readCreds },
    },
    { pattern: 'static-roles/?', operations: { list: listOf('static-role') }, synopsis: 'Static roles.' },
    {
      pattern: name('static-roles'),
      synopsis: 'Manage database users whose password the engine rotates.',
      fields: {
        name: { type: 'string' },
        db_name: { type: 'string' },
        username: { type: 'string' },
        rotation_period: { type: 'duration' },
        rotation_statements: { type: 'any' },
        credential_type: { type: 'string', default: 'password' },
      },
      existenceCheck: async (req) => !!(await getStatic(req.params.name)),
      operations: {
        read: async (req) => {
          const e = await getStatic(req.params.name);
          if (!e) throw notFound();
          return { data: staticView(e) };
        },
        create: writeStatic,
        update: writeStatic,
        delete: async (req) => {
          rotationTimers.get(req.params.name)?.();
          rotationTimers.delete(req.params.name);
          await st.delete(`static-role/${req.params.name}`);
        },
      },
    },
    {
      pattern: name('static-creds'),
      synopsis: 'The current password of a static role.',
      operations: {
        read: async (req) => {
          const e = await getStatic(req.params.name);
          if (!e) throw userError(`unknown role: ${req.params.name}`);
          return {
            data: {
              username: e.username,
              password: e.password,
              last_vault_rotation: rfc3339Nano(e.last_vault_rotation),
              rotation_period: e.rotation_period,
              ttl: staticTTL(e),
            },
          };
        },
      },
    },
    {
      pattern: name('rotate-role'),
      synopsis: 'Rotate a static role now.',
      operations: {
        update: async (req) => {
          const e = await getStatic(req.params.name);
          if (!e) throw userError('no static role found for role name');
          await rotateStatic(req.params.name, e);
        },
      },
    },
  ];

  async function writeStatic(req: BackendRequest, d: FieldData) {
    const n = req.params.name;
    if (await getRole(n)) throw userError('Role and Static Role names must be unique');
    const existing = await getStatic(n);
    const entry: StaticRoleEntry = {
      db_name: d.has('db_name') ? d.get<string>('db_name') : (existing?.db_name ?? ''),
      username: d.has('username') ? d.get<string>('username') : (existing?.username ?? ''),
      rotation_period: d.has('rotation_period') ? d.get<number>('rotation_period') : (existing?.rotation_period ?? 0),
      rotation_statements: d.has('rotation_statements')
        ? parseStatementsField(d.get('rotation_statements'))
        : (existing?.rotation_statements ?? []),
      password: existing?.password ?? '',
      last_vault_rotation: existing?.last_vault_rotation ?? 0,
    };
    if (!entry.db_name) throw userError('database name is a required field to create a static account');
    if (!entry.username) throw userError('username is a required field to create a static account');
    if (existing && existing.username !== entry.username) throw userError('cannot update static account username');
    if (entry.rotation_period < 5) throw userError('rotation_period must be 5 seconds or more');
    const { cfg } = await connection(entry.db_name);
    if (!roleAllowed(cfg.allowed_roles, n)) throw userError(`"${n}" is not an allowed role`);
    if (!existing) await rotateStatic(n, entry);
    else {
      await st.putJSON(`static-role/${n}`, entry);
      armRotation(n, entry);
    }
  }

  // Static rotations resume on the engine clock whenever the backend is (re)built.
  void (async () => {
    for (const k of await st.list('static-role/')) {
      const e = await getStatic(k);
      if (e) armRotation(k, e);
    }
  })().catch(() => undefined);

  async function closeAll() {
    for (const c of rotationTimers.values()) c();
    rotationTimers.clear();
    const all = [...conns.values()];
    conns.clear();
    await Promise.all(all.map((c) => c.close()));
  }

  return {
    type: 'database',
    kind: 'secret',
    help: 'The database secrets engine generates database users on demand, tied to leases, and rotates static passwords.',
    paths,
    secrets: {
      creds: {
        renew: async (internal, lease) => {
          const role = await getRole(String(internal.role));
          if (!role) throw userError(`error during renew: could not find role with name: ${String(internal.role)}`);
          const { conn } = await connection(String(internal.db_name));
          try {
            await conn.renewUser({
              renew: role.renew_statements,
              username: String(internal.username),
              expiresAtMs: lease.expireAt + 5000,
            });
          } catch (e) {
            throw serverError(`failed to renew user: ${dbErrorText(e)}`);
          }
        },
        revoke: async (internal) => {
          const role = await getRole(String(internal.role));
          const statements = role
            ? role.revocation_statements
            : ((internal.revocation_statements as string[] | undefined) ?? []);
          const { conn } = await connection(String(internal.db_name));
          await conn.deleteUser({ revocation: statements, username: String(internal.username) });
        },
      },
    },
    cleanup: closeAll,
    invalidate: () => {
      void closeAll();
    },
  };
}
