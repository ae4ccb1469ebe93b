/**
 * The docker way: only when the learner asks (`VAULT_LAB_POSTGRES=docker`) and a Docker socket
 * answers. The container is driven through testcontainers, which is not a dependency of
 * vault-lab (it could not be tested here): when Docker answers but the package is
 * missing, the error says how to add it.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ProviderContext } from '../types.js';
import { FIXTURE_TABLES_SQL, LAB_ADMIN, LAB_DATABASE } from './fixture.js';

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

/** Resolves when `GET /_ping` answers OK within a second; otherwise rejects with why. */
export function pingDocker(env: NodeJS.ProcessEnv): Promise<void> {
  const ep = dockerEndpoint(env);
  return new Promise((resolve, reject) => {
    if (!ep.socketPath && !ep.host)
      return reject(new Error(`DOCKER_HOST=${ep.label} is not a unix:// or tcp:// address`));
    const req = http.get(
      { socketPath: ep.socketPath, host: ep.host, port: ep.port, path: '/_ping', timeout: 1000 },
      (res) => {
        res.resume();
        if (res.statusCode === 200) resolve();
        else reject(new Error(`Docker at ${ep.label} answered ${res.statusCode} to /_ping`));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`Docker at ${ep.label} did not answer within 1 s`)));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
            ? `no Docker socket answered at ${ep.label} (is Docker running?)`
            : `Docker at ${ep.label}: ${e.message}`,
        ),
      ),
    );
  });
}

interface Started {
  getHost(): string;
  getMappedPort(p: number): number;
  stop(): Promise<unknown>;
}
interface Builder {
  withEnvironment(e: Record<string, string>): Builder;
  withExposedPorts(...p: number[]): Builder;
  withWaitStrategy(w: unknown): Builder;
  start(): Promise<Started>;
}
interface TC {
  GenericContainer: new (image: string) => Builder;
  Wait: { forLogMessage(m: RegExp, times: number): unknown };
}

/** Starts `postgres:17-alpine` with the lab fixture. */
export async function startDocker(ctx: ProviderContext) {
  await pingDocker(ctx.env);
  let tc: TC;
  try {
    tc = (await import(/* @vite-ignore */ 'testcontainers' as string)) as TC;
  } catch {
    throw new Error(
      'Docker answers, but the testcontainers package is not installed next to vault-lab (`npm i testcontainers`)',
    );
  }
  ctx.progress('starting a PostgreSQL container…');
  const adminPassword = randomBytes(18).toString('base64url');
  // The image's entrypoint starts a temporary server to initialise, then the real one:
  // wait for the second "ready" line, not just for the port.
  const started = await new tc.GenericContainer('postgres:17-alpine')
    .withEnvironment({ POSTGRES_USER: LAB_ADMIN, POSTGRES_PASSWORD: adminPassword, POSTGRES_DB: LAB_DATABASE })
    .withExposedPorts(5432)
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const host = started.getHost() === 'localhost' ? '127.0.0.1' : started.getHost();
  const port = started.getMappedPort(5432);
  const admin: pg.ClientConfig = { host, port, user: LAB_ADMIN, password: adminPassword, database: LAB_DATABASE };
  const client = new pg.Client(admin);
  client.on('error', () => undefined);
  try {
    await client.connect();
    for (const q of FIXTURE_TABLES_SQL) await client.query(q);
  } catch (e) {
    await started.stop().catch(() => undefined);
    throw new Error(`the container started but its database could not be prepared: ${(e as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    host,
    port,
    database: LAB_DATABASE,
    adminUser: LAB_ADMIN,
    adminPassword,
    admin,
    stop: async () => {
      await started.stop();
    },
  };
}
