/**
 * testcontainers keeps a snapshot as a template database in the same cluster, and a copy
 * of the lab database carries its privileges with it. PostgreSQL refuses `DROP ROLE` while
 * any database still grants the role something, so the engine could no longer revoke a
 * credential made before the step began. The snapshot therefore keeps no privileges of
 * roles other than the fixture's: they are read from it, revoked there, and granted again
 * on the lab database after a restore, to the roles that still exist.
 */
import pg from 'pg';

/** One privilege a non-fixture role held in the lab database when the step began. */
export interface SavedGrant {
  kind: 'TABLE' | 'SEQUENCE' | 'SCHEMA';
  /** As PostgreSQL prints it (quoted, schema-qualified when off the search path). */
  object: string;
  privilege: string;
  grantee: string;
  grantable: boolean;
}

// Relations and schemas outside the system catalogs; PUBLIC's grants never block DROP ROLE.
const GRANTS_SQL = `
SELECT a.kind, a.object, a.privilege_type AS privilege, r.rolname AS grantee, a.is_grantable AS grantable
FROM (
  SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind, c.oid::regclass::text AS object,
         (aclexplode(c.relacl)).*
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'v', 'm', 'S', 'f', 'p')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
  UNION ALL
  SELECT 'SCHEMA', quote_ident(n.nspname), (aclexplode(n.nspacl)).*
  FROM pg_namespace n
  WHERE n.nspacl IS NOT NULL AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%'
) a JOIN pg_roles r ON r.oid = a.grantee
WHERE NOT (r.rolname = ANY($1)) AND r.rolname NOT LIKE 'pg\\_%'
ORDER BY 1, 2, 4, 3`;

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

async function withClient<T>(cfg: pg.ClientConfig, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ ...cfg, database });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Reads the non-fixture roles' privileges from the snapshot database and revokes them there. */
export function stripGrants(superuser: pg.ClientConfig, snapshotDb: string, keep: string[]): Promise<SavedGrant[]> {
  return withClient(superuser, snapshotDb, async (c) => {
    const saved = (await c.query(GRANTS_SQL, [keep])).rows as SavedGrant[];
    const targets = new Set(saved.map((g) => `${g.kind} ${g.object} FROM ${ident(g.grantee)}`));
    for (const t of targets) await c.query(`REVOKE ALL ON ${t} CASCADE`);
    return saved;
  });
}

/** Grants the saved privileges again on the restored lab database, to the roles that still exist. */
export function regrant(superuser: pg.ClientConfig, labDb: string, saved: SavedGrant[]): Promise<void> {
  if (!saved.length) return Promise.resolve();
  return withClient(superuser, labDb, async (c) => {
    const alive = new Set(
      (await c.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [saved.map((g) => g.grantee)])).rows.map(
        (r) => r.rolname as string,
      ),
    );
    for (const g of saved) {
      if (!alive.has(g.grantee)) continue;
      const option = g.grantable ? ' WITH GRANT OPTION' : '';
      await c.query(`GRANT ${g.privilege} ON ${g.kind} ${g.object} TO ${ident(g.grantee)}${option}`);
    }
  });
}
