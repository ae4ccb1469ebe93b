/**
 * The engine clock: the only source of time for TTLs, leases and expiry.
 *
 * It follows wall time plus an offset that `advance()` grows, so a lab can jump an hour
 * ahead and watch leases expire at once. A frozen clock (tests) only moves on `advance()`.
 * Timers are kept here, ordered by due time, and fired both by a real timer and by
 * `advance()` — deterministically, in due order.
 */
import { parseDuration } from './duration.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void | Promise<void>;
}

export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null;
  private timers: Timer[] = [];
  private nextId = 1;
  private handle: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(opts: { frozen?: boolean; start?: Date } = {}) {
    this.frozenAt = opts.frozen ? (opts.start ?? new Date()).getTime() : null;
    if (!opts.frozen && opts.start) this.offsetMs = opts.start.getTime() - Date.now();
  }

  /** Milliseconds since the epoch, on the engine's time line. */
  nowMs(): number {
    return (this.frozenAt ?? Date.now()) + this.offsetMs;
  }
  now(): Date {
    return new Date(this.nowMs());
  }
  /** Unix seconds. */
  unix(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Moves time forward (`'1h'`, `90`, …) and fires every timer that came due, in order. */
  async advance(by: string | number): Promise<void> {
    const secs = typeof by === 'number' ? by : parseDuration(by);
    if (secs < 0) throw new Error('the clock cannot go backwards');
    this.offsetMs += secs * 1000;
    await this.fireDue();
  }

  /** Runs `fn` when the clock reaches `atMs`. Returns a cancel function. */
  at(atMs: number, fn: () => void | Promise<void>): () => void {
    const t: Timer = { id: this.nextId++, at: atMs, fn };
    // Binary search keeps insertion cheap with thousands of pending token and lease timers;
    // the real timer only needs re-arming when the earliest one changes.
    let lo = 0,
      hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.timers[mid].at <= atMs) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, t);
    if (lo === 0) this.arm();
    return () => {
      const i = this.timers.indexOf(t);
      if (i === -1) return;
      this.timers.splice(i, 1);
      if (i === 0) this.arm();
    };
  }

  /** Number of pending timers (for tests and leak checks). */
  pending(): number {
    return this.timers.length;
  }

  stop(): void {
    this.stopped = true;
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    this.timers = [];
  }

  private firing = false;
  private async fireDue(): Promise<void> {
    if (this.firing) return;
    this.firing = true;
    try {
      while (this.timers.length && this.timers[0].at <= this.nowMs()) {
        const t = this.timers.shift()!;
        try {
          await t.fn();
        } catch {
          /* a timer's failure is its owner's to record */
        }
      }
    } finally {
      this.firing = false;
      this.arm();
    }
  }

  private arm(): void {
    if (this.handle) {
      clearTimeout(this.handle);
      this.handle = null;
    }
    if (this.stopped || this.frozenAt !== null || this.timers.length === 0) return;
    const delay = Math.max(0, Math.min(this.timers[0].at - this.nowMs(), 2 ** 31 - 1));
    this.handle = setTimeout(() => {
      this.handle = null;
      void this.fireDue();
    }, delay);
    this.handle.unref();
  }
}
