/**
 * A private PostgreSQL cluster run from a folder of binaries (the npm-packaged ones, or
 * the machine's own): `initdb` once into a cached template, then per lab a copy of that
 * template started on a free loopback port. TCP logins use scram-sha-256; our own admin
 * connection uses the server's Unix socket in a private folder with peer authentication,
 * so no superuser password exists anywhere. Started as root, every file and process
 * belongs to an unprivileged user instead (postgres refuses to run as root anyway).
 *
 * The parts: run-as.ts (the OS account), process.ts (one postgres process),
 * template-cache.ts, spares.ts, sweep.ts (leftovers of crashed runs), fixture.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { LAB_ADMIN, LAB_DATABASE } from './fixture.js';
import { startServer, stopServer, type Running } from './process.js';
import { chownTree, privateDir, reachableBindir, serverAccount } from './run-as.js';
import { claimSpare, prepareSpare, waitForSpare } from './spares.js';
import { copyTree, ensureTemplate } from './template-cache.js';
import { sweepLeftovers } from './sweep.js';

/** A started lab cluster. */
export interface LocalCluster {
  port: number;
  version: string;
  /** The lab admin's password (random per cluster, lives only in memory and the learner's environment). */
  adminPassword: string;
  /** A superuser connection config over the private socket. */
  superuser(database?: string): pg.ClientConfig;
  stop(): Promise<void>;
  /** Whether the template had to be built (cold) or was reused (warm). */
  cold: boolean;
}

const live = new Set<{ child: ChildProcess; dir: string }>();
process.once('exit', () => {
  for (const l of live) {
    try {
      l.child.kill('SIGQUIT');
    } catch {
      /* already gone */
    }
    try {
      fs.rmSync(l.dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
});

/** Copies the template into a private folder and starts it on a free loopback port. */
export async function startLocalCluster(
  bindir: string,
  cacheRoot: string,
  opts: { env?: NodeJS.ProcessEnv; progress?: (m: string) => void; spare?: boolean } = {},
): Promise<LocalCluster> {
  const runAs = serverAccount(opts.env);
  bindir = reachableBindir(bindir, runAs);
  sweepLeftovers(runAs);
  const dir = privateDir('vault-lab-pg-', runAs);
  fs.writeFileSync(path.join(dir, 'owner'), String(process.pid), { mode: 0o600 });
  let srv: Running | undefined;
  try {
    const data = path.join(dir, 'data');
    const tpl = await ensureTemplate(bindir, cacheRoot, runAs, opts.progress, data);
    const useSpare = opts.spare !== false;
    if (!tpl.taken && !(useSpare && (await claimSpare(tpl.key, data, runAs?.uid ?? process.getuid?.() ?? -1))))
      await copyTree(tpl.dir, data);
    if (runAs && fs.statSync(data).uid !== runAs.uid) chownTree(data, runAs);
    fs.chmodSync(data, 0o700);
    const sock = path.join(dir, 'sock');
    fs.mkdirSync(sock, { mode: 0o700 });
    if (runAs) fs.chownSync(sock, runAs.uid, runAs.gid);
    srv = await startServer(bindir, data, sock, runAs, true);
    const entry = { child: srv.child, dir };
    live.add(entry);
    const adminPassword = randomBytes(18).toString('base64url');
    const c = new pg.Client({ host: sock, port: srv.port, user: 'postgres', database: LAB_DATABASE });
    await c.connect();
    await c.query(`ALTER ROLE ${LAB_ADMIN} WITH PASSWORD '${adminPassword}'`); // base64url: no quote can occur
    // Counters start at zero in every lab, so a check can tell "someone read products" apart.
    await c.query('SELECT pg_stat_reset()');
    await c.end();
    const running = srv;
    if (useSpare) prepareSpare(tpl.key, tpl.dir);
    return {
      port: running.port,
      version: tpl.version,
      adminPassword,
      cold: tpl.cold,
      superuser: (database = LAB_DATABASE) => ({ host: sock, port: running.port, user: 'postgres', database }),
      async stop() {
        await stopServer(running);
        live.delete(entry);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (srv) await stopServer(srv);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Builds the template (and a spare copy) ahead of time, e.g. while the learner reads the
 * course map, so the first database lab starts warm. Safe to call repeatedly.
 */
export async function warmTemplate(
  bindir: string,
  cacheRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const runAs = serverAccount(env);
  bindir = reachableBindir(bindir, runAs);
  const tpl = await ensureTemplate(bindir, cacheRoot, runAs);
  prepareSpare(tpl.key, tpl.dir);
  await waitForSpare(tpl.key);
}
