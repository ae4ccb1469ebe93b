/**
 * Audit device sinks: where formatted entries go.
 * - `file`: appends to a file (created with `mode`, default 0600); `stdout` and `discard`
 *   are special paths as in Vault.
 * - `socket`: one JSON line per entry over TCP to a loopback address, reconnecting once
 *   when the connection dropped.
 * - `syslog`: the local syslog daemon (syslog.ts).
 * A sink that cannot write throws, so the broker can fail the request closed.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parseDuration } from '../sdk/duration.js';
import { userError } from '../sdk/errors.js';
import { type SyslogContext, syslogSink } from './syslog.js';

export interface AuditSink {
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Parses Go's strconv.ParseBool spellings. */
export function parseBoolOption(name: string, v: string | undefined, def: boolean): boolean {
  if (v === undefined || v === '') return def;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw userError(`unable to parse '${name}': strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** Where a sink runs: the directory a relative `file_path` resolves against. */
export interface SinkContext {
  workDir: string;
  /** Where a `syslog` device looks for a daemon. */
  syslog?: SyslogContext;
}

export async function fileSink(options: Record<string, string>, ctx: SinkContext): Promise<AuditSink> {
  const target = options.file_path ?? options.path;
  if (!target) throw userError('file_path is required');
  if (target === 'discard') return { write: async () => undefined, close: async () => undefined };
  if (target === 'stdout')
    return {
      write: async (l) => {
        process.stdout.write(l);
      },
      close: async () => undefined,
    };
  const modeText = options.mode ?? '0600';
  if (!/^[0-7]{3,4}$/.test(modeText))
    throw userError(`invalid mode "${modeText}": expected an octal file mode such as 0600`);
  const mode = parseInt(modeText, 8);
  const file = path.resolve(ctx.workDir, target);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, mode || 0o600);
    // "0000" means leave the mode alone, as in Vault.
    if (mode) await fh.chmod(mode);
  } catch (e) {
    throw userError(`sanity check failed; unable to open "${file}" for writing: ${(e as Error).message}`);
  }
  let closed = false;
  // Group commit: while one write is on disk, entries queue up and the next write takes them
  // all at once. Each entry's promise settles only when the write holding it did, so a
  // request still waits until its entry is written (or fails with the write's error).
  let queue: Array<{ line: string; done: (e?: Error) => void }> = [];
  let draining: Promise<void> | null = null;
  const drain = async () => {
    while (queue.length) {
      const batch = queue;
      queue = [];
      let err: Error | undefined;
      try {
        await fh.write(batch.map((b) => b.line).join(''));
      } catch (e) {
        err = e as Error;
      }
      for (const b of batch) b.done(err);
    }
    draining = null;
  };
  return {
    write(line) {
      if (closed) return Promise.reject(new Error(`audit file ${file} is closed`));
      return new Promise<void>((resolve, reject) => {
        queue.push({ line, done: (e) => (e ? reject(e) : resolve()) });
        draining ??= drain();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await draining;
      await fh.close().catch(() => undefined);
    },
  };
}

export async function socketSink(options: Record<string, string>): Promise<AuditSink> {
  const address = options.address;
  if (!address) throw userError('address is required');
  const type = options.socket_type ?? 'tcp';
  if (type !== 'tcp') throw userError(`socket_type "${type}" is not supported: vault-lab audit sockets use tcp`);
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!m) throw userError(`invalid address "${address}": expected host:port`);
  const [, host, port] = m;
  if (!LOOPBACK.has(host))
    throw userError(`audit sockets may only connect to a loopback address (127.0.0.1), not ${host}`);
  const timeoutMs = parseDuration(options.write_timeout ?? '2s') * 1000;
  let sock: net.Socket | null = null;

  const connect = () =>
    new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: host === 'localhost' ? '127.0.0.1' : host, port: Number(port) });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`connecting to ${address} timed out`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.setNoDelay(true);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  const send = (s: net.Socket, line: string) =>
    new Promise<void>((resolve, reject) => {
      if (s.destroyed || !s.writable) {
        reject(new Error('socket closed'));
        return;
      }
      const timer = setTimeout(() => reject(new Error(`writing to ${address} timed out`)), timeoutMs);
      s.write(line, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
  const fresh = async () => {
    sock?.destroy();
    sock = await connect();
    sock.on('error', () => {
      sock?.destroy();
    });
    return sock;
  };
  try {
    await fresh();
  } catch (e) {
    throw userError(`sanity check failed; unable to open socket "${address}": ${(e as Error).message}`);
  }
  return {
    async write(line) {
      try {
        await send(sock && !sock.destroyed ? sock : await fresh(), line);
      } catch {
        await send(await fresh(), line);
      }
    },
    async close() {
      sock?.end();
      sock?.destroy();
      sock = null;
    },
  };
}

export const SINK_TYPES: Record<string, (o: Record<string, string>, ctx: SinkContext) => Promise<AuditSink>> = {
  file: fileSink,
  socket: socketSink,
  syslog: (o, ctx) => syslogSink(o, ctx.syslog),
};
