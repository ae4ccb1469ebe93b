/**
 * Glue between a lab session and the screens: owns the session and the embedded shell,
 * records hints, solutions, quiz answers and timing in progress, and tells the view when
 * to redraw. Views only read from here; everything they show comes from `labs/`.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {
  type AuditEvent,
  type LabSession,
  type LoadedLab,
  loadRuntime,
  type ProgressStore,
  type QuestionKind,
  type QuizAnswer,
  type StepStatus,
  type TraceNode,
} from '../labs/index.js';
import { t } from './text.js';
import { PtyTerminal } from './components/pty-terminal.js';
import { describeEvent, shownInFeed, type ActivityEntry } from './activity.js';
import { CheckTrace, DiagnosticsLog } from './step-watch.js';

// The runtime (each session's engine) loads with this module, which the UI imports once its
// first frame is up (tui/root.tsx) and plain mode when it starts.
const { LabSession: Session, questionKind } = await loadRuntime();

export interface ControllerOptions {
  cols: number;
  shellRows: number;
  noShell: boolean;
  store: ProgressStore;
  workspaceRoot: string;
  /** Continue where the learner left off (replaying completed steps) instead of starting over. */
  resume?: boolean;
  /** The "next lab" suggestion shown when the lab is complete (the course's paths and prerequisites). */
  suggestNext?: () => string;
  /** The embedded shell's output as it arrives (the browser face's terminal). */
  onShellData?: (data: string) => void;
  /** Test hook: the session options' engine overrides. */
  sessionOptions?: Partial<ConstructorParameters<typeof LabSession>[0]>;
}

export interface QuizView {
  index: number;
  total: number;
  kind: QuestionKind;
  question: string;
  choices: string[];
  cursor: number;
  picked: number[];
  text: string;
  /** Free-text input: typed answers (patterns, and questions computed from the learner's engine). */
  typed: boolean;
  /** Set once the current question is answered. */
  feedback?: { correct: boolean; expected: string; explain: string };
  score: number;
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
  /** Steps replayed from their solutions when the lab resumed (0 on a fresh start). */
  resumedSteps = 0;
  quiz: QuizView | null = null;
  private readonly tracer: CheckTrace;
  private readonly diagnostics: DiagnosticsLog;
  private quizAnswers: Record<number, QuizAnswer> = {};
  private quizCorrect = 0;
  private quizRight: Record<number, boolean> = {};
  private grading = false;
  private replaying = false;
  private typedAhead = '';
  private actions: Promise<void> = Promise.resolve();
  private stopped = false;
  private stopping: Promise<void> | null = null;

  constructor(
    readonly loaded: LoadedLab,
    private opts: ControllerOptions,
  ) {
    super();
    const ws = path.join(opts.workspaceRoot, loaded.lab.id);
    fs.mkdirSync(ws, { recursive: true, mode: 0o700 });
    this.session = new Session({
      lab: loaded.lab,
      labDir: loaded.dir,
      workspace: ws,
      autoAdvance: true,
      ...(opts.sessionOptions ?? {}),
    });
    this.tracer = new CheckTrace(this.session, {
      ready: () => this.state === 'ready' && !this.stopped,
      update: () => this.emit('update'),
      failed: (why) => {
        this.notice = `The check trace could not run: ${why}`;
      },
    });
    this.diagnostics = new DiagnosticsLog(opts.store, loaded.lab.id);
    this.session.on('progress', (m: string) => {
      this.progressText = m;
      this.changed();
    });
    this.session.on('change', () => {
      this.changed();
      this.tracer.refresh();
      if (this.state === 'ready' && !this.replaying) this.diagnostics.note(this.session);
    });
    this.session.on('event', () => this.changed());
    this.session.on('command', () => this.diagnostics.acted());
    this.session.on('step-complete', (i: number) => this.onStepComplete(i));
    this.session.on('step', (i: number) => this.onStep(i));
    this.session.on('complete', () => this.onLabComplete());
    this.session.on('error', (e: Error) => {
      this.notice = `A check could not run: ${e.message}`;
      this.changed();
    });
  }

  private changed() {
    this.emit('update');
  }

