/**
 * A private PostgreSQL cluster run from a folder of binaries (the npm-packaged ones, or
 * the machine's own): `initdb` once into a cached template, then per lab a copy of that
 * template started on a free loopback port. TCP logins use scram-sha-256; our own admin
 * connection uses the server's Unix socket in a private folder with peer authentication,
 * so no superuser password exists anywhere. Started as root, every file and process
 * belongs to an unprivileged user instead (postgres refuses to run as root anyway).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Bumped whenever the fixture (roles, database, tables) of the template changes. */
export const FIXTURE_VERSION = 1;
/** The lab database and the role the learner hands to the engine as its admin. */
export const LAB_DATABASE = 'lab';
export const LAB_ADMIN = 'vaultadmin';

/** The OS account the server runs as. */
export interface RunAs { uid: number; gid: number; name: string }

/**
 * Who runs the server: ourselves, or when we are root a dedicated unprivileged account
 * (`VAULT_LAB_POSTGRES_USER`, else `vault-lab-pg` when `.ci/run` created it, else `nobody`).
 */
const accounts = new Map<string, RunAs>();
export function serverAccount(env: NodeJS.ProcessEnv = process.env): RunAs | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const cached = accounts.get(env.VAULT_LAB_POSTGRES_USER ?? '');
  if (cached) return cached;
  const candidates = env.VAULT_LAB_POSTGRES_USER ? [env.VAULT_LAB_POSTGRES_USER] : ['vault-lab-pg', 'nobody'];
  for (const name of candidates) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (r.status === 0 && g.status === 0) {
      const a = { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()), name };
      accounts.set(env.VAULT_LAB_POSTGRES_USER ?? '', a);
      return a;
    }
  }
  throw new Error(`running as root, and none of the accounts ${candidates.join(', ')} exists to run PostgreSQL as (PostgreSQL refuses to run as root); create one with \`useradd --system vault-lab-pg\` or set VAULT_LAB_POSTGRES_USER`);
}

function spawnOpts(runAs: RunAs | null) {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

/** A private folder (0700) owned by the server account. */
function privateDir(prefix: string, runAs: RunAs | null): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o700);
  if (runAs) fs.chownSync(dir, runAs.uid, runAs.gid);
  return dir;
}

