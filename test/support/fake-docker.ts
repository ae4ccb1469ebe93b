/**
 * A fake Docker Engine API on a Unix socket, for the docker way of the PostgreSQL provider
 * without Docker: it answers the calls testcontainers makes to start a `postgres` container
 * (ping, info, version, the bridge network, image inspect, create, start, inspect with the
 * port mapping, framed logs, exec of `psql` for snapshot/restore, stop, remove) and, as the
 * "container", starts our embedded PostgreSQL shaped like the image's fresh database
 * (POSTGRES_USER with POSTGRES_PASSWORD, POSTGRES_DB) on the "mapped" port.
 * Every call is logged (`calls`); an unknown one answers 404 and is logged too.
 * Image pulls are refused: nothing may come from the network.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cacheRoot, embeddedBindir } from '../../labs/providers/postgres/index.js';
import { startLocalCluster, type LocalCluster } from '../../labs/providers/postgres/local.js';

interface Container {
  id: string;
  create: {
    Image: string;
    Env?: string[];
    ExposedPorts?: Record<string, unknown>;
    Labels?: Record<string, string>;
    HostConfig?: { PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>>; Tmpfs?: object };
  };
  cluster?: LocalCluster;
  running: boolean;
  env: Record<string, string>;
}
interface Exec {
  id: string;
  container: Container;
  cmd: string[];
  exitCode?: number;
}

export interface FakeDocker {
  /** `unix://…` for DOCKER_HOST. */
  dockerHost: string;
  /** Each request as `METHOD /path` (API version prefix and query string removed). */
  calls: string[];
  /** The create requests' bodies. */
  created: Container['create'][];
  /** The commands run with exec. */
  execs: string[][];
  close(): Promise<void>;
}

