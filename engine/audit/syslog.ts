/**
 * The `syslog` audit device: each entry goes to the local syslog daemon as one datagram,
 * `<PRI>Mmm dd hh:mm:ss TAG[PID]: ENTRY` — the local form Vault's writer (go-syslog) sends.
 *
 * Like Vault it tries `/dev/log`, `/var/run/syslog` and `/var/run/log` in turn (datagram,
 * then stream), and enabling fails with Vault's "Unix syslog delivery error" when none
 * answers. One deviation: a path in `VAULT_LAB_SYSLOG_SOCKET` is tried first, so a lab can
 * point the device at a receiver of its own instead of the machine's /dev/log.
 *
 * Node has no Unix datagram sockets (`dgram` is udp4/udp6 only), so each device keeps one
 * util-linux `logger` (Debian's bsdutils, always installed) reading entries from its stdin,
 * one per line, with `--id` set to our PID and `-s` echoing each message back on stderr:
 * the echo, or a `logger:` warning before it, tells us whether that entry went out — so an
 * entry that could not be sent fails the request like a file that cannot be written.
 * Facility KERN is accepted but goes out as USER: logger refuses to send as the kernel.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import { userError } from '../sdk/errors.js';

/** The sockets Vault's syslog writer tries, in order. */
export const SYSTEM_SYSLOG_PATHS = ['/dev/log', '/var/run/syslog', '/var/run/log'];

/** The environment variable naming a socket tried before the system ones (a lab's receiver). */
export const SYSLOG_SOCKET_ENV = 'VAULT_LAB_SYSLOG_SOCKET';

const FACILITIES = [
  'KERN',
  'USER',
  'MAIL',
  'DAEMON',
  'AUTH',
  'SYSLOG',
  'LPR',
  'NEWS',
  'UUCP',
  'CRON',
  'AUTHPRIV',
  'FTP',
  'LOCAL0',
  'LOCAL1',
  'LOCAL2',
  'LOCAL3',
  'LOCAL4',
  'LOCAL5',
  'LOCAL6',
  'LOCAL7',
];

/** Where the syslog device looks for a daemon. */
export interface SyslogContext {
  /** Read for `VAULT_LAB_SYSLOG_SOCKET` (default: the process environment). */
  env?: Record<string, string | undefined>;
  /** The system sockets tried after it (default: Vault's three). */
  systemPaths?: string[];
}

/** Longest entry handed to logger; longer ones fail (no datagram carries them anyway). */
const MAX_ENTRY = 1 << 20;
const WRITE_TIMEOUT_MS = 5000;
const LOGGER_ENV = { PATH: process.env.PATH || '/usr/bin:/bin', LC_ALL: 'C' };

const creationError = (why: string) =>
  userError(`failed to create audit device: error configuring sink node: event.NewSyslogSink: ${why}`);

