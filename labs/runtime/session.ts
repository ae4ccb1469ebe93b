/**
 * A live lab: the step machine over a lab environment (environment.ts: systems, engine,
 * setup, shell, observer). It re-evaluates the current step's checks after every engine
 * event and shell command, so a step completes by itself whichever client did the work.
 * The TUI and the headless runner are both views over this.
 *
 * Events: `progress` (text), `change`, `event` (AuditEvent), `command` (CommandRecord),
 * `clock` (engine time, ms), `step` (index), `step-complete` (index), `reset` (index),
 * `complete`, `error`, `stopped`.
 */
import type { Snapshot } from '../../engine/index.js';
import type { CheckResult } from '../checks/index.js';
import type { Step } from '../format/schema.js';
import { LabEnvironment, type SessionOptions } from './environment.js';
import { CheckEvaluator } from './evaluator.js';
import type { ShellResult } from './shell.js';
import type { TraceNode } from '../checks/trace.js';

export type StepStatus = 'pending' | 'active' | 'done' | 'skipped';
export type { CommandRecord } from '../checks/index.js';
export type { TraceNode } from '../checks/trace.js';
export type { SessionOptions } from './environment.js';
export { CHECKER_DISPLAY_NAME } from './observer.js';
export { apiOperation } from './setup.js';

export class LabSession extends LabEnvironment {
  stepIndex = 0;
  statuses: StepStatus[];
  results: CheckResult[] = [];
  private readonly evaluator: CheckEvaluator;
  private stepSnapshot: Snapshot | undefined;
  private skipping = false;
  private readonly autoAdvance: boolean;

  constructor(opts: SessionOptions) {
    super(opts);
    this.autoAdvance = opts.autoAdvance ?? true;
    this.statuses = this.lab.steps.map((_, i) => (i === 0 ? 'active' : 'pending'));
    this.evaluator = new CheckEvaluator({
      observer: this.observer,
      systems: this.systems,
      workspace: this.workspace,
      lang: this.lang,
      engine: () => this.engine,
      checkerToken: () => this.checkerToken,
      env: () => this.env(),
      evaluate: () => this.evaluate(),
      stopped: () => this.stopped,
      onError: (err) => this.emit('error', err),
    });
  }

  get step(): Step | undefined {
    return this.lab.steps[this.stepIndex];
  }
  get finished(): boolean {
    return this.stepIndex >= this.lab.steps.length;
  }

  /** Starts the systems and the engine, runs setup, begins the first (or resumed) step. */
  async start(): Promise<void> {
    await this.bringUp();
    const resume = this.opts.resume;
    if (!resume || resume.step <= 0) return this.beginStep(0);
    this.emit('progress', 'bringing the engine to where you left off…');
    const upTo = Math.min(resume.step, this.lab.steps.length);
    this.observer.quiet = true;
    try {
      for (let i = 0; i < upTo; i++) {
        for (const cmd of this.lab.steps[i].solution) {
          const fast = await this.opts.replayCommand?.(cmd, this.env(), this.workspace);
          if (fast === undefined) await this.runCommand(cmd);
        }
        this.statuses[i] = resume.skipped?.includes(this.lab.steps[i].id) ? 'skipped' : 'done';
      }
    } finally {
      this.observer.quiet = false;
    }
    await this.settle();
    await this.beginStep(upTo);
  }

  protected override changed() {
    this.evaluator.schedule();
  }

  /** Waits until pending events have been evaluated. */
  settle(): Promise<void> {
    return this.evaluator.settle();
  }

  private async beginStep(i: number) {
    this.stepIndex = i;
    this.forgetStep();
    if (i < this.lab.steps.length) {
      this.statuses[i] = 'active';
      this.stepSnapshot = await this.engine.snapshot();
      for (const s of this.systems) await s.snapshot?.();
      this.emit('step', i);
      await this.evaluate();
    } else {
      this.emit('complete');
    }
    this.emit('change');
  }

  private forgetStep() {
    this.observer.clearStep();
    this.evaluator.clearMemos();
    this.results = [];
  }

  /** Evaluates the current step's checks; completes the step when they all pass (auto mode). */
  async evaluate(): Promise<CheckResult[]> {
    const step = this.step;
    if (!step || this.stopped) return [];
    const results = await this.evaluator.run(step);
    if (step !== this.step) return results;
    this.results = results;
    this.emit('change');
    if (this.autoAdvance && results.every((r) => r.pass)) await this.completeStep(this.skipping ? 'skipped' : 'done');
    return results;
  }

  /** The check trace of the current step: every check, what it looked at, and why it passed or failed. */
  async trace(): Promise<TraceNode[]> {
    const step = this.step;
    return step && !this.stopped ? this.evaluator.trace(step) : [];
  }

  /** Marks the current step done and begins the next. */
  async completeStep(status: StepStatus = 'done') {
    if (this.finished) return;
    this.statuses[this.stepIndex] = status;
    this.emit('step-complete', this.stepIndex);
    await this.beginStep(this.stepIndex + 1);
  }

  /** Restores the engine to how it was when the step began; forgets the step's events and commands. */
  async resetStep() {
    if (!this.stepSnapshot || this.finished) return;
    await this.settle();
    for (const s of this.systems) await s.restore?.();
    await this.engine.restore(this.stepSnapshot);
    this.forgetStep();
    this.emit('reset', this.stepIndex);
    await this.evaluate();
  }

  /** Applies the step's solution (the learner chose to skip). */
  async skipStep(): Promise<ShellResult[]> {
    const step = this.step;
    if (!step) return [];
    const out: ShellResult[] = [];
    this.skipping = true;
    try {
      for (const cmd of step.solution) out.push(await this.runCommand(cmd, undefined, { record: true }));
      await this.settle();
      if (this.step === step) await this.completeStep('skipped');
    } finally {
      this.skipping = false;
    }
    return out;
  }

  /**
   * Resume in a fresh engine: replays the solutions of the steps before `n` (as a skip
   * would) so the engine holds what the learner had built, then marks those steps with
   * the statuses they had (`done` by default). (The `resume` start option does the same
   * quietly, before the first step begins.)
   */
  async fastForward(n: number, statuses: StepStatus[] = []): Promise<void> {
    const target = Math.min(n, this.lab.steps.length);
    while (this.stepIndex < target) {
      const i = this.stepIndex;
      await this.skipStep();
      this.statuses[i] = statuses[i] === 'skipped' ? 'skipped' : 'done';
    }
    this.emit('change');
  }

  /** Moves the engine clock forward (TTL lessons); `vault-lab clock advance 1h` in the lab shell comes here too. */
  override async advanceClock(by: string | number) {
    await this.engine.clock.advance(by);
    this.emit('clock', this.engine.clock.nowMs());
    this.evaluator.schedule();
    await this.settle();
  }
}
