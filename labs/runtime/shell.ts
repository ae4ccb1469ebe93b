/**
 * A persistent bash for running setup and solution commands headlessly, so state
 * carries between commands (`export RO_TOKEN=…`) exactly as in a learner's shell.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface ShellResult {
  output: string;
  code: number;
}

export class ScriptShell {
  private proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private waiting: {
    marker: string;
    resolve: (r: ShellResult) => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
  } | null = null;
  private exited = false;

  constructor(cwd: string, env: Record<string, string>) {
    // Its own process group, so close() also stops what the commands left running in the
    // background (a `vault-lab server … &` started by a lab step).
    this.proc = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: 'pipe', detached: true });
    this.proc.stdout.on('data', (d) => this.onData(d));
    this.proc.stderr.on('data', (d) => this.onData(d));
    this.proc.on('exit', () => {
      this.exited = true;
      if (this.waiting) {
        clearTimeout(this.waiting.timer);
        this.waiting.reject(new Error('the shell exited'));
        this.waiting = null;
      }
    });
  }

  private onData(d: Buffer) {
    this.buf += d.toString('utf8');
    const w = this.waiting;
    if (!w) return;
    const i = this.buf.indexOf(w.marker);
    if (i === -1) return;
    const rest = this.buf.slice(i + w.marker.length);
    const m = /^:(\d+)\n/.exec(rest);
    if (!m) return;
    const output = this.buf.slice(0, i);
    this.buf = rest.slice(m[0].length);
    clearTimeout(w.timer);
    this.waiting = null;
    w.resolve({ output, code: Number(m[1]) });
  }

  /** Runs one command (may span lines, e.g. a heredoc); resolves with output and exit code. */
  run(command: string, timeoutMs = 30_000): Promise<ShellResult> {
    if (this.exited) return Promise.reject(new Error('the shell has exited'));
    if (this.waiting) return Promise.reject(new Error('one command at a time'));
    const marker = `__VL_${randomBytes(6).toString('hex')}__`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`command timed out after ${timeoutMs} ms: ${command.split('\n')[0]}`));
      }, timeoutMs);
      this.waiting = { marker, resolve, reject, timer };
      this.buf = '';
      // A group keeps exports in this shell; stdin is closed so nothing waits for input.
      this.proc.stdin.write(`{\n${command}\n} </dev/null 2>&1\nprintf '%s:%s\\n' '${marker}' "$?"\n`);
    });
  }

  close() {
    if (this.proc.pid !== undefined) {
      try {
        process.kill(-this.proc.pid, 'SIGTERM');
      } catch {
        /* the group is already gone */
      }
    }
    if (!this.exited) {
      this.proc.stdin.end();
      this.proc.kill('SIGTERM');
    }
  }
}
