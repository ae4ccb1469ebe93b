/**
 * The docker way end to end without Docker: the real @testcontainers/postgresql code runs
 * against a fake Docker Engine API (test/support/fake-docker.ts) that starts our embedded
 * PostgreSQL as the "container". Ryuk, testcontainers' reaper container, is disabled
 * (TESTCONTAINERS_RYUK_DISABLED=true): the fake runs one image only, and the provider stops
 * its container itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresSystem } from '../../labs/providers/postgres/index.js';
import { session } from '../labs/helpers.js';
import { startFakeDocker, type FakeDocker } from '../support/fake-docker.js';

const INSERT_ERASER = `PGPASSWORD="$LAB_PG_ADMIN_PASSWORD" psql -U "$LAB_PG_ADMIN_USER" -qc "INSERT INTO products (name, price_cents) VALUES ('eraser', 80)"`;
const LAB = `id: t
title: T
minutes: 1
needs: [engine, postgres]
setup:
  - vault secrets enable database
  - |
    vault write database/config/labdb plugin_name=postgresql-database-plugin allowed_roles=readonly \\
      connection_url="postgresql://{{username}}:{{password}}@$LAB_PG_HOST:$LAB_PG_PORT/$LAB_PG_DATABASE?sslmode=disable" \\
      username="$LAB_PG_ADMIN_USER" password="$LAB_PG_ADMIN_PASSWORD"
  - |
    vault write database/roles/readonly db_name=labdb default_ttl=1h max_ttl=24h \\
      creation_statements="CREATE ROLE \\"{{name}}\\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"
  - vault read database/creds/readonly >/dev/null
steps:
  - id: a
    title: A
    body: b
    hints: [h]
    solution: ["true"]
    check:
      - sql: { query: "SELECT name FROM products WHERE name = 'eraser'", rows: 1 }
`;

describe('VAULT_LAB_POSTGRES=docker over a fake Docker API', () => {
  let docker: FakeDocker;
  let pgs: PostgresSystem;
  beforeAll(async () => {
    docker = await startFakeDocker();
    // testcontainers reads its settings from the process environment.
    process.env.DOCKER_HOST = docker.dockerHost;
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    const progress: string[] = [];
    pgs = await startPostgres({
      workspace: process.cwd(),
      progress: (m) => progress.push(m),
      env: { ...process.env, VAULT_LAB_POSTGRES: 'docker' },
    });
    expect(progress).toContain('starting a PostgreSQL container (postgres:17-alpine)…');
  }, 120_000);
  afterAll(async () => {
    await pgs?.stop();
    await docker?.close();
  });

  it('asks Docker for postgres:17-alpine with its data on tmpfs and its port on loopback only', () => {
    expect(pgs.via).toBe('docker');
    expect(docker.created).toHaveLength(1);
    const c = docker.created[0];
    expect(c.Image).toBe('postgres:17-alpine');
    expect(c.HostConfig?.Tmpfs).toHaveProperty(['/var/lib/postgresql/data']);
    expect(c.HostConfig?.PortBindings?.['5432/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: '0' }]);
    expect(c.Env).toContain('POSTGRES_DB=lab');
    expect(pgs.host).toBe('127.0.0.1');
    expect(pgs.label).toMatch(/^PostgreSQL 17 \(docker\) on 127\.0\.0\.1:\d+/);
  });

  it('went through the Docker API calls testcontainers makes, none unknown to the fake', () => {
    const calls = docker.calls.map((c) => c.replace(/[0-9a-f]{64}/, '<id>'));
    for (const c of [
      'GET /info',
      'GET /images/postgres:17-alpine/json',
      'POST /containers/create',
      'POST /containers/<id>/start',
      'GET /containers/<id>/json',
      'GET /containers/<id>/logs',
    ])
      expect(calls).toContain(c);
    expect(calls.filter((c) => c.includes('unknown'))).toEqual([]);
    expect(calls).not.toContain('POST /images/create');
    console.log(`Docker API calls so far:\n${calls.join('\n')}`);
  });

  it('holds the same admin and tables as the embedded way, and no default password', async () => {
    expect(pgs.env).toMatchObject({ PGHOST: '127.0.0.1', PGDATABASE: 'lab', LAB_PG_ADMIN_USER: 'vaultadmin' });
    expect(pgs.env.PGPASSWORD).toBeUndefined();
    const admin = (
      await pgs.query(
        "SELECT rolsuper, rolcreaterole, (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'lab') AS owner FROM pg_roles WHERE rolname = 'vaultadmin'",
      )
    ).rows[0];
    expect(admin).toEqual({ rolsuper: false, rolcreaterole: true, owner: 'vaultadmin' });
    expect((await pgs.query('SELECT count(*)::int AS n FROM products')).rows[0].n).toBe(3);
    expect((await pgs.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(2);
    expect(await pgs.tryLogin('vaultadmin', pgs.env.LAB_PG_ADMIN_PASSWORD)).toBeNull();
    expect(await pgs.tryLogin('vaultadmin', 'wrong')).toMatch(/password authentication failed/);
  });

  it("resets a step with the container's snapshot and restoreSnapshot", async () => {
    expect(pgs.snapshot).toBeTypeOf('function');
    await pgs.snapshot!();
    await pgs.query('DELETE FROM orders');
    await pgs.query("INSERT INTO products (name, price_cents) VALUES ('eraser', 80)");
    expect((await pgs.query('SELECT count(*)::int AS n FROM products')).rows[0].n).toBe(4);
    await pgs.restore!();
    expect((await pgs.query('SELECT count(*)::int AS n FROM products')).rows[0].n).toBe(3);
    expect((await pgs.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(2);
    const owner = (await pgs.query("SELECT pg_get_userbyid(datdba) AS o FROM pg_database WHERE datname = 'lab'"))
      .rows[0];
    expect(owner.o).toBe('vaultadmin');
    expect(await pgs.tryLogin('vaultadmin', pgs.env.LAB_PG_ADMIN_PASSWORD)).toBeNull();
    // testcontainers ran psql in the "container" for both.
    const sql = docker.execs.map((cmd) => cmd[cmd.indexOf('-c') + 1]);
    expect(sql).toContain('CREATE DATABASE "vault_lab_step" WITH TEMPLATE "lab" OWNER "postgres"');
    expect(sql).toContain('DROP DATABASE "lab" WITH (FORCE)');
  });

  it('lets a role that held privileges when the step began be dropped, and a reset grants them again', async () => {
    const has = async (role: string) =>
      (await pgs.query("SELECT has_table_privilege($1, 'products', 'SELECT') AS ok", [role])).rows[0].ok;
    for (const r of ['v-short-lived', 'v-kept'])
      for (const q of [`CREATE ROLE "${r}" LOGIN`, `GRANT SELECT ON products, orders TO "${r}"`]) await pgs.query(q);
    await pgs.snapshot!();
    // The engine revoking a credential made before the step: its role must go, though the
    // snapshot database was copied while it held SELECT.
    await pgs.query('REVOKE ALL ON products, orders FROM "v-short-lived"');
    await pgs.query('DROP ROLE "v-short-lived"');
    await pgs.query('REVOKE SELECT ON products FROM "v-kept"');
    expect(await has('v-kept')).toBe(false);
    await pgs.restore!();
    expect(await has('v-kept')).toBe(true);
    await pgs.query('REVOKE ALL ON products, orders FROM "v-kept"');
    await pgs.query('DROP ROLE "v-kept"');
  });

  it('a lab step reset puts the database back as the step found it; the engine still reaches it', async () => {
    const s = await session(LAB, { systems: [pgs] });
    try {
      const before = docker.execs.length;
      await s.runCommand(INSERT_ERASER, undefined, { record: true });
      await s.settle();
      expect((await s.evaluate())[0].pass).toBe(true);
      await s.resetStep();
      // restoreSnapshot's two statements ran in the "container".
      expect(docker.execs.length - before).toBe(2);
      expect((await pgs.query("SELECT count(*)::int AS n FROM products WHERE name = 'eraser'")).rows[0].n).toBe(0);
      expect((await s.evaluate())[0].pass).toBe(false);
      // The engine's connections were closed by the restore; its pool opens new ones.
      const creds = await s.runCommand('vault read -field=username database/creds/readonly', undefined, {
        record: true,
      });
      expect(creds.code).toBe(0);
      expect(creds.output.trim()).toMatch(/^v-/);
    } finally {
      // The session would stop the database with it: this file's last test stops it.
      s.systems.length = 0;
      await s.stop();
    }
  });

  it('stop stops and removes the container', async () => {
    const port = pgs.port;
    await pgs.stop();
    const calls = docker.calls.map((c) => c.replace(/[0-9a-f]{64}/, '<id>'));
    expect(calls).toContain('POST /containers/<id>/stop');
    expect(calls).toContain('DELETE /containers/<id>');
    expect(await pgs.tryLogin('vaultadmin', pgs.env.LAB_PG_ADMIN_PASSWORD)).toMatch(/ECONNREFUSED|connect/);
    expect(port).toBeGreaterThan(0);
  });
});
