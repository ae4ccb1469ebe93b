/**
 * What `vault-lab test` says while it works, on stderr: on a terminal one status line that is
 * redrawn (which lab is starting PostgreSQL or a cluster, how many labs are done); in a log
 * (not a terminal) each distinct provisioning message once, so CI output stays short.
 * Also the closing per-lab times.
 */

/** Where progress goes: stderr, or a test's fake. */
export interface ProgressSink {
  write(s: string): unknown;
  isTTY?: boolean;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class TestProgress {
  private readonly said = new Set<string>();
  private line = '';
  private shown = false;
  private frame = 0;
  private done = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sink: ProgressSink | undefined,
    private readonly labs: number,
  ) {}

  /** A message from a lab's session (`starting PostgreSQL (embedded)…`). */
  note(lab: string, msg: string) {
    if (!this.sink) return;
    if (this.sink.isTTY) {
      this.line = `${lab}: ${msg}`;
      this.draw();
      if (!this.timer) {
        this.timer = setInterval(() => this.draw(), 120);
        this.timer.unref();
      }
      return;
    }
    // A log gets the outside systems only, each kind of message once.
    if (!/PostgreSQL|Kubernetes|kind cluster|container|template/i.test(msg)) return;
    const key = msg.replace(/\s*\(.*?\)/g, '');
    if (this.said.has(key)) return;
    this.said.add(key);
    this.sink.write(`vault-lab test: ${lab}: ${msg}\n`);
  }

  /** One more lab printed. */
  labDone() {
    this.done++;
    if (this.sink?.isTTY && this.shown) this.draw();
  }

  /** Wraps the results' writer so the status line never mixes into them. */
  around(write: (s: string) => void): (s: string) => void {
    return (s) => {
      const was = this.shown;
      this.clear();
      write(s);
      if (was) this.draw();
    };
  }

  /** Takes the status line away for good. */
  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private draw() {
    if (!this.sink?.isTTY || !this.line) return;
    this.frame = (this.frame + 1) % FRAMES.length;
    const text = `${FRAMES[this.frame]} [${this.done}/${this.labs} labs] ${this.line}`;
    const width = (process.stderr.columns || 80) - 1;
    this.sink.write(`\r\x1b[2K${text.length > width ? text.slice(0, width - 1) + '…' : text}`);
    this.shown = true;
  }

  private clear() {
    if (this.shown && this.sink?.isTTY) this.sink.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** `1.2s`, `850ms`, `2m05s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The closing table: each lab, pass or fail, its walks and its wall time, slowest labs visible at a glance. */
export function labTimes(rows: Array<{ lab: string; ok: boolean; walks: number; ms: number }>): string {
  if (!rows.length) return '';
  const width = Math.max(...rows.map((r) => r.lab.length));
  const lines = rows.map(
    (r) =>
      `  ${r.ok ? '✓' : '✗'} ${r.lab.padEnd(width)}  ${formatMs(r.ms).padStart(7)}  ${r.walks} walk${r.walks === 1 ? '' : 's'}`,
  );
  return `\nPer lab:\n${lines.join('\n')}\n`;
}
