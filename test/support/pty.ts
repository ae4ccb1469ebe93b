/**
 * Drives a real binary in a pseudo-terminal and reads its screen through a headless
 * xterm, the way a learner's terminal would show it.
 */
import { createRequire } from 'node:module';
import type { IPty } from '@lydell/node-pty';
import type { Terminal } from '@xterm/headless';

const require = createRequire(import.meta.url);

export class PtySession {
  readonly pty: IPty;
  readonly term: Terminal;
  exitCode: number | null = null;
  /** Everything the program wrote, escape sequences included. */
  raw = '';
  private exitWaiters: Array<(c: number) => void> = [];

  constructor(
    cmd: string,
    args: string[],
    opts: {
      cols?: number;
      rows?: number;
      cwd?: string;
      env?: Record<string, string>;
      /** Load node-pty and xterm as this file would (an installed package), not from the checkout. */
      requireFrom?: string;
    } = {},
  ) {
    const req = opts.requireFrom ? createRequire(opts.requireFrom) : require;
    const { Terminal: T } = req('@xterm/headless') as typeof import('@xterm/headless');
    const nodePty = req('@lydell/node-pty') as typeof import('@lydell/node-pty');
    const cols = opts.cols ?? 80,
      rows = opts.rows ?? 24;
    this.term = new T({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.pty = nodePty.spawn(cmd, args, {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: opts.cwd,
      env: { ...(process.env as Record<string, string>), TERM: 'xterm-256color', ...(opts.env ?? {}) },
    });
    this.pty.onData((d) => {
      this.raw += d;
      this.term.write(d);
    });
    this.pty.onExit(({ exitCode }) => {
      this.exitCode = exitCode;
      this.exitWaiters.forEach((w) => w(exitCode));
    });
  }

  /** The visible screen as text. */
  screen(): string {
    const b = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  async waitFor(re: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      await new Promise<void>((r) => this.term.write('', () => r()));
      const s = this.screen();
      if (typeof re === 'string' ? s.includes(re) : re.test(s)) return s;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${re}; screen was:\n${s}`);
      if (this.exitCode !== null)
        throw new Error(`process exited (${this.exitCode}) while waiting for ${re}; screen was:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  type(s: string) {
    this.pty.write(s);
  }

  /** On the course map, moves the selection down (↓) to the lab with this title; the map then. */
  async selectLab(title: string): Promise<string> {
    let screen = await this.waitFor('Enter start/resume');
    const selectedLine = (sc: string) => sc.split('\n').find((l) => l.includes('› ')) ?? '';
    for (let i = 0; i < 40 && !selectedLine(screen).includes(title); i++) {
      const before = selectedLine(screen);
      this.type('\u001b[B');
      const t0 = Date.now();
      while (selectedLine((screen = this.screen())) === before && Date.now() - t0 < 10_000)
        await new Promise((r) => setTimeout(r, 30));
    }
    return this.waitFor(`› ${title}`);
  }

  /** Resizes the terminal (the program gets SIGWINCH) and the screen we read. */
  resize(cols: number, rows: number) {
    this.term.resize(cols, rows);
    this.pty.resize(cols, rows);
  }

  waitExit(timeoutMs = 10_000): Promise<number> {
    if (this.exitCode !== null) return Promise.resolve(this.exitCode);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('process did not exit')), timeoutMs);
      this.exitWaiters.push((c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
  }

  kill() {
    try {
      this.pty.kill();
    } catch {
      /* gone */
    }
  }
}