  get id() {
    return this.loaded.lab.id;
  }
  get lab() {
    return this.loaded.lab;
  }
  get progress() {
    return this.opts.store.lab(this.id);
  }

  /** The check trace of the current step, while the trace panel is open. */
  get trace(): TraceNode[] | null {
    return this.tracer.trace;
  }

  /** Opens or closes the check trace; while open, it follows every change of the step. */
  setTracing(on: boolean) {
    this.tracer.set(on);
  }

  /** What to take next, in words (empty when the course does not say). */
  nextText(): string {
    return this.opts.suggestNext?.() ?? '';
  }

  /**
   * The learner's own requests, oldest first, explained (CLI preflights left out); with
   * `after`, only those that came after that event (the session keeps the latest 500).
   */
  activity(after?: AuditEvent): ActivityEntry[] {
    const events = this.session.activity;
    const from = after ? events.lastIndexOf(after) + 1 : 0;
    return events.slice(from).filter(shownInFeed).map(describeEvent);
  }

  /** The newest of the learner's requests, to pass to activity() later. */
  lastActivity(): AuditEvent | undefined {
    return this.session.activity.at(-1);
  }

  /** `export` lines for learners who use their own terminal (`--no-shell`). */
  exportLines(): string[] {
    const env = this.session.env();
    const keys = ['VAULT_ADDR', 'VAULT_TOKEN', ...this.session.systems.flatMap((s) => Object.keys(s.env))];
    const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    return [
      ...keys.map((k) => `export ${k}=${q(env[k] ?? '')}`),
      `export PATH=${q(env.PATH.split(path.delimiter)[0])}:"$PATH"`,
    ];
  }

  async start() {
    const p = this.progress;
    const resumeAt = this.opts.resume && p.status === 'in-progress' ? Math.min(p.step, this.lab.steps.length) : 0;
    try {
      this.opts.store.update(this.id, (pr) => {
        if (resumeAt > 0) return;
        pr.status = 'in-progress';
        pr.startedAt = new Date().toISOString();
        delete pr.finishedAt;
        pr.step = 0;
        pr.done = [];
        pr.skipped = [];
        pr.hints = {};
        pr.solutionsShown = [];
        delete pr.quiz;
      });
      await this.session.start();
      if (this.stopped) return;
      if (resumeAt > 0) {
        this.progressText = `replaying the ${resumeAt} step${resumeAt === 1 ? '' : 's'} you completed…`;
        this.changed();
        const statuses: StepStatus[] = this.lab.steps.map((s) => (p.skipped.includes(s.id) ? 'skipped' : 'done'));
        this.replaying = true;
        try {
          await this.session.fastForward(resumeAt, statuses);
        } finally {
          this.replaying = false;
        }
        this.resumedSteps = resumeAt;
        this.onStep(this.session.stepIndex);
        this.notice = `Resumed at step ${Math.min(resumeAt + 1, this.lab.steps.length)}: earlier steps were replayed in a fresh engine (shell variables from last time are gone).`;
        if (this.session.finished) this.onLabComplete();
      }
      if (this.stopped) return;
      if (!this.opts.noShell) {
        this.progressText = 'starting your shell…';
        this.changed();
        this.startShell();
        if (this.typedAhead) {
          this.pty!.write(this.typedAhead);
          this.typedAhead = '';
        }
      }
      // Say what runs for this lab, honestly (a simulated cluster is labelled as such).
      const systems = this.session.systems.map((x) => x.label);
      if (systems.length)
        this.notice = [this.notice, `Running for this lab: ${systems.join('; ')}.`].filter(Boolean).join(' ');
      this.state = 'ready';
      this.tracer.refresh();
    } catch (e) {
      this.state = 'error';
      this.error = (e as Error).message;
    }
    this.changed();
  }

  private onStep(i: number) {
    const step = this.lab.steps[i];
    this.diagnostics.stepBegan();
    this.hintsShown = step ? Math.min(step.hints.length, this.progress.hints[step.id] ?? 0) : 0;
    this.solutionShown = step ? this.progress.solutionsShown.includes(step.id) : false;
    if (!this.replaying) this.notice = '';
    this.changed();
  }

