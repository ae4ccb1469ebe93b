/**
 * `needs: [syslog]`: a syslog daemon of the lab's own, so the `syslog` audit device has
 * somewhere to send. A lab cannot own the machine's /dev/log, so a small python3 receiver
 * binds a Unix datagram socket (Node cannot: `dgram` is UDP only) and appends each message,
 * as received, as one line to `syslog.log` in the workspace. The lab's engine gets the
 * socket as `VAULT_LAB_SYSLOG_SOCKET` (tried before /dev/log); the shell gets
 * `LAB_SYSLOG_FILE` and `LAB_SYSLOG_SOCKET`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProviderError, registerProvider, type ProvidedSystem, type ProviderContext } from '../types.js';

export interface SyslogSystem extends ProvidedSystem {
  kind: 'syslog';
  socket: string;
  logFile: string;
}

/** Binds argv[1], prints "ready", then writes each datagram as one line to argv[2]. */
const RECEIVER = `
import os, socket, sys
sock_path, log_path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock_path)
os.chmod(sock_path, 0o600)
fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
print("ready", flush=True)
while True:
    data = s.recv(1 << 20).rstrip(b"\\n").replace(b"\\n", b" ")
    os.write(fd, data + b"\\n")
`;

export async function startSyslog(ctx: ProviderContext): Promise<SyslogSystem> {
  ctx.progress('starting a syslog receiver…');
  // Socket paths are short (108 bytes): the socket lives in a private temp folder, the log in the workspace.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-syslog-'));
  const socket = path.join(dir, 'log.sock');
  const logFile = path.join(ctx.workspace, 'syslog.log');
  const python = ctx.env.VAULT_LAB_PYTHON || 'python3';
  const child: ChildProcess = spawn(python, ['-c', RECEIVER, socket, logFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: ctx.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const ready = await new Promise<string | true>((resolve) => {
    const timer = setTimeout(() => resolve('it did not start within 10 s'), 10_000);
    child.stdout!.setEncoding('utf8').once('data', () => {
      clearTimeout(timer);
      resolve(true);
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'python3 is not installed' : e.message);
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(stderr.trim().split('\n').slice(-1)[0] || 'it exited');
    });
  });
  if (ready !== true) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw new ProviderError(
      `this lab runs a small syslog receiver with python3, and it could not start: ${ready} (Debian/Ubuntu: \`apt-get install python3\`; or set VAULT_LAB_PYTHON)`,
    );
  }
  let stopped = false;
  return {
    kind: 'syslog',
    via: 'system',
    label: `syslog receiver (python3) on ${socket}, writing syslog.log`,
    socket,
    logFile,
    env: { LAB_SYSLOG_FILE: logFile, LAB_SYSLOG_SOCKET: socket },
    engineEnv: { VAULT_LAB_SYSLOG_SOCKET: socket },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await gone;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

registerProvider({ kind: 'syslog', start: startSyslog });
