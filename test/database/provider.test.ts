/** The lab PostgreSQL provider: the ways it starts, how it fails, and what it leaves behind. */
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../labs/providers/index.js';
import { startPostgres, type PostgresSystem } from '../../labs/providers/postgres/index.js';
import { labPostgres } from './support.js';

const ctx = (env: NodeJS.ProcessEnv, prefer?: string) => ({
  workspace: process.cwd(),
  progress: () => undefined,
  env,
  prefer,
});

describe('embedded (default)', () => {
  let pgs: PostgresSystem;
  let dataDir: string;
  beforeAll(async () => {
    pgs = await labPostgres();
    dataDir = String((await pgs.query('SHOW data_directory')).rows[0].data_directory);
  });
  afterAll(async () => {
    await pgs?.stop();
  });

  it('gives the shell where to connect but no superuser and no default password', () => {
    expect(pgs.via).toBe('embedded');
    expect(pgs.env).toMatchObject({
      PGHOST: '127.0.0.1',
      PGPORT: String(pgs.port),
      PGDATABASE: 'lab',
      LAB_PG_ADMIN_USER: 'vaultadmin',
    });
    expect(pgs.env.PGUSER).toBeUndefined();
    expect(pgs.env.PGPASSWORD).toBeUndefined();
    expect(pgs.env.LAB_PG_ADMIN_PASSWORD).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(pgs.label).toMatch(/^PostgreSQL \d+\.\d+ \(embedded\) on 127\.0\.0\.1:\d+/);
  });

  it('listens on loopback only and demands scram-sha-256 passwords over TCP', async () => {
    const s = (
      await pgs.query("SELECT current_setting('listen_addresses') AS l, current_setting('password_encryption') AS e")
    ).rows[0];
    expect(s).toEqual({ l: '127.0.0.1', e: 'scram-sha-256' });
    const hba = (await pgs.query('SELECT type, auth_method FROM pg_hba_file_rules ORDER BY line_number')).rows;
    expect(hba).toEqual([
      { type: 'local', auth_method: 'peer' },
      { type: 'host', auth_method: 'scram-sha-256' },
    ]);
    expect(await pgs.tryLogin('postgres', '')).toMatch(/password/);
    const hash = (await pgs.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'vaultadmin'")).rows[0]
      .rolpassword;
    expect(String(hash)).toMatch(/^SCRAM-SHA-256\$/);
  });

  it('keeps its files private, and runs as an unprivileged account when started as root', () => {
    const st = fs.statSync(dataDir);
    expect(st.mode & 0o077).toBe(0);
    const pid = Number(fs.readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    if (process.getuid!() === 0) expect(uid).not.toBe(0);
    else expect(uid).toBe(process.getuid!());
    expect(st.uid).toBe(uid);
  });

  it('stop ends the server and removes its folder', async () => {
    const other = await labPostgres();
    const dir = String((await other.query('SHOW data_directory')).rows[0].data_directory);
    await other.stop();
    expect(fs.existsSync(dir)).toBe(false);
    expect(await other.tryLogin('vaultadmin', other.env.LAB_PG_ADMIN_PASSWORD)).toMatch(/ECONNREFUSED|connect/);
  });

  it('url: an existing server given by VAULT_LAB_POSTGRES_URL', async () => {
    const u = `postgresql://vaultadmin:${encodeURIComponent(pgs.env.LAB_PG_ADMIN_PASSWORD)}@127.0.0.1:${pgs.port}/lab`;
    const viaUrl = await startPostgres(ctx({ ...process.env, VAULT_LAB_POSTGRES_URL: u }));
    try {
      expect(viaUrl.via).toBe('url');
      expect((await viaUrl.query('SELECT current_user AS u')).rows[0].u).toBe('vaultadmin');
    } finally {
      await viaUrl.stop();
    }
    expect(await pgs.tryLogin('vaultadmin', pgs.env.LAB_PG_ADMIN_PASSWORD)).toBeNull();
    expect(
      (await pgs.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('products', 'orders')")).rows[0].n,
    ).toBe(2);
  });

  it('url: a database without the lab tables gets them for the lab, and loses them after', async () => {
    await pgs.query('CREATE DATABASE urltest OWNER vaultadmin');
    const u = `postgresql://vaultadmin:${encodeURIComponent(pgs.env.LAB_PG_ADMIN_PASSWORD)}@127.0.0.1:${pgs.port}/urltest`;
    const viaUrl = await startPostgres(ctx({ ...process.env, VAULT_LAB_POSTGRES_URL: u }));
    expect((await viaUrl.query('SELECT count(*)::int AS n FROM products')).rows[0].n).toBe(3);
    await viaUrl.stop();
    const { default: pg } = await import('pg');
    const c = new pg.Client({
      host: '127.0.0.1',
      port: pgs.port,
      user: 'vaultadmin',
      password: pgs.env.LAB_PG_ADMIN_PASSWORD,
      database: 'urltest',
    });
    await c.connect();
    const left = (await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n;
    await c.end();
    expect(left).toBe(0);
  });
});

describe('when a way fails', () => {
  it('names each way tried, why, and how to choose another', async () => {
    const err = await startPostgres(
      ctx({ ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, 'docker'),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(
      /PostgreSQL could not be started\. Tried:\n {2}- docker: Docker is not reachable: nothing answers at unix:\/\/\/nonexistent\/docker\.sock/,
    );
    for (const w of ['embedded', 'system', 'url']) expect(err.message).toMatch(new RegExp(`- ${w}: `));
    expect(err.message).toMatch(/choose one with VAULT_LAB_POSTGRES=<way>/);
  });

  it('docker: a socket that answers /_ping but is no Docker gets one sentence, no stack trace', async () => {
    const http = await import('node:http');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-docker-'));
    const sock = path.join(dir, 'docker.sock');
    const fake = http.createServer((req, res) => {
      res.statusCode = req.url === '/_ping' ? 200 : 404;
      res.end('OK');
    });
    await new Promise<void>((r) => fake.listen(sock, r));
    try {
      const err = await startPostgres(ctx({ ...process.env, DOCKER_HOST: `unix://${sock}` }, 'docker')).catch((e) => e);
      expect(err).toBeInstanceOf(ProviderError);
      // (A missing @testcontainers/postgresql is named instead: test/package/tarball.test.ts.)
      expect(err.message).toMatch(/\n {2}- docker: the postgres:17-alpine container did not start: .+\n/);
      expect(err.message).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((r) => fake.close(r));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad URL says what is wrong with it', async () => {
    const err = await startPostgres(
      ctx({ ...process.env, VAULT_LAB_POSTGRES_URL: 'postgresql://nobody@127.0.0.1:1/x' }),
    ).catch((e) => e);
    expect(err.message).toMatch(/- url: VAULT_LAB_POSTGRES_URL must carry a user and a password/);
  });

  it('rejects an unknown way', async () => {
    const err = await startPostgres(ctx(process.env, 'podman')).catch((e) => e);
    expect(err.message).toMatch(/unknown PostgreSQL way "podman": choose one of embedded, system, docker, url/);
  });

  it('system: uses pg_config when the machine has a server, else says how to get one', async () => {
    const hasServer = spawnSync('sh', ['-c', 'test -x "$(pg_config --bindir 2>/dev/null)/initdb"']).status === 0;
    const r = await startPostgres(ctx(process.env, 'system')).then(
      (s) => s,
      (e: Error) => e,
    );
    if (hasServer) {
      expect(r).not.toBeInstanceOf(Error);
      const s = r as PostgresSystem;
      expect(s.via).toBe('system');
      expect((await s.query('SELECT count(*)::int AS n FROM products')).rows[0].n).toBe(3);
      await s.stop();
    } else {
      expect((r as Error).message).toMatch(/- system: .*(pg_config|only the client)/);
    }
  });
});

describe('leftovers of a killed run', () => {
  it('the next start stops the orphaned server and removes its folder', async () => {
    const { spawn } = await import('node:child_process');
    const { serverAccount } = await import('../../labs/providers/postgres/run-as.js');
    const { sweepLeftovers } = await import('../../labs/providers/postgres/sweep.js');
    const script = `
      const { startPostgres } = await import(${JSON.stringify(new URL('../../labs/providers/postgres/index.ts', import.meta.url).pathname)});
      const s = await startPostgres({ workspace: '.', progress: () => {}, env: process.env });
      const r = await s.query('SHOW data_directory');
      console.log('DIR ' + r.rows[0].data_directory);
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const dataDir = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        const m = /DIR (\S+)/.exec(buf);
        if (m) resolve(m[1]);
      });
      child.once('exit', (c) => reject(new Error(`child exited ${c}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const pm = Number(fs.readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    expect(() => process.kill(pm, 0)).not.toThrow(); // orphaned, still running
    sweepLeftovers(serverAccount(), true);
    const deadline = Date.now() + 5000;
    let running = true;
    while (running && Date.now() < deadline) {
      try {
        process.kill(pm, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        running = false;
      }
    }
    expect(running).toBe(false);
    expect(fs.existsSync(dataDir)).toBe(false);
  }, 60_000);
});

describe('embedded package installed with --ignore-scripts', () => {
  it('recreates the missing shared-library links so postgres still loads', async () => {
    const os = await import('node:os');
    const path = await import('node:path');
    const { embeddedBindir, hydrateSymlinks } = await import('../../labs/providers/postgres/index.js');
    const pkgDir = path.dirname(path.dirname(embeddedBindir()));
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-pgpkg-'));
    try {
      spawnSync('cp', ['-a', path.join(pkgDir, 'native'), copy]);
      const links = JSON.parse(fs.readFileSync(path.join(copy, 'native', 'pg-symlinks.json'), 'utf8')) as Array<{
        target: string;
      }>;
      for (const l of links) fs.rmSync(path.join(copy, l.target), { force: true });
      expect(spawnSync(path.join(copy, 'native', 'bin', 'postgres'), ['--version']).status).not.toBe(0);
      hydrateSymlinks(copy);
      const r = spawnSync(path.join(copy, 'native', 'bin', 'postgres'), ['--version'], { encoding: 'utf8' });
      expect(r.stdout).toMatch(/postgres \(PostgreSQL\) \d+/);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('warming ahead of the first lab', () => {
  it('builds the template once so the next start is warm', async () => {
    const os = await import('node:os');
    const path = await import('node:path');
    const { warmPostgres } = await import('../../labs/providers/postgres/index.js');
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-warm-'));
    const env: NodeJS.ProcessEnv = { ...process.env, VAULT_LAB_DATA_DIR: data };
    delete env.VAULT_LAB_POSTGRES_URL;
    try {
      // Templates are a cache: <VAULT_LAB_DATA_DIR>/cache/postgres (labs/runtime/paths.ts).
      expect(fs.existsSync(path.join(data, 'cache', 'postgres'))).toBe(false);
      expect(await warmPostgres(env)).toBe(true);
      expect(fs.existsSync(path.join(data, 'postgres'))).toBe(false);
      const cached = fs.readdirSync(path.join(data, 'cache', 'postgres')).filter((n) => !n.startsWith('.'));
      expect(cached).toEqual([expect.stringMatching(/^pg\d+\.\d+-\w[\w-]*-f\d+$/)]);
      const s = await startPostgres(ctx(env));
      expect((await s.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(2);
      await s.stop();
      expect(await warmPostgres({ ...env, VAULT_LAB_POSTGRES: 'system' })).toBe(false);
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});
