/**
 * One `postgres` process on a data folder: started on a free loopback port (retrying a
 * lost port race), ready once its private socket accepts a connection, stopped fast.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { spawnOpts, type RunAs } from './run-as.js';

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

/** The OS user name our own process connects as (peer authentication maps it to the superuser). */
function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

export interface Running {
  child: ChildProcess;
  port: number;
  socketDir: string;
  log: string[];
  exited: Promise<number | null>;
}

/** Starts `postgres` on a data folder; resolves once a socket connection succeeds. */
export async function startServer(
  bindir: string,
  dataDir: string,
  socketDir: string,
  runAs: RunAs | null,
  tcp: boolean,
  extra: string[] = [],
): Promise<Running> {
  fs.writeFileSync(path.join(dataDir, 'pg_ident.conf'), `vaultlab ${osUser()} postgres\n`, { mode: 0o600 });
  if (runAs) fs.chownSync(path.join(dataDir, 'pg_ident.conf'), runAs.uid, runAs.gid);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const args = [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      `listen_addresses=${tcp ? '127.0.0.1' : ''}`,
      '-c',
      `unix_socket_directories=${socketDir}`,
      '-c',
      'unix_socket_permissions=0700',
      // A throwaway lab server: durability buys nothing, start and setup time matter.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'shared_buffers=16MB',
      '-c',
      'max_connections=60',
      // Never write statement text (it can hold passwords) to the log.
      '-c',
      'log_min_error_statement=panic',
      '-c',
      'log_min_messages=fatal',
      '-c',
      'logging_collector=off',
      ...extra,
    ];
    const child = spawn(path.join(bindir, 'postgres'), args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...spawnOpts(runAs),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    });
    const log: string[] = [];
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      log.push(...s.split('\n').filter(Boolean));
      if (log.length > 50) log.splice(0, log.length - 50);
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let gone: number | null | undefined;
    void exited.then((c) => {
      gone = c;
    });
    child.once('error', (e) => log.push(e.message));
    const deadline = Date.now() + 15000;
    while (gone === undefined && Date.now() < deadline) {
      const c = new pg.Client({ host: socketDir, port, user: 'postgres', database: 'template1' });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.end();
        return { child, port, socketDir, log, exited };
      } catch {
        await c.end().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 8));
    }
    if (gone === undefined) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`PostgreSQL did not accept connections within 15 s: ${log.slice(-3).join(' ')}`);
    }
    if (attempt < 2 && log.some((l) => /could not bind|Address already in use/.test(l))) continue; // lost the port race
    throw new Error(`PostgreSQL exited ${gone} while starting: ${log.slice(-3).join(' ') || 'no output'}`);
  }
}

export async function stopServer(r: Running) {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  r.child.kill('SIGINT'); // fast shutdown: ends sessions, no waiting for clients
  const t = setTimeout(() => r.child.kill('SIGKILL'), 5000);
  await r.exited;
  clearTimeout(t);
}
