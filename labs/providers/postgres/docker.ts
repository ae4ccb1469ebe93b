/**
 * The docker way (`VAULT_LAB_POSTGRES=docker`): `postgres:17-alpine` started through
 * testcontainers' PostgreSQL module, with its data on tmpfs and its port bound to loopback.
 * The module is an optional peer dependency of vault-lab (the learner adds it next to
 * vault-lab), loaded only here, so nobody else pays for it. The lab database holds the same
 * admin role and tables as the embedded way (fixture.ts); each step's database is saved
 * with the container's snapshot() and put back by restoreSnapshot() when the step is reset
 * (with the privileges of generated roles kept aside: step-grants.ts).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { PostgreSqlContainer, StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import type { ProviderContext } from '../types.js';
import { FIXTURE_DB_SQL, LAB_ADMIN, LAB_DATABASE } from './fixture.js';
import { regrant, type SavedGrant, stripGrants } from './step-grants.js';

/** The optional peer dependency, and the line that still runs on Node 20 (12.1+ needs Node 22). */
export const TESTCONTAINERS_PACKAGE = '@testcontainers/postgresql';
export const TESTCONTAINERS_LINE = '11';
export const POSTGRES_IMAGE = 'postgres:17-alpine';
const SUPERUSER = 'postgres';
/** The template database that holds the current step's starting point. */
const STEP_SNAPSHOT = 'vault_lab_step';

/** Where Docker should answer: `DOCKER_HOST` (unix:// or tcp://) or the default socket. */
export function dockerEndpoint(env: NodeJS.ProcessEnv): {
  socketPath?: string;
  host?: string;
  port?: number;
  label: string;
} {
  const h = env.DOCKER_HOST;
  if (!h) return { socketPath: '/var/run/docker.sock', label: '/var/run/docker.sock' };
  if (h.startsWith('unix://')) return { socketPath: h.slice(7), label: h };
  const m = /^tcp:\/\/([^:/]+):(\d+)/.exec(h);
  if (m) return { host: m[1], port: Number(m[2]), label: h };
  return { label: h };
}

/** Resolves when `GET /_ping` answers OK within 3 s (a busy machine); otherwise rejects with why. */
export function pingDocker(env: NodeJS.ProcessEnv): Promise<void> {
  const ep = dockerEndpoint(env);
  const unreachable = (why: string) => new Error(`Docker is not reachable: ${why}`);
  return new Promise((resolve, reject) => {
    if (!ep.socketPath && !ep.host)
      return reject(unreachable(`DOCKER_HOST=${ep.label} is not a unix:// or tcp:// address`));
    const req = http.get(
      { socketPath: ep.socketPath, host: ep.host, port: ep.port, path: '/_ping', timeout: 3000 },
      (res) => {
        res.resume();
        if (res.statusCode === 200) resolve();
        else reject(unreachable(`${ep.label} answered ${res.statusCode} to /_ping`));
      },
    );
    req.on('timeout', () => req.destroy(unreachable(`${ep.label} did not answer within 3 s`)));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.message.startsWith('Docker is not reachable')
          ? e
          : unreachable(
              e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
                ? `nothing answers at ${ep.label} (start Docker, or point DOCKER_HOST at it)`
                : `${ep.label}: ${e.message}`,
            ),
      ),
    );
  });
}

interface Modules {
  PostgreSqlContainer: typeof PostgreSqlContainer;
  Wait: typeof import('testcontainers').Wait;
}

/**
 * Where the PostgreSQL module is installed. When it is missing the error says how to add
 * it; no stack trace reaches the learner. (Resolving costs nothing; loading it takes a
 * second, so that waits until Docker has answered.)
 */
export function resolveTestcontainers(): string {
  try {
    return createRequire(import.meta.url).resolve(TESTCONTAINERS_PACKAGE);
  } catch {
    throw new Error(
      `VAULT_LAB_POSTGRES=docker needs the ${TESTCONTAINERS_PACKAGE} package, which is not installed next to ` +
        `vault-lab: add it with \`npm i ${TESTCONTAINERS_PACKAGE}@${TESTCONTAINERS_LINE}\` in the folder where ` +
        'vault-lab is installed (version 12.1 and later need Node 22)',
    );
  }
}

/** Loads the module and the testcontainers core it depends on (resolved from the module, hoisted or not). */
function loadTestcontainers(entry: string): Modules {
  const req = createRequire(entry);
  try {
    return {
      PostgreSqlContainer: (req(TESTCONTAINERS_PACKAGE) as Modules).PostgreSqlContainer,
      Wait: (req('testcontainers') as Modules).Wait,
    };
  } catch (e) {
    throw new Error(
      `${TESTCONTAINERS_PACKAGE} is installed but does not load (${(e as Error).message.split('\n')[0]}); ` +
        `reinstall it with \`npm i ${TESTCONTAINERS_PACKAGE}@${TESTCONTAINERS_LINE}\``,
    );
  }
}