/** Whether a syslog daemon answers on `socket` (logger connects, sends nothing, exits 0). */
function answers(socket: string): Promise<boolean | 'no-logger'> {
  return new Promise((resolve) => {
    const c = spawn('logger', ['-u', socket, '--socket-errors=on'], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: LOGGER_ENV,
    });
    c.once('error', (e) => resolve((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no-logger' : false));
    c.once('exit', (code) => resolve(code === 0));
  });
}

/** An audit sink (devices.ts' `AuditSink`, spelled out here so the two files do not import each other). */
export interface SyslogSink {
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

export async function syslogSink(options: Record<string, string>, ctx: SyslogContext = {}): Promise<SyslogSink> {
  const facility = (options.facility ?? 'AUTH').toUpperCase();
  if (!FACILITIES.includes(facility))
    throw creationError(`error creating syslogger: invalid syslog facility: ${facility}`);
  // go-syslog falls back to the program's name for an empty tag: Vault's is `vault`.
  const tag = options.tag === undefined || options.tag === '' ? 'vault' : options.tag;
  const env = ctx.env ?? process.env;
  const candidates = [env[SYSLOG_SOCKET_ENV], ...(ctx.systemPaths ?? SYSTEM_SYSLOG_PATHS)].filter(
    (p): p is string => !!p,
  );

  const findSocket = async (): Promise<string> => {
    for (const p of candidates) {
      const ok = await answers(p);
      if (ok === 'no-logger')
        throw new Error(
          'the syslog audit device sends through util-linux `logger`, which is not installed (Debian/Ubuntu: `apt-get install bsdutils`)',
        );
      if (ok) return p;
    }
    throw new Error('Unix syslog delivery error');
  };

  let socket: string;
  try {
    socket = await findSocket();
  } catch (e) {
    throw creationError(`error creating syslogger: ${(e as Error).message}`);
  }

  interface Pending {
    resolve: () => void;
    reject: (e: Error) => void;
    warning?: string;
    timer: NodeJS.Timeout;
  }
  /** One logger process and the entries it has not acknowledged yet, oldest first. */
  interface Writer {
    proc: ChildProcess;
    pending: Pending[];
  }
  let child: Writer | null = null;
  let starting: Promise<Writer> | null = null;
  let closed = false;

  const failAll = (w: Writer, why: string) => {
    for (const p of w.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(new Error(`error writing to syslog: ${p.warning ?? why}`));
    }
  };

  const start = (): Writer => {
    const proc = spawn(
      'logger',
      [
        ...['-u', socket, '--socket-errors=on', '-s', '-S', String(MAX_ENTRY), `--id=${process.pid}`],
        ...['-t', tag, '-p', `${facility.toLowerCase()}.info`],
      ],
      { stdio: ['pipe', 'ignore', 'pipe'], env: LOGGER_ENV },
    );
    const w: Writer = { proc, pending: [] };
    let last = '';
    readline.createInterface({ input: proc.stderr! }).on('line', (line) => {
      if (line.startsWith('logger: ')) {
        last = line.slice('logger: '.length);
        if (w.pending[0] && !w.pending[0].warning) w.pending[0].warning = last;
        return;
      }
      // The echo of one message: it was handed to the socket, or failed with the warning before it.
      const p = w.pending.shift();
      if (!p) return;
      clearTimeout(p.timer);
      if (p.warning) p.reject(new Error(`error writing to syslog: ${p.warning}`));
      else p.resolve();
    });
    proc.stdin!.on('error', () => undefined);
    const gone = () => {
      if (child === w) child = null;
      failAll(w, last || 'the syslog writer stopped');
    };
    proc.once('exit', gone);
    proc.once('error', gone);
    child = w;
    return w;
  };

  return {
    async write(line) {
      if (closed) throw new Error('the syslog audit device is closed');
      const msg = line.replace(/\n$/, '');
      // One entry must be one message: logger splits at newlines and at its size limit.
      if (msg.includes('\n')) throw new Error('error writing to syslog: the entry holds a line break');
      if (Buffer.byteLength(msg) > MAX_ENTRY) throw new Error('error writing to syslog: message too long');
      // As go-syslog does after a failed write: look for a daemon again, once.
      const c =
        child ??
        (await (starting ??= findSocket()
          .then((found) => {
            socket = found;
            return start();
          })
          .finally(() => {
            starting = null;
          })));
      if (c !== child) throw new Error('error writing to syslog: the syslog writer stopped');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          // A daemon that stopped reading blocks the writer: start over with a fresh one.
          if (child === c) child = null;
          c.proc.kill('SIGKILL');
          failAll(c, 'timed out');
        }, WRITE_TIMEOUT_MS);
        timer.unref?.();
        c.pending.push({ resolve, reject, timer });
        c.proc.stdin!.write(`${msg}\n`);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const c = child?.proc;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.stdin!.end();
      const t = setTimeout(() => c.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    },
  };
}
