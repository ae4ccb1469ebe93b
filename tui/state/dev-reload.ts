/**
 * `vault-lab dev`'s reloads, for the UI's state container: a broken save shows its problems
 * above the lesson and the lab keeps running; a good one replaces the lab at the same step
 * (by step id, else by position), its earlier steps replayed, the author's pane and focus
 * kept. Saves that arrive during a reload are gathered into the next one.
 */
import type { LoadedLab } from '../../labs/index.js';
import type { ControllerOptions, LabController } from '../controller.js';

/** What `vault-lab dev` sees of the lab file: each save, loaded or with its problems. */
export interface DevLoad {
  loaded?: LoadedLab;
  problems: string[];
  /** validate's findings (run once the reloaded lab is on screen). */
  lint: () => Promise<string[]>;
  /** performance.now() when the save was seen. */
  seenAt: number;
}
export interface DevSource {
  file: string;
  subscribe(listener: (l: DevLoad) => void): () => void;
  /** A fresh workspace root for each reload. */
  workspaceFor(reload: number): string;
}

/** What the reloader may do to the UI's state container. */
export interface DevHost {
  current(): LabController | null;
  /** The lab list becomes this one lab; the open controller is let go (the reloader stops it). */
  replace(l: LoadedLab): void;
  open(l: LoadedLab, extra: Partial<ControllerOptions>): Promise<LabController | undefined>;
  /** Remembers the pane and focus; the returned function puts them back. */
  keepView(): () => void;
  show(lines: string[]): void;
  lines(): string[];
  sessionOptions(): NonNullable<ControllerOptions['sessionOptions']>;
}

export class DevReloader {
  private reloads = 0;
  private pending: DevLoad | null = null;
  private busy = false;

  constructor(
    private readonly source: DevSource,
    private readonly host: DevHost,
  ) {}

  /** A save of the lab file. */
  onLoad(l: DevLoad) {
    if (!l.loaded) {
      this.host.show([
        `✗ ${this.source.file} did not load; the last good version keeps running. Fix and save:`,
        ...l.problems,
      ]);
      return;
    }
    this.pending = l;
    if (!this.busy) void this.drain();
  }

  private async drain() {
    this.busy = true;
    try {
      while (this.pending) {
        const l = this.pending;
        this.pending = null;
        await this.reload(l);
      }
    } finally {
      this.busy = false;
    }
  }

  private async reload(l: DevLoad) {
    const { host } = this;
    const loaded = l.loaded!;
    const name = this.source.file;
    const old = host.current();
    const keepId = old?.session.step?.id;
    let step = keepId ? loaded.lab.steps.findIndex((x) => x.id === keepId) : -1;
    if (step < 0) step = Math.min(old?.session.stepIndex ?? 0, loaded.lab.steps.length);
    const restoreView = host.keepView();
    host.replace(loaded);
    const n = ++this.reloads;
    host.show([`• ${name} changed: reloading at step ${step + 1} (replaying the steps before it)…`]);
    const c = await host.open(loaded, {
      workspaceRoot: this.source.workspaceFor(n),
      sessionOptions: { ...host.sessionOptions(), resume: { step } },
    });
    if (!c) {
      void old?.stop();
      this.pending ??= l;
      await new Promise((r) => setTimeout(r, 50));
      return;
    }
    restoreView();
    await new Promise<void>((resolve) => {
      const done = () => {
        if (c.state === 'starting') return;
        c.off('update', done);
        resolve();
      };
      c.on('update', done);
      done();
    });
    const ms = Math.round(performance.now() - l.seenAt);
    // The old lab stops once the new one is up: until then it would compete for the CPU.
    void old?.stop();
    host.show(
      c.state === 'ready'
        ? [`✓ reloaded ${name} in ${ms} ms at step ${Math.min(step + 1, loaded.lab.steps.length)} (reload #${n})`]
        : [`✗ ${name} loaded but the lab could not start: ${c.error}`],
    );
    const warnings = await l.lint();
    if (warnings.length && host.current() === c && !this.pending)
      host.show([...host.lines(), ...warnings.map((w) => `! ${w}`)]);
  }
}