  private onStepComplete(i: number) {
    if (this.replaying) return;
    const step = this.lab.steps[i];
    const status = this.session.statuses[i];
    this.opts.store.update(this.id, (p) => {
      if (status === 'skipped') {
        if (!p.skipped.includes(step.id)) p.skipped.push(step.id);
      } else if (!p.done.includes(step.id)) p.done.push(step.id);
      p.step = i + 1;
    });
    this.changed();
  }

  private onLabComplete() {
    if (this.replaying) return;
    this.opts.store.update(this.id, (p) => {
      if (p.status !== 'done') {
        p.status = 'done';
        p.finishedAt = new Date().toISOString();
      }
    });
    this.changed();
  }

  revealHint() {
    const step = this.session.step;
    if (!step) return;
    if (this.hintsShown >= step.hints.length) {
      this.notice = step.hints.length
        ? 'No more hints for this step: press s for the solution.'
        : 'This step has no hints: press s for the solution.';
      this.changed();
      return;
    }
    this.hintsShown++;
    const n = this.hintsShown;
    this.opts.store.update(this.id, (p) => {
      p.hints[step.id] = Math.max(p.hints[step.id] ?? 0, n);
    });
    this.changed();
  }

  showSolution() {
    const step = this.session.step;
    if (!step) return;
    this.solutionShown = true;
    this.opts.store.update(this.id, (p) => {
      if (!p.solutionsShown.includes(step.id)) p.solutionsShown.push(step.id);
    });
    this.changed();
  }

  /** Runs learner actions one after another (a second skip waits for the first), reporting failures. */
  private serial(what: string, fn: () => Promise<void>): Promise<void> {
    const run = async () => {
      if (this.stopped) return;
      try {
        await fn();
      } catch (e) {
        this.notice = `Could not ${what}: ${(e as Error).message}`;
        this.changed();
      }
    };
    this.actions = this.actions.then(run, run);
    return this.actions;
  }

  resetStep(): Promise<void> {
    return this.serial('reset the step', async () => {
      if (this.session.finished) return;
      await this.session.resetStep();
      this.notice = 'Step reset: the engine is back to how it was when this step began.';
      this.changed();
    });
  }

  skipStep(): Promise<void> {
    return this.serial('skip the step', async () => {
      if (this.session.finished) return;
      this.notice = 'Skipping: applying the solution…';
      this.changed();
      await this.session.skipStep();
      this.notice = 'Skipped: the solution was applied for you.';
      this.changed();
    });
  }

  advanceClock(): Promise<void> {
    return this.serial('advance the clock', async () => {
      await this.session.advanceClock('1h');
      const now = new Date(this.session.engine.clock.nowMs()).toISOString().slice(11, 19);
      this.notice = `Engine clock advanced by 1h (engine time now ${now} UTC): leases and tokens past their TTL have expired.`;
      this.changed();
    });
  }

  // --- quiz -------------------------------------------------------------------------

  get hasQuiz() {
    return this.lab.quiz.length > 0;
  }

  startQuiz() {
    if (!this.hasQuiz) return;
    this.quizAnswers = {};
    this.quizCorrect = 0;
    this.quiz = this.quizView(0, 0);
    this.changed();
  }

  /** Leaves the quiz without recording it (Esc); `z` starts it again from the first question. */
  leaveQuiz() {
    if (!this.quiz) return;
    this.quiz = null;
    this.changed();
  }

  private quizView(index: number, score: number): QuizView {
    const q = this.lab.quiz[index];
    const kind = questionKind(q);
    return {
      index,
      total: this.lab.quiz.length,
      kind,
      typed: kind === 'text' || kind === 'state',
      question: t(q.question),
      choices: (q.choices ?? []).map((c) => t(c)),
      cursor: 0,
      picked: [],
      text: '',
      score,
    };
  }

