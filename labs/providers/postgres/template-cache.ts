/**
 * The template cache: `initdb` plus the lab fixture, made once per PostgreSQL version,
 * server account and fixture version, then copied for every lab.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { FIXTURE_DB_SQL, FIXTURE_SQL, FIXTURE_VERSION, LAB_DATABASE } from './fixture.js';
import { startServer, stopServer } from './process.js';
import { privateDir, run, serverVersion, type RunAs } from './run-as.js';

/** `cp -a` without blocking the event loop (the TUI keeps drawing); node's copy as a fallback. */
export async function copyTree(from: string, to: string) {
  const code = await new Promise<number | null>((resolve) => {
    // Copy-on-write where the filesystem offers it (btrfs, xfs): the copy becomes nearly free.
    const c = spawn('cp', process.platform === 'linux' ? ['-a', '--reflink=auto', from, to] : ['-a', from, to], {
      stdio: 'ignore',
    });
    c.once('error', () => resolve(-1));
    c.once('exit', (n) => resolve(n));
  });
  if (code !== 0) {
    fs.rmSync(to, { recursive: true, force: true });
    fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
  }
}

/**
 * The cached template for a folder of binaries: made once (initdb + the lab fixture),
 * then reused. Concurrent first runs each build one and the first rename wins.
 */
export async function ensureTemplate(
  bindir: string,
  cacheRoot: string,
  runAs: RunAs | null,
  progress: (m: string) => void = () => undefined,
  take?: string,
): Promise<{ dir: string; key: string; version: string; cold: boolean; taken: boolean }> {
  const version = serverVersion(bindir, runAs);
  const key = `pg${version}-${runAs ? runAs.name : 'self'}-f${FIXTURE_VERSION}`;
  const dir = path.join(cacheRoot, key);
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return { dir, key, version, cold: false, taken: false };
  progress(`preparing a PostgreSQL ${version} template (once)…`);
  fs.mkdirSync(cacheRoot, { recursive: true, mode: 0o700 });
  const work = privateDir('vault-lab-pginit-', runAs);
  try {
    const data = path.join(work, 'data');
    run(
      path.join(bindir, 'initdb'),
      [
        '-D',
        data,
        '-U',
        'postgres',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
        '--wal-segsize=1',
        '--auth-local=peer',
        '--auth-host=scram-sha-256',
      ],
      runAs,
      'initdb',
    );
    fs.writeFileSync(
      path.join(data, 'pg_hba.conf'),
      [
        '# vault-lab: our own admin connection (socket in a private folder, mapped OS user only)',
        'local all postgres peer map=vaultlab',
        '# everyone else: loopback TCP with a password',
        'host all all 127.0.0.1/32 scram-sha-256',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    if (runAs) fs.chownSync(path.join(data, 'pg_hba.conf'), runAs.uid, runAs.gid);
    const sock = path.join(work, 'sock');
    fs.mkdirSync(sock, { mode: 0o700 });
    if (runAs) fs.chownSync(sock, runAs.uid, runAs.gid);
    // Small WAL limits so the template keeps as few segments as possible.
    const srv = await startServer(bindir, data, sock, runAs, false, [
      '-c',
      'min_wal_size=2MB',
      '-c',
      'max_wal_size=4MB',
    ]);
    try {
      const c = new pg.Client({ host: sock, port: srv.port, user: 'postgres', database: 'template1' });
      await c.connect();
      for (const q of FIXTURE_SQL) await c.query(q);
      await c.end();
      const d = new pg.Client({ host: sock, port: srv.port, user: 'postgres', database: LAB_DATABASE });
      await d.connect();
      for (const q of FIXTURE_DB_SQL) await d.query(q);
      await d.query('CHECKPOINT');
      await d.end();
    } finally {
      await stopServer(srv);
    }
    fs.rmSync(path.join(data, 'pg_ident.conf'), { force: true });
    const staging = path.join(cacheRoot, `.${key}-${randomBytes(4).toString('hex')}`);
    await copyTree(data, staging);
    try {
      fs.renameSync(staging, dir);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) throw new Error(`could not store the template in ${dir}`);
    // The folder just built is a perfect first copy: hand it over instead of copying again.
    let taken = false;
    if (take) {
      try {
        fs.renameSync(data, take);
        taken = true;
      } catch {
        /* another filesystem: the caller copies */
      }
    }
    return { dir, key, version, cold: true, taken };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