/** Runs statements as the superuser on the `postgres` database (never the lab's own). */
async function asSuperuser(cfg: pg.ClientConfig, statements: string[]) {
  const c = new pg.Client({ ...cfg, database: 'postgres' });
  c.on('error', () => undefined);
  try {
    await c.connect();
    for (const q of statements) await c.query(q);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Starts `postgres:17-alpine` with the lab fixture. */
export async function startDocker(ctx: ProviderContext) {
  const entry = resolveTestcontainers();
  await pingDocker(ctx.env);
  const tc = loadTestcontainers(entry);
  ctx.progress(`starting a PostgreSQL container (${POSTGRES_IMAGE})…`);
  const superPassword = randomBytes(18).toString('base64url');
  const adminPassword = randomBytes(18).toString('base64url');
  const builder = new tc.PostgreSqlContainer(POSTGRES_IMAGE)
    .withDatabase(LAB_DATABASE)
    .withUsername(SUPERUSER)
    .withPassword(superPassword)
    // A lab's database lives as long as the lab: memory is enough, and nothing stays on disk.
    .withTmpFs({ '/var/lib/postgresql/data': 'rw,noexec,nosuid,size=512m' })
    // The image's entrypoint starts a temporary server to initialise, then the real one:
    // the second "ready" line is the one that counts.
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(120_000);
  // testcontainers publishes on every interface; the lab database is for this machine only.
  // (No builder method sets the host address: the create request's port binding is changed.)
  (builder as unknown as { hostConfig: { PortBindings: Record<string, unknown> } }).hostConfig.PortBindings = {
    '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '0' }],
  };
  let started: StartedPostgreSqlContainer;
  try {
    started = await builder.start();
  } catch (e) {
    throw new Error(`the ${POSTGRES_IMAGE} container did not start: ${(e as Error).message.split('\n')[0]}`);
  }
  const host = started.getHost() === 'localhost' ? '127.0.0.1' : started.getHost();
  const port = started.getPort();
  const admin: pg.ClientConfig = { host, port, user: SUPERUSER, password: superPassword, database: LAB_DATABASE };
  try {
    // The same lab admin as the embedded way: may create roles, owns the lab database and its tables.
    await asSuperuser(admin, [
      `CREATE ROLE ${LAB_ADMIN} WITH LOGIN CREATEROLE PASSWORD '${adminPassword}'`, // base64url: no quote
      `ALTER DATABASE ${LAB_DATABASE} OWNER TO ${LAB_ADMIN}`,
    ]);
    const c = new pg.Client(admin);
    c.on('error', () => undefined);
    try {
      await c.connect();
      for (const q of [...FIXTURE_DB_SQL, 'SELECT pg_stat_reset()']) await c.query(q);
    } finally {
      await c.end().catch(() => undefined);
    }
  } catch (e) {
    await started.stop().catch(() => undefined);
    throw new Error(`the container started but its database could not be prepared: ${(e as Error).message}`);
  }
  let stepGrants: SavedGrant[] = [];
  return {
    host,
    port,
    database: LAB_DATABASE,
    adminUser: LAB_ADMIN,
    adminPassword,
    admin,
    version: '17',
    /**
     * Saves the lab database as the step's starting point. Copying a database needs it
     * idle: connections are refused and the open ones (the engine's pool, the checks')
     * closed for the moment of the copy; their pools reconnect.
     */
    snapshot: async () => {
      await asSuperuser(admin, [
        `ALTER DATABASE ${LAB_DATABASE} ALLOW_CONNECTIONS false`,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${LAB_DATABASE}'`,
      ]);
      try {
        await started.snapshot(STEP_SNAPSHOT);
      } finally {
        await asSuperuser(admin, [`ALTER DATABASE ${LAB_DATABASE} ALLOW_CONNECTIONS true`]);
      }
      // So that the engine may still drop a role that holds privileges (step-grants.ts).
      stepGrants = await stripGrants(admin, STEP_SNAPSHOT, [SUPERUSER, LAB_ADMIN]);
    },
    /** Puts the lab database back as the step found it (the roles, cluster-wide, stay). */
    restore: async () => {
      await started.restoreSnapshot(STEP_SNAPSHOT);
      await asSuperuser(admin, [`ALTER DATABASE ${LAB_DATABASE} OWNER TO ${LAB_ADMIN}`]);
      await regrant(admin, LAB_DATABASE, stepGrants);
    },
    stop: async () => {
      await started.stop();
    },
  };
}