function run(bin: string, args: string[], runAs: RunAs | null, what: string) {
  const r = spawnSync(bin, args, { encoding: 'utf8', ...spawnOpts(runAs), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
  return r.stdout;
}

/** `postgres --version` → `17.6`; also proves the account may execute the binaries. */
const versions = new Map<string, string>();
export function serverVersion(bindir: string, runAs: RunAs | null): string {
  const key = `${bindir}\0${runAs?.uid ?? ''}`;
  const known = versions.get(key);
  if (known) return known;
  const out = run(path.join(bindir, 'postgres'), ['--version'], runAs, `${path.join(bindir, 'postgres')} --version${runAs ? ` (as ${runAs.name})` : ''}`);
  const m = /(\d+(?:\.\d+)?)/.exec(out);
  if (!m) throw new Error(`cannot read the version from "${out.trim()}"`);
  versions.set(key, m[1]);
  return m[1];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** `cp -a` without blocking the event loop (the TUI keeps drawing); node's copy as a fallback. */
async function copyTree(from: string, to: string) {
  const code = await new Promise<number | null>((resolve) => {
    // Copy-on-write where the filesystem offers it (btrfs, xfs): the copy becomes nearly free.
    const c = spawn('cp', process.platform === 'linux' ? ['-a', '--reflink=auto', from, to] : ['-a', from, to], { stdio: 'ignore' });
    c.once('error', () => resolve(-1));
    c.once('exit', (n) => resolve(n));
  });
  if (code !== 0) {
    fs.rmSync(to, { recursive: true, force: true });
    fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
  }
}

function chownTree(dir: string, runAs: RunAs) {
  const r = spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir]);
  if (r.status !== 0) throw new Error(`cannot give ${dir} to ${runAs.name}: ${r.stderr?.toString().trim()}`);
}

/** The OS user name our own process connects as (peer authentication maps it to the superuser). */
function osUser(): string {
  try { return os.userInfo().username; } catch { return process.env.USER ?? 'root'; }
}

interface Running { child: ChildProcess; port: number; socketDir: string; log: string[]; exited: Promise<number | null> }

/** Starts `postgres` on a data folder; resolves once a socket connection succeeds. */
async function startServer(bindir: string, dataDir: string, socketDir: string, runAs: RunAs | null, tcp: boolean, extra: string[] = []): Promise<Running> {
  fs.writeFileSync(path.join(dataDir, 'pg_ident.conf'), `vaultlab ${osUser()} postgres\n`, { mode: 0o600 });
  if (runAs) fs.chownSync(path.join(dataDir, 'pg_ident.conf'), runAs.uid, runAs.gid);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const args = [
      '-D', dataDir, '-p', String(port),
      '-c', `listen_addresses=${tcp ? '127.0.0.1' : ''}`,
      '-c', `unix_socket_directories=${socketDir}`,
      '-c', 'unix_socket_permissions=0700',
      // A throwaway lab server: durability buys nothing, start and setup time matter.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'shared_buffers=16MB', '-c', 'max_connections=60',
      // Never write statement text (it can hold passwords) to the log.
      '-c', 'log_min_error_statement=panic', '-c', 'log_min_messages=fatal', '-c', 'logging_collector=off',
      ...extra,
    ];
    const child = spawn(path.join(bindir, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...spawnOpts(runAs), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
    const log: string[] = [];
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => { log.push(...s.split('\n').filter(Boolean)); if (log.length > 50) log.splice(0, log.length - 50); });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let gone: number | null | undefined;
    void exited.then((c) => { gone = c; });
    child.once('error', (e) => log.push(e.message));
    const deadline = Date.now() + 15000;
    while (gone === undefined && Date.now() < deadline) {
      const c = new pg.Client({ host: socketDir, port, user: 'postgres', database: 'template1' });
      c.on('error', () => undefined);
      try { await c.connect(); await c.end(); return { child, port, socketDir, log, exited }; } catch { await c.end().catch(() => undefined); }
      await new Promise((r) => setTimeout(r, 8));
    }
    if (gone === undefined) { child.kill('SIGKILL'); await exited; throw new Error(`PostgreSQL did not accept connections within 15 s: ${log.slice(-3).join(' ')}`); }
    if (attempt < 2 && log.some((l) => /could not bind|Address already in use/.test(l))) continue; // lost the port race
    throw new Error(`PostgreSQL exited ${gone} while starting: ${log.slice(-3).join(' ') || 'no output'}`);
  }
}

async function stopServer(r: Running) {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  r.child.kill('SIGINT'); // fast shutdown: ends sessions, no waiting for clients
  const t = setTimeout(() => r.child.kill('SIGKILL'), 5000);
  await r.exited;
  clearTimeout(t);
}

const FIXTURE_SQL = [
  `CREATE ROLE ${LAB_ADMIN} WITH LOGIN CREATEROLE`,
  `CREATE DATABASE ${LAB_DATABASE} OWNER ${LAB_ADMIN}`,
  // Every lab copies this folder: the unused default database is a quarter of its size.
  `DROP DATABASE postgres`,
];
/** The lab tables, created by their owner (the lab admin) so it may grant on them. */
export const FIXTURE_TABLES_SQL = [
  `CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL)`,
  `INSERT INTO products (name, price_cents) VALUES ('notebook', 450), ('pencil', 120), ('backpack', 3900)`,
  `CREATE TABLE orders (id serial PRIMARY KEY, product_id integer REFERENCES products(id), quantity integer NOT NULL, placed_at timestamptz NOT NULL DEFAULT now())`,
  `INSERT INTO orders (product_id, quantity) VALUES (1, 2), (3, 1)`,
];
const FIXTURE_DB_SQL = [`SET ROLE ${LAB_ADMIN}`, ...FIXTURE_TABLES_SQL, `RESET ROLE`];

/**
 * The binaries as the server account can run them. Started as root from a private folder
 * (say node_modules under /root), the unprivileged account cannot reach them: a read-only
 * copy of the distribution (bin, lib, share) is staged once in a root-owned folder.
 */
export function reachableBindir(bindir: string, runAs: RunAs | null): string {
  if (!runAs) return bindir;
  try { serverVersion(bindir, runAs); return bindir; } catch (first) {
    const root = path.dirname(bindir);
    const tag = createHash('sha256').update(root + String(fs.statSync(path.join(bindir, 'postgres')).mtimeMs)).digest('hex').slice(0, 12);
    let stage = path.join(os.tmpdir(), `vault-lab-pgdist-${tag}`);
    const trusted = (d: string) => { try { const st = fs.lstatSync(d); return st.isDirectory() && st.uid === 0 && (st.mode & 0o022) === 0; } catch { return false; } };
    if (fs.existsSync(stage) && !trusted(stage)) stage = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-pgdist-'));
    if (!fs.existsSync(path.join(stage, 'bin', 'postgres'))) {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-pgdist-tmp-'));
      for (const part of ['bin', 'lib', 'share']) {
        if (fs.existsSync(path.join(root, part))) spawnSync('cp', ['-a', path.join(root, part), path.join(tmp, part)]);
      }
      spawnSync('chmod', ['-R', 'a+rX,go-w', tmp]);
      fs.chmodSync(tmp, 0o755);
      try { fs.renameSync(tmp, stage); } catch { fs.rmSync(tmp, { recursive: true, force: true }); }
    }
    const staged = path.join(stage, 'bin');
    try { serverVersion(staged, runAs); } catch (e) {
      throw new Error(`${runAs.name} cannot run the PostgreSQL binaries (${(first as Error).message}), not even a copy in ${stage} (${(e as Error).message})`);
    }
    return staged;
  }
}

/**
 * The cached template for a folder of binaries: made once (initdb + the lab fixture),
 * then reused. Concurrent first runs each build one and the first rename wins.
 */
export async function ensureTemplate(bindir: string, cacheRoot: string, runAs: RunAs | null, progress: (m: string) => void = () => undefined, take?: string): Promise<{ dir: string; key: string; version: string; cold: boolean; taken: boolean }> {
  const version = serverVersion(bindir, runAs);
  const key = `pg${version}-${runAs ? runAs.name : 'self'}-f${FIXTURE_VERSION}`;
  const dir = path.join(cacheRoot, key);
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return { dir, key, version, cold: false, taken: false };
  progress(`preparing a PostgreSQL ${version} template (once)…`);
  fs.mkdirSync(cacheRoot, { recursive: true, mode: 0o700 });
  const work = privateDir('vault-lab-pginit-', runAs);
  try {
    const data = path.join(work, 'data');
    run(path.join(bindir, 'initdb'), ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions', '--wal-segsize=1',
      '--auth-local=peer', '--auth-host=scram-sha-256'], runAs, 'initdb');
    fs.writeFileSync(path.join(data, 'pg_hba.conf'), [
      '# vault-lab: our own admin connection (socket in a private folder, mapped OS user only)',
      'local all postgres peer map=vaultlab',
      '# everyone else: loopback TCP with a password',
      'host all all 127.0.0.1/32 scram-sha-256',
      '',
    ].join('\n'), { mode: 0o600 });
    if (runAs) fs.chownSync(path.join(data, 'pg_hba.conf'), runAs.uid, runAs.gid);
    const sock = path.join(work, 'sock');
    fs.mkdirSync(sock, { mode: 0o700 });
    if (runAs) fs.chownSync(sock, runAs.uid, runAs.gid);
    // Small WAL limits so the template keeps as few segments as possible.
    const srv = await startServer(bindir, data, sock, runAs, false, ['-c', 'min_wal_size=2MB', '-c', 'max_wal_size=4MB']);
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
    try { fs.renameSync(staging, dir); } catch { fs.rmSync(staging, { recursive: true, force: true }); }
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) throw new Error(`could not store the template in ${dir}`);
    // The folder just built is a perfect first copy: hand it over instead of copying again.
    let taken = false;
    if (take) { try { fs.renameSync(data, take); taken = true; } catch { /* another filesystem: the caller copies */ } }
    return { dir, key, version, cold: true, taken };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * One spare copy of the template per template key, prepared in the background after a
 * lab starts, so the next lab (in this process or a later one) only renames a folder.
 * A spare is accepted only when it is a real folder owned by the server account and
 * private to it.
 */
const preparing = new Map<string, Promise<void>>();
const spareTmp = new Set<string>();
// Per OS user: in a shared /tmp another user's spare could be neither claimed nor replaced.
const spareName = (key: string) => path.join(os.tmpdir(), `vault-lab-pg-spare-${process.getuid?.() ?? 0}-${key}`);

async function claimSpare(key: string, target: string, uid: number): Promise<boolean> {
  await preparing.get(key);
  try { fs.renameSync(spareName(key), target); } catch { return false; }
  const st = fs.lstatSync(target);
  if (st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0 && fs.existsSync(path.join(target, 'PG_VERSION'))) return true;
  fs.rmSync(target, { recursive: true, force: true });
  return false;
}

function prepareSpare(key: string, template: string) {
  if (preparing.has(key) || fs.existsSync(spareName(key))) return;
  const tmp = path.join(os.tmpdir(), `vault-lab-pg-spare-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  spareTmp.add(tmp);
  const job = (async () => {
    try {
      await copyTree(template, tmp);
      try { fs.renameSync(tmp, spareName(key)); } catch { /* someone else's spare won */ }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      spareTmp.delete(tmp);
      preparing.delete(key);
    }
  })();
  preparing.set(key, job.catch(() => undefined));
}

const alive = (pid: number) => { if (!pid) return false; try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; } };

/**
 * Removes what a crashed or killed earlier run left in the temp folder: lab clusters whose
 * owning process is gone (their server is stopped first) and half-made spare copies.
 * Only folders belonging to the server account are touched. Runs once per process.
 */
let swept = false;
export function sweepLeftovers(runAs: RunAs | null, again = false) {
  if (swept && !again) return;
  swept = true;
  const uid = runAs?.uid ?? process.getuid?.() ?? -1;
  let names: string[] = [];
  try { names = fs.readdirSync(os.tmpdir()); } catch { return; }
  for (const name of names) {
    const full = path.join(os.tmpdir(), name);
    let owner = 0;
    if (/^vault-lab-pg-spare-tmp-(\d+)-/.test(name)) owner = Number(/^vault-lab-pg-spare-tmp-(\d+)-/.exec(name)![1]);
    else if (/^vault-lab-pg-(?!spare-)[A-Za-z0-9]{6}$/.test(name)) {
      try { owner = Number(fs.readFileSync(path.join(full, 'owner'), 'utf8')); } catch { continue; }
    } else continue;
    try { const st = fs.lstatSync(full); if (!st.isDirectory() || (st.uid !== uid && st.uid !== process.getuid?.())) continue; } catch { continue; }
    if (alive(owner)) continue;
    try {
      const pm = Number(fs.readFileSync(path.join(full, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (alive(pm) && fs.readFileSync(`/proc/${pm}/cmdline`, 'utf8').includes('postgres')) process.kill(pm, 'SIGQUIT');
    } catch { /* no server was running */ }
    try { fs.rmSync(full, { recursive: true, force: true }); } catch { /* best effort */ }
  }
}

/** Resolves when every spare copy being prepared in the background is done. */
export async function sparesReady(): Promise<void> { await Promise.all([...preparing.values()]); }

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
  for (const t of spareTmp) { try { fs.rmSync(t, { recursive: true, force: true }); } catch { /* best effort */ } }
  for (const l of live) {
    try { l.child.kill('SIGQUIT'); } catch { /* already gone */ }
    try { fs.rmSync(l.dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
});

/** Copies the template into a private folder and starts it on a free loopback port. */
export async function startLocalCluster(bindir: string, cacheRoot: string, opts: { env?: NodeJS.ProcessEnv; progress?: (m: string) => void; spare?: boolean } = {}): Promise<LocalCluster> {
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
    if (!tpl.taken && !(useSpare && await claimSpare(tpl.key, data, runAs?.uid ?? process.getuid?.() ?? -1))) await copyTree(tpl.dir, data);
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
      port: running.port, version: tpl.version, adminPassword, cold: tpl.cold,
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
export async function warmTemplate(bindir: string, cacheRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const runAs = serverAccount(env);
  bindir = reachableBindir(bindir, runAs);
  const tpl = await ensureTemplate(bindir, cacheRoot, runAs);
  prepareSpare(tpl.key, tpl.dir);
  await preparing.get(tpl.key);
}
