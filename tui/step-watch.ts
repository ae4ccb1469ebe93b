/**
 * Two things the lab controller keeps an eye on while a step runs: the check trace (while
 * its panel is open, it follows every change of the step, one evaluation at a time) and the
 * diagnostics the learner meets, counted in progress for `vault-lab report`.
 */
import type { LabSession, ProgressStore, TraceNode } from '../labs/index.js';

export class CheckTrace {
  trace: TraceNode[] | null = null;
  private on = false;
  private running = false;
  private dirty = false;

  constructor(
    private readonly session: LabSession,
    private readonly host: { ready(): boolean; update(): void; failed(why: string): void },
  ) {}

  set(on: boolean) {
    if (on === this.on) return;
    this.on = on;
    if (on) this.refresh();
    else this.trace = null;
  }

  /** Evaluates the trace again (coalesced with one already running). */
  refresh() {
    if (!this.on || !this.host.ready()) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = true;
    void (async () => {
      try {
        await this.session.settle();
        this.trace = await this.session.trace();
      } catch (e) {
        this.host.failed((e as Error).message);
      } finally {
        this.running = false;
        this.host.update();
        if (this.dirty) {
          this.dirty = false;
          this.refresh();
        }
      }
    })();
  }
}

/**
 * Counts each failing check message the learner meets once a command of theirs has finished
 * (not the passing states while it runs), once per step; quoted values are blanked so no
 * typed value is kept.
 */
export class DiagnosticsLog {
  private seen = new Set<string>();
  private didSomething = false;

  constructor(
    private readonly store: ProgressStore,
    private readonly labId: string,
  ) {}

  acted() {
    this.didSomething = true;
  }

  stepBegan() {
    this.seen = new Set();
    this.didSomething = false;
  }

  /** After an evaluation: the first one after a command is what the learner met. */
  note(session: LabSession) {
    const step = session.step;
    if (!step || !this.didSomething) return;
    this.didSomething = false;
    const fresh = session.results
      .filter((r) => !r.pass)
      .map((r) => r.message.replace(/"[^"]*"/g, '"…"').slice(0, 200))
      .filter((m) => !this.seen.has(m));
    if (!fresh.length) return;
    for (const m of fresh) this.seen.add(m);
    this.store.update(this.labId, (p) => {
      const d = ((p.diagnostics ??= {})[step.id] ??= {});
      for (const m of fresh) d[m] = (d[m] ?? 0) + 1;
    });
  }
}
