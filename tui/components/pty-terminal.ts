/**
 * The embedded shell: a real pseudo-terminal (node-pty) whose output is interpreted
 * by a headless xterm, so the lab screen can draw it — colours, cursor and scrollback
 * included — inside the Ink layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { IPty } from '@lydell/node-pty';
import type { Terminal as XTerm, IBufferCell } from '@xterm/headless';

const nodeRequire = createRequire(import.meta.url);

export interface PtyOptions {
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
  /** Called (throttled) when the screen changed. */
  onUpdate: () => void;
  onExit?: (code: number) => void;
  /** More rc lines for the shell (the lab session's shell integration). */
  rcExtra?: string;
  /** The shell's output as it arrives (the browser face mirrors it to xterm.js). */
  onData?: (data: string) => void;
}

export class PtyTerminal {
  readonly term: XTerm;
  private pty: IPty;
  private pendingUpdate: NodeJS.Immediate | null = null;
  exited = false;

  constructor(private opts: PtyOptions) {
    const { Terminal } = nodeRequire('@xterm/headless') as typeof import('@xterm/headless');
    const pty = nodeRequire('@lydell/node-pty') as typeof import('@lydell/node-pty');
    this.term = new Terminal({ cols: opts.cols, rows: opts.rows, scrollback: 2000, allowProposedApi: true });
    const rc = path.join(opts.cwd, '.vault-lab-bashrc');
    // The prompt says where you are; history stays in memory so tokens never land in a file.
    fs.writeFileSync(
      rc,
      [
        'unset HISTFILE',
        `PS1='\\[\\e[1;36m\\]vault-lab\\[\\e[0m\\]:\\W\\$ '`,
        'alias ll="ls -la"',
        opts.rcExtra ?? '',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    this.pty = pty.spawn('bash', ['--noprofile', '--rcfile', rc, '-i'], {
      name: 'xterm-256color',
      cols: opts.cols,
      rows: opts.rows,
      cwd: opts.cwd,
      env: { ...opts.env, TERM: 'xterm-256color', HISTFILE: '' },
    });
    this.pty.onData((d) => {
      this.term.write(d, () => this.scheduleUpdate());
      opts.onData?.(d);
    });
    this.pty.onExit(({ exitCode }) => {
      this.exited = true;
      this.scheduleUpdate();
      opts.onExit?.(exitCode);
    });
  }

  // Output arriving in one burst becomes one update; Ink's own frame limit does the rest.
  private scheduleUpdate() {
    if (this.pendingUpdate) return;
    this.pendingUpdate = setImmediate(() => {
      this.pendingUpdate = null;
      this.opts.onUpdate();
    });
  }

  write(data: string) {
    if (!this.exited) this.pty.write(data);
  }

  resize(cols: number, rows: number) {
    if (cols < 2 || rows < 2) return;
    this.term.resize(cols, rows);
    if (!this.exited) this.pty.resize(cols, rows);
    this.scheduleUpdate();
  }

  /** A full-screen program (pager, editor) switched to the alternate screen. */
  get fullScreen(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  /**
   * Rows of the screen in use, from the top down to the cursor or the last output; all of
   * them once the screen has scrolled, is scrolled back, or a full-screen program runs.
   */
  usedRows(): number {
    const buf = this.term.buffer.active;
    if (this.fullScreen || buf.baseY > 0 || buf.viewportY !== buf.baseY) return this.term.rows;
    let last = buf.cursorY;
    for (let y = this.term.rows - 1; y > last; y--) {
      if (buf.getLine(y)?.translateToString(true)) {
        last = y;
        break;
      }
    }
    return last + 1;
  }

  /**
   * The visible screen as lines with ANSI colours; the cursor drawn inverse when asked.
   * With `count` below the screen's rows (the pane has not grown to the full screen), the
   * rows in use are kept: the last `count` of them, ending at the cursor or last output.
   */
  lines(showCursor: boolean, color = true, count = this.term.rows): string[] {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    const cell = buf.getNullCell();
    const from = Math.max(0, Math.min(this.term.rows - count, this.usedRows() - count));
    for (let y = from; y < from + count; y++) {
      if (y >= this.term.rows) {
        out.push('');
        continue;
      }
      const line = buf.getLine(buf.viewportY + y);
      if (!line) {
        out.push('');
        continue;
      }
      let s = '';
      let lastSgr = '';
      const cursorHere = showCursor && y === buf.cursorY && buf.viewportY === buf.baseY;
      let end = this.term.cols;
      // Trim trailing blank cells (but keep the cursor's cell).
      while (
        end > 0 &&
        (line.getCell(end - 1, cell)?.getChars() ?? '') === '' &&
        !(cursorHere && end - 1 === buf.cursorX)
      )
        end--;
      for (let x = 0; x < end; x++) {
        const c = line.getCell(x, cell);
        if (!c || c.getWidth() === 0) continue;
        const inverseCursor = cursorHere && x === buf.cursorX;
        const sgr = color ? sgrOf(c, inverseCursor) : inverseCursor ? '\u001b[7m' : '';
        if (sgr !== lastSgr) {
          s += '\u001b[0m' + sgr;
          lastSgr = sgr;
        }
        s += c.getChars() || ' ';
      }
      if (cursorHere && buf.cursorX >= end)
        s += '\u001b[0m' + ' '.repeat(Math.max(0, buf.cursorX - end)) + '\u001b[7m \u001b[0m';
      if (lastSgr) s += '\u001b[0m';
      out.push(s);
    }
    return out;
  }

  /** Plain text of the screen (tests and screen captures). */
  text(): string {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return out.join('\n');
  }

  kill() {
    if (this.pendingUpdate) clearImmediate(this.pendingUpdate);
    if (!this.exited) {
      try {
        this.pty.kill('SIGHUP');
      } catch {
        /* gone */
      }
    }
    this.term.dispose();
  }
}

function colorCode(mode: 'fg' | 'bg', c: IBufferCell): string {
  const isFg = mode === 'fg';
  if (isFg ? c.isFgDefault() : c.isBgDefault()) return '';
  const v = isFg ? c.getFgColor() : c.getBgColor();
  if (isFg ? c.isFgRGB() : c.isBgRGB()) return `${isFg ? 38 : 48};2;${(v >> 16) & 255};${(v >> 8) & 255};${v & 255}`;
  if (isFg ? c.isFgPalette() : c.isBgPalette()) {
    if (v < 8) return String((isFg ? 30 : 40) + v);
    if (v < 16) return String((isFg ? 90 : 100) + v - 8);
    return `${isFg ? 38 : 48};5;${v}`;
  }
  return '';
}

function sgrOf(c: IBufferCell, cursor: boolean): string {
  const parts: string[] = [];
  if (c.isBold()) parts.push('1');
  if (c.isDim()) parts.push('2');
  if (c.isItalic()) parts.push('3');
  if (c.isUnderline()) parts.push('4');
  if (c.isInverse() !== 0 ? !cursor : cursor) parts.push('7');
  const fg = colorCode('fg', c),
    bg = colorCode('bg', c);
  if (fg) parts.push(fg);
  if (bg) parts.push(bg);
  return parts.length ? `\u001b[${parts.join(';')}m` : '';
}