  /** Moves the choice cursor, or picks choice `n` (1-based) directly. */
  quizChoose(how: 'up' | 'down' | 'toggle' | number) {
    const v = this.quiz;
    if (!v || v.feedback || v.typed) return;
    if (how === 'up') v.cursor = Math.max(0, v.cursor - 1);
    else if (how === 'down') v.cursor = Math.min(v.choices.length - 1, v.cursor + 1);
    else {
      const i = how === 'toggle' ? v.cursor : how - 1;
      if (i < 0 || i >= v.choices.length) return;
      v.cursor = i;
      if (v.kind === 'multiple')
        v.picked = v.picked.includes(i) ? v.picked.filter((x) => x !== i) : [...v.picked, i].sort((a, b) => a - b);
      else v.picked = [i];
    }
    this.changed();
  }

  /** Free-text answers: typed characters and Backspace. */
  quizType(s: string) {
    const v = this.quiz;
    if (!v || v.feedback || !v.typed) return;
    for (const ch of s) {
      if (ch === '\u007f' || ch === '\b') v.text = [...v.text].slice(0, -1).join('');
      else if (ch >= ' ') v.text += ch;
    }
    this.changed();
  }

  /**
   * Enter: grades the answer (labs/ grades it, reading the learner's engine for computed
   * questions), or goes on to the next question. Resolves true when the quiz is over.
   */
  async quizSubmit(): Promise<boolean> {
    const v = this.quiz;
    if (!v) return true;
    if (!v.feedback) {
      if (this.grading) return false;
      let answer: QuizAnswer;
      if (v.typed) {
        if (!v.text.trim()) return false;
        answer = v.text;
      } else if (v.kind === 'multiple') {
        if (!v.picked.length) v.picked = [v.cursor];
        answer = v.picked;
      } else {
        answer = v.picked[0] ?? v.cursor;
        v.picked = [answer];
      }
      this.quizAnswers[v.index] = answer;
      this.grading = true;
      try {
        const g = await this.session.gradeQuiz(v.index, answer);
        v.feedback = { correct: g.correct, expected: g.expected, explain: g.explain };
        this.quizRight[v.index] = g.correct;
        if (g.correct) {
          v.score++;
          this.quizCorrect++;
        }
      } finally {
        this.grading = false;
      }
      this.changed();
      return false;
    }
    if (v.index + 1 < v.total) {
      this.quiz = this.quizView(v.index + 1, v.score);
      this.changed();
      return false;
    }
    const answers = { ...this.quizAnswers };
    const score = this.quizCorrect,
      total = v.total;
    const correct = { ...this.quizRight };
    this.opts.store.update(this.id, (p) => {
      p.quiz = { answers, score, total, correct };
    });
    this.quiz = null;
    this.changed();
    return true;
  }

  /** The embedded shell; when it ends (`exit`, Ctrl-D) the learner can start another. */
  private startShell() {
    this.pty = new PtyTerminal({
      cols: this.opts.cols,
      rows: this.opts.shellRows,
      cwd: this.session.workspace,
      env: this.session.env(),
      rcExtra: this.session.shellRc(),
      onData: this.opts.onShellData,
      onUpdate: () => this.changed(),
      onExit: (code) => {
        if (!this.stopped) {
          this.notice = `Your shell ended (exit ${code}). Press Enter in the shell pane for a new one.`;
          this.changed();
        }
      },
    });
  }

  get shellEnded(): boolean {
    return !!this.pty?.exited;
  }

  /** A new shell in place of one that ended. */
  restartShell() {
    if (this.stopped || this.opts.noShell || !this.pty?.exited) return;
    this.pty.kill();
    this.startShell();
    this.notice = 'A new shell: VAULT_ADDR and the root VAULT_TOKEN are set again.';
    this.changed();
  }

  /** Keys for the shell; typed before it is up, they wait and are not lost. */
  input(data: string) {
    if (this.pty) this.pty.write(data);
    else if (!this.opts.noShell && this.state === 'starting') this.typedAhead += data;
  }
  resize(cols: number, rows: number) {
    this.opts.cols = cols;
    this.opts.shellRows = rows;
    this.pty?.resize(cols, rows);
  }

  /** Stops the shell, the engine and any outside systems; safe to call more than once. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopped = true;
      this.stopping = (async () => {
        this.pty?.kill();
        await this.session.stop();
      })();
    }
    return this.stopping;
  }
}
