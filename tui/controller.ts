/**
 * Glue between a lab session and the screen: owns the session and the embedded shell,
 * records hints and solutions in progress, and tells the view when to redraw. The view
 * only reads from here; everything it shows comes from `labs/`.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedLab } from '../labs/load.js';
import { LabSession } from '../labs/session.js';
import type { ProgressStore } from '../labs/progress.js';
import { PtyTerminal } from './components/pty-terminal.js';

export interface ControllerOptions {
  cols: number;
  shellRows: number;
  noShell: boolean;
  store: ProgressStore;
  workspaceRoot: string;
}

export class LabController extends EventEmitter {
  readonly session: LabSession;
  pty?: PtyTerminal;
  state: 'starting' | 'ready' | 'error' = 'starting';
  progressText = 'starting…';
  error = '';
  hintsShown = 0;
  solutionShown = false;
  notice = '';
  private stopped = false;

  constructor(readonly loaded: LoadedLab, private opts: ControllerOptions) {
    super();
    const ws = path.join(opts.workspaceRoot, loaded.lab.id);
    fs.mkdirSync(ws, { recursive: true, mode: 0o700 });
    this.session = new LabSession({ lab: loaded.lab, labDir: loaded.dir, workspace: ws, autoAdvance: true });
    this.session.on('progress', (m: string) => { this.progressText = m; this.changed(); });
    this.session.on('change', () => this.changed());
    this.session.on('event', () => this.changed());
    this.session.on('step-complete', (i: number) => this.onStepComplete(i));
    this.session.on('step', () => { this.hintsShown = 0; this.solutionShown = false; this.changed(); });
    this.session.on('complete', () => this.onLabComplete());
    this.session.on('error', (e: Error) => { this.notice = `check error: ${e.message}`; this.changed(); });
  }

  private changed() { this.emit('update'); }

  private get id() { return this.loaded.lab.id; }

  async start() {
    try {
      this.opts.store.update(this.id, (p) => { if (p.status === 'not-started') { p.status = 'in-progress'; p.startedAt = new Date().toISOString(); } p.step = 0; p.done = []; p.skipped = []; });
      await this.session.start();
      if (this.stopped) return;
      if (!this.opts.noShell) {
        this.progressText = 'starting your shell…';
        this.pty = new PtyTerminal({ cols: this.opts.cols, rows: this.opts.shellRows, cwd: this.session.workspace, env: this.session.env(), onUpdate: () => this.changed() });
      }
      this.state = 'ready';
    } catch (e) {
      this.state = 'error';
      this.error = (e as Error).message;
    }
    this.changed();
  }

  private onStepComplete(i: number) {
    const step = this.loaded.lab.steps[i];
    const status = this.session.statuses[i];
    this.opts.store.update(this.id, (p) => {
      if (status === 'skipped') { if (!p.skipped.includes(step.id)) p.skipped.push(step.id); }
      else if (!p.done.includes(step.id)) p.done.push(step.id);
      p.step = i + 1;
    });
    this.changed();
  }

  private onLabComplete() {
    this.opts.store.update(this.id, (p) => { p.status = 'done'; p.finishedAt = new Date().toISOString(); });
    this.changed();
  }

  revealHint() {
    const step = this.session.step;
    if (!step || this.hintsShown >= step.hints.length) return;
    this.hintsShown++;
    this.opts.store.update(this.id, (p) => { p.hints[step.id] = Math.max(p.hints[step.id] ?? 0, this.hintsShown); });
    this.changed();
  }

  showSolution() {
    const step = this.session.step;
    if (!step) return;
    this.solutionShown = true;
    this.opts.store.update(this.id, (p) => { if (!p.solutionsShown.includes(step.id)) p.solutionsShown.push(step.id); });
    this.changed();
  }

  async resetStep() { await this.session.resetStep(); this.notice = 'Step reset: the engine is back to how it was when this step began.'; this.changed(); }
  async skipStep() { this.notice = 'Applying the solution…'; this.changed(); await this.session.skipStep(); this.notice = ''; this.changed(); }
  async advanceClock() { await this.session.advanceClock('1h'); this.notice = 'Engine clock advanced by 1h.'; this.changed(); }

  input(data: string) { this.pty?.write(data); }
  resize(cols: number, rows: number) { this.pty?.resize(cols, rows); }

  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.pty?.kill();
    await this.session.stop();
  }
}