/** Docker's multiplexed stream frame: stream id (1 stdout, 2 stderr), three zero bytes, length, payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** The `psql -U user -d db -c sql` that testcontainers' snapshot()/restoreSnapshot() run. */
async function runPsql(c: Container, cmd: string[]): Promise<{ code: number; out: string; err: string }> {
  const arg = (flag: string) => cmd[cmd.indexOf(flag) + 1];
  if (cmd[0] !== 'psql' || !cmd.includes('-c'))
    return { code: 127, out: '', err: `fake docker: cannot run ${cmd[0]}\n` };
  if (!c.cluster) return { code: 1, out: '', err: 'container is not running\n' };
  // In the image, psql in the container logs in over the local socket without a password.
  const client = new pg.Client(c.cluster.superuser(arg('-d')));
  client.on('error', () => undefined);
  try {
    await client.connect();
    const r = await client.query(arg('-c'));
    return { code: 0, out: `${r.command} ${r.rowCount ?? ''}\n`, err: '' };
  } catch (e) {
    return { code: 1, out: '', err: `ERROR:  ${(e as Error).message}\n` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** As the image's entrypoint leaves it: only POSTGRES_USER (here: postgres), its password and POSTGRES_DB. */
async function shapeLikeTheImage(cluster: LocalCluster, env: Record<string, string>) {
  if ((env.POSTGRES_USER ?? 'postgres') !== 'postgres')
    throw new Error('the fake supports POSTGRES_USER=postgres only');
  const c = new pg.Client(cluster.superuser('template1'));
  await c.connect();
  try {
    await c.query(`ALTER ROLE postgres WITH PASSWORD '${env.POSTGRES_PASSWORD.replaceAll("'", "''")}'`);
    await c.query('DROP DATABASE lab');
    await c.query('DROP ROLE vaultadmin');
    await c.query('CREATE DATABASE postgres');
    const db = env.POSTGRES_DB ?? 'postgres';
    if (db !== 'postgres') await c.query(`CREATE DATABASE "${db}"`);
  } finally {
    await c.end();
  }
}

/** Starts the fake daemon on a socket in a private temporary folder. */
export async function startFakeDocker(): Promise<FakeDocker> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-fake-docker-'));
  const sock = path.join(dir, 'docker.sock');
  const calls: string[] = [];
  const created: Container['create'][] = [];
  const execs: string[][] = [];
  const containers = new Map<string, Container>();
  const execById = new Map<string, Exec>();
  let n = 0;

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (d) => {
        s += d;
      });
      req.on('end', () => resolve(s));
    });
  const inspect = (c: Container) => {
    const ports: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
    if (c.cluster)
      for (const p of Object.keys(c.create.ExposedPorts ?? {}))
        ports[p] = [
          {
            HostIp: c.create.HostConfig?.PortBindings?.[p]?.[0]?.HostIp || '0.0.0.0',
            HostPort: String(c.cluster.port),
          },
        ];
    return {
      Id: c.id,
      Name: `/fake-${c.id.slice(0, 8)}`,
      Created: new Date().toISOString(),
      Image: `sha256:${'f'.repeat(64)}`,
      State: { Status: c.running ? 'running' : 'exited', Running: c.running, ExitCode: 0 },
      Config: { Image: c.create.Image, Labels: c.create.Labels ?? {}, Hostname: c.id.slice(0, 12), Env: c.create.Env },
      HostConfig: c.create.HostConfig ?? {},
      NetworkSettings: { Ports: ports, Networks: { bridge: { IPAddress: '172.17.0.2', Gateway: '172.17.0.1' } } },
    };
  };

  async function route(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://docker');
    const p = url.pathname.replace(/^\/v\d+\.\d+/, '');
    calls.push(`${req.method} ${p}`);
    let m: RegExpExecArray | null;
    if (p === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain', 'api-version': '1.44' });
      return res.end('OK');
    }
    if (p === '/info')
      return json(res, 200, {
        ID: 'fake',
        ServerVersion: '27.0.0-fake',
        OperatingSystem: 'vault-lab fake Docker',
        OSType: 'linux',
        Architecture: 'x86_64',
        NCPU: 2,
        MemTotal: 2 ** 31,
        Labels: [],
        IndexServerAddress: 'https://index.docker.io/v1/',
      });
    if (p === '/version') return json(res, 200, { Version: '27.0.0-fake', ApiVersion: '1.44', Os: 'linux' });
    // testcontainers inside a container asks the bridge network's gateway: here, this machine.
    if (p === '/networks/bridge')
      return json(res, 200, { Name: 'bridge', IPAM: { Config: [{ Subnet: '127.0.0.0/8', Gateway: '127.0.0.1' }] } });
    if ((m = /^\/images\/(.+)\/json$/.exec(p))) {
      if (!/^postgres:17-alpine$/.test(decodeURIComponent(m[1])))
        return json(res, 404, { message: `No such image: ${decodeURIComponent(m[1])}` });
      return json(res, 200, { Id: `sha256:${'f'.repeat(64)}`, RepoTags: ['postgres:17-alpine'] });
    }
    if (p === '/images/create') return json(res, 500, { message: 'the fake Docker does not pull images (no network)' });
    // testcontainers looks for a reaper container of an earlier session: there is none.
    if (p === '/containers/json') return json(res, 200, []);
    if (p === '/containers/create' && req.method === 'POST') {
      const body = JSON.parse(await readBody(req)) as Container['create'];
      created.push(body);
      const id = `${(++n).toString(16).padStart(8, '0')}${'c'.repeat(56)}`;
      const env = Object.fromEntries(
        (body.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
      );
      containers.set(id, { id, create: body, running: false, env });
      return json(res, 201, { Id: id, Warnings: [] });
    }
    if (
      (m = /^\/containers\/([0-9a-f]+)\/(start|json|logs|exec|stop|wait)$/.exec(p)) ||
      (m = /^\/containers\/([0-9a-f]+)$/.exec(p))
    ) {
      const c = containers.get(m[1]);
      if (!c) return json(res, 404, { message: `No such container: ${m[1]}` });
      const what = m[2] ?? (req.method === 'DELETE' ? 'remove' : '');
      if (what === 'start') {
        if (!c.running) {
          c.cluster = await startLocalCluster(embeddedBindir(), cacheRoot(process.env), { spare: false });
          await shapeLikeTheImage(c.cluster, c.env);
          c.running = true;
        }
        res.writeHead(204);
        return res.end();
      }
      if (what === 'json') return json(res, 200, inspect(c));
      if (what === 'logs') {
        res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
        // What the image prints: the init server, then the real one.
        res.write(frame(1, 'The files belonging to this database system will be owned by user "postgres".\n'));
        res.write(frame(2, 'LOG:  database system is ready to accept connections\n'));
        res.write(frame(1, 'PostgreSQL init process complete; ready for start up.\n'));
        res.write(frame(2, 'LOG:  database system is ready to accept connections\n'));
        return res.end();
      }
      if (what === 'exec') {
        const body = JSON.parse(await readBody(req)) as { Cmd: string[] };
        execs.push(body.Cmd);
        const id = `${(++n).toString(16).padStart(8, '0')}${'e'.repeat(56)}`;
        execById.set(id, { id, container: c, cmd: body.Cmd });
        return json(res, 201, { Id: id });
      }
      if (what === 'stop' || what === 'remove') {
        if (c.cluster) await c.cluster.stop();
        c.cluster = undefined;
        c.running = false;
        if (what === 'remove') containers.delete(c.id);
        res.writeHead(204);
        return res.end();
      }
      if (what === 'wait') return json(res, 200, { StatusCode: 0 });
    }
    if ((m = /^\/exec\/([0-9a-f]+)\/(start|json)$/.exec(p))) {
      const e = execById.get(m[1]);
      if (!e) return json(res, 404, { message: `No such exec instance: ${m[1]}` });
      if (m[2] === 'json')
        return json(res, 200, { ID: e.id, Running: e.exitCode === undefined, ExitCode: e.exitCode ?? null });
      const r = await runPsql(e.container, e.cmd);
      e.exitCode = r.code;
      res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
      if (r.out) res.write(frame(1, r.out));
      if (r.err) res.write(frame(2, r.err));
      return res.end();
    }
    calls[calls.length - 1] += ' (unknown to the fake)';
    return json(res, 404, { message: `the fake Docker does not implement ${req.method} ${p}` });
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((e) => {
      if (!res.headersSent) json(res, 500, { message: String((e as Error).message) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  return {
    dockerHost: `unix://${sock}`,
    calls,
    created,
    execs,
    async close() {
      for (const c of containers.values()) await c.cluster?.stop().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
