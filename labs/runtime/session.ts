/**
 * A live lab: provisions an engine and the outside systems a lab needs, runs setup,
 * keeps a workspace folder, watches the engine's audit events and the learner's shell
 * commands and re-evaluates the current step's checks after each one, so a step
 * completes by itself whichever client did the work. The TUI and the headless runner
 * are both views over this.
 *
 * Events: `progress` (text), `change`, `event` (AuditEvent), `command` (CommandRecord),
 * `clock` (engine time, ms), `step` (index), `step-complete` (index), `reset` (index),
 * `complete`, `error`, `stopped`.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { startEngine, type AuditEvent, type Engine, type EngineOptions, type Snapshot } from '../../engine/index.js';
import { evaluateCheck, type CheckMemo, type CheckResult, type CommandRecord, type EvalContext } from '../checks/index.js';
import type { CheckNode, Lab, Step } from '../format/schema.js';
import { ScriptShell, type ShellResult } from './shell.js';
import { vaultBinDir } from './paths.js';
import { providerFor, ProviderError, type NeedKind, type ProvidedSystem } from '../providers/index.js';
import { ControlServer } from './control.js';
import { gradeStateAnswer, type Grade, type QuizAnswer, type QuizStateSource } from './quiz.js';
import { CONTROL_ENV, CONTROL_KEY_ENV, redactCommand, shellIntegrationRc } from './shell-integration.js';

/** The node_modules folder holding our node-vault, prepended to NODE_PATH for apps in the workspace. */
function learnerNodePath(): { NODE_PATH?: string } {
  try {
    const dir = path.dirname(path.dirname(createRequire(import.meta.url).resolve('node-vault/package.json')));
    return { NODE_PATH: [dir, process.env.NODE_PATH].filter(Boolean).join(path.delimiter) };
  } catch {
    return {};
  }
}

export type StepStatus = 'pending' | 'active' | 'done' | 'skipped';
export type { CommandRecord } from '../checks/index.js';

export interface SessionOptions {
  lab: Lab;
  /** Folder of the lab file (setup files are relative to it). */
  labDir?: string;
  /** The learner's workspace; a private temp folder when omitted. */
  workspace?: string;
  /** Complete steps by themselves when their checks pass (the TUI); the runner drives steps itself. */
  autoAdvance?: boolean;
  engine?: Partial<EngineOptions>;
  lang?: string;
  /** Preferred way per outside system, e.g. `{ postgres: 'docker' }`. */
  prefer?: Partial<Record<NeedKind, string>>;
  /**
   * Resume at a step: after setup, the solutions of the earlier steps are applied
   * quietly (no `step-complete` events) and those steps get the statuses given here.
   */
  resume?: { step: number; skipped?: string[] };
  /** Outside systems already started (tests: a fake database). Skips the providers for those kinds. */
  systems?: ProvidedSystem[];
}

/** Requests the session itself makes (state checks) carry this display name and are not the learner's. */
export const CHECKER_DISPLAY_NAME = 'token-vault-lab-checker';

export class LabSession extends EventEmitter {
  readonly lab: Lab;
  engine!: Engine;
  workspace: string;
  private ownsWorkspace: boolean;
  stepIndex = 0;
  statuses: StepStatus[];
  results: CheckResult[] = [];
  /** Every learner-visible response event of the session, for the activity feed. */
  readonly activity: AuditEvent[] = [];
  /** Every command line the learner ran in the lab shell (redacted), oldest first (last 500). */
  readonly commands: CommandRecord[] = [];
  /** Outside systems started for this lab (PostgreSQL, a cluster). */
  readonly systems: ProvidedSystem[] = [];
  private stepEvents: AuditEvent[] = [];
  private stepCommands: CommandRecord[] = [];
  private readonly seqs = new WeakMap<AuditEvent, number>();
  private seq = 0;
  private round = 0;
  private memos = new Map<CheckNode, CheckMemo>();
  private stepSnapshot: Snapshot | undefined;
  private checkerToken = '';
  private shell: ScriptShell | undefined;
  private control: ControlServer | undefined;
  private evaluating: Promise<void> | null = null;
  private dirty = false;
  private stopped = false;
  private skipping = false;
  private quiet = false;
  private readonly autoAdvance: boolean;
  private readonly lang: string;
  private onAudit = (e: AuditEvent) => this.observe(e);
  /** A lease revoked without a request (expiry, async revoke): level checks may have changed. */
  private onLease = () => { if (!this.stopped) this.scheduleEvaluate(); };

  constructor(private readonly opts: SessionOptions) {
    super();
    this.lab = opts.lab;
    this.autoAdvance = opts.autoAdvance ?? true;
    this.lang = opts.lang ?? 'default';
    this.statuses = this.lab.steps.map((_, i) => (i === 0 ? 'active' : 'pending'));
    this.ownsWorkspace = !opts.workspace;
    this.workspace = opts.workspace ?? fs.mkdtempSync(path.join(os.tmpdir(), `vault-lab-${this.lab.id}-`));
  }

  get step(): Step | undefined { return this.lab.steps[this.stepIndex]; }
  get finished(): boolean { return this.stepIndex >= this.lab.steps.length; }

  /** Environment for the learner's shell: our `vault` (and `vault-lab`) first on PATH, address and root token set, the control channel. */
  env(): Record<string, string> {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('VAULT_')) base[k] = v;
    return {
      ...base,
      VAULT_ADDR: this.engine.url,
      VAULT_TOKEN: this.engine.rootToken,
      // `node` itself last on PATH, and NODE_PATH so a lab's app can `require('node-vault')`.
      PATH: [vaultBinDir(), ...this.systems.flatMap((s) => s.path ?? []), process.env.PATH ?? '', path.dirname(process.execPath)].join(path.delimiter),
      ...learnerNodePath(),
      VAULT_LAB_WORKSPACE: this.workspace,
      ...(this.control ? { [CONTROL_ENV]: this.control.address, [CONTROL_KEY_ENV]: this.control.key } : {}),
      ...Object.assign({}, ...this.systems.map((s) => s.env)),
      // The lab is a sandbox: `vault login` writes its token helper file here, never over
      // the learner's own ~/.vault-token.
      HOME: this.workspace,
    };
  }

  /**
   * Lines to append to the embedded shell's bash rc so each command line and its exit
   * code reach this session (see `labs/shell-integration.ts`).
   */
  shellRc(): string { return shellIntegrationRc(); }

  /** Starts the systems and the engine, runs setup, begins the first (or resumed) step. */
  async start(): Promise<void> {
    fs.mkdirSync(this.workspace, { recursive: true, mode: 0o700 });
    const given = this.opts.systems ?? [];
    this.systems.push(...given);
    for (const need of this.lab.needs) {
      if (need === 'engine' || given.some((s) => s.kind === need)) continue;
      const provider = providerFor(need);
      if (!provider) throw new ProviderError(`this lab needs ${need}, and this version of vault-lab has no way to provide it`);
      this.emit('progress', `starting ${need === 'postgres' ? 'PostgreSQL' : 'Kubernetes'}…`);
      this.systems.push(await provider.start({ workspace: this.workspace, progress: (m) => this.emit('progress', m), prefer: this.opts.prefer?.[need], env: process.env }));
    }
    this.emit('progress', 'starting the engine…');
    this.engine = await startEngine({ dev: true, listen: '127.0.0.1:0', devKvV1: this.lab.engine.kv_version === '1', ...(this.opts.engine ?? {}) });
    const r = await this.engine.request({ operation: 'write', path: 'auth/token/create', token: this.engine.rootToken, data: { display_name: 'vault-lab-checker', no_parent: true, policies: ['root'] } });
    this.checkerToken = String((r.body?.auth as Record<string, unknown>).client_token);
    this.control = new ControlServer({
      command: (line, exit) => this.recordCommand(line, exit, 'shell'),
      advanceClock: async (by) => { await this.advanceClock(by); return this.engine.clock.now().toISOString(); },
      now: () => this.engine.clock.now().toISOString(),
    });
    await this.control.listen();
    this.emit('progress', 'running the lab setup…');
    for (const item of this.lab.setup) await this.runSetupItem(item);
    this.engine.events.on('audit', this.onAudit);
    this.engine.events.on('lease', this.onLease);
    const resume = this.opts.resume;
    if (resume && resume.step > 0) {
      this.emit('progress', 'bringing the engine to where you left off…');
      const upTo = Math.min(resume.step, this.lab.steps.length);
      this.quiet = true;
      try {
        for (let i = 0; i < upTo; i++) {
          for (const cmd of this.lab.steps[i].solution) await this.runCommand(cmd);
          this.statuses[i] = resume.skipped?.includes(this.lab.steps[i].id) ? 'skipped' : 'done';
        }
      } finally { this.quiet = false; }
      await this.settle();
      await this.beginStep(upTo);
    } else {
      await this.beginStep(0);
    }
  }

  private async runSetupItem(item: Lab['setup'][number]) {
    if (typeof item === 'string' || 'run' in item) {
      const cmd = typeof item === 'string' ? item : item.run;
      const res = await this.runCommand(cmd);
      if (res.code !== 0) throw new Error(`lab setup failed: \`${cmd.split('\n')[0]}\` exited ${res.code}: ${res.output.trim().split('\n').slice(-3).join(' ')}`);
    } else if ('file' in item) {
      const target = path.resolve(this.workspace, item.file.path);
      if (!target.startsWith(this.workspace + path.sep)) throw new Error(`lab setup: file ${item.file.path} would land outside the workspace`);
      let content = item.file.content ?? '';
      if (item.file.from !== undefined) {
        const src = path.resolve(this.opts.labDir ?? '.', item.file.from);
        try { content = fs.readFileSync(src, 'utf8'); } catch { throw new Error(`lab setup: cannot read ${item.file.from} next to the lab file`); }
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content, { mode: item.file.mode ? parseInt(item.file.mode, 8) : 0o644 });
    } else if ('api' in item) {
      const res = await this.engine.request({ operation: apiOperation(item.api.method), path: item.api.path, token: this.engine.rootToken, data: item.api.data ?? null });
      if (res.status >= 400) throw new Error(`lab setup: ${item.api.method} ${item.api.path} answered ${res.status}: ${JSON.stringify(res.body?.errors ?? res.body)}`);
    }
  }

  /**
   * Runs a shell command in the session's own shell (setup, skip, headless solutions).
   * With `record`, the command counts as one the learner ran (for `command` checks).
   */
  async runCommand(cmd: string, timeoutMs?: number, opts: { record?: boolean; recordAs?: string } = {}): Promise<ShellResult> {
    if (!this.shell) this.shell = new ScriptShell(this.workspace, this.env());
    const r = await this.shell.run(cmd, timeoutMs);
    if (opts.record) this.recordCommand(opts.recordAs ?? cmd, r.code, 'script');
    return r;
  }

  /**
   * Records a command line the learner ran (shell integration and the headless runner
   * both come here). The line is redacted before it is kept; checks re-run.
   */
  recordCommand(line: string, exit: number, source: CommandRecord['source'] = 'shell'): CommandRecord | undefined {
    if (this.stopped || this.quiet) return undefined;
    const rec: CommandRecord = { seq: ++this.seq, line: redactCommand(line.trim()), exit, time: new Date().toISOString(), source };
    this.commands.push(rec);
    if (this.commands.length > 500) this.commands.shift();
    this.stepCommands.push(rec);
    this.emit('command', rec);
    this.scheduleEvaluate();
    return rec;
  }

  private async beginStep(i: number) {
    this.stepIndex = i;
    this.stepEvents = [];
    this.stepCommands = [];
    this.memos = new Map();
    this.results = [];
    if (i < this.lab.steps.length) {
      this.statuses[i] = 'active';
      this.stepSnapshot = await this.engine.snapshot();
      this.emit('step', i);
      await this.evaluate();
    } else {
      this.emit('complete');
    }
    this.emit('change');
  }

  private isLearnerEvent(e: AuditEvent) {
    return e.auth?.display_name !== CHECKER_DISPLAY_NAME;
  }

  private observe(e: AuditEvent) {
    if (this.stopped || e.type !== 'response' || !this.isLearnerEvent(e)) return;
    this.seqs.set(e, ++this.seq);
    this.activity.push(e);
    if (this.activity.length > 500) this.activity.shift();
    if (this.quiet) return;
    this.stepEvents.push(e);
    this.emit('event', e);
    this.scheduleEvaluate();
  }

  private scheduleEvaluate() {
    this.dirty = true;
    if (this.evaluating) return;
    this.evaluating = (async () => {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        await this.evaluate().catch((err) => this.emit('error', err));
      }
      this.evaluating = null;
    })();
  }

  /** Waits until pending events have been evaluated. */
  async settle(): Promise<void> {
    while (this.evaluating) await this.evaluating;
  }

  /** What check evaluators see for the current step. */
  private checkContext(): EvalContext {
    const step = this.step;
    const ctx: EvalContext = {
      events: [...this.stepEvents],
      commands: [...this.stepCommands],
      seqOf: (e) => this.seqs.get(e) ?? 0,
      seq: this.seq,
      round: ++this.round,
      lang: this.lang,
      workspace: this.workspace,
      api: (operation, p) => this.engine.request({ operation, path: p, token: this.checkerToken }),
      capabilities: (policies, p) => this.engine.capabilities(policies, p),
      sql: (system) => {
        const s = this.systems.find((x) => x.kind === system);
        return s?.query ? { query: (q: string) => s.query!(q) } : undefined;
      },
      script: (run, timeoutMs) => this.runScript(run, timeoutMs),
      memo: (node) => { let m = this.memos.get(node); if (!m) this.memos.set(node, (m = {})); return m; },
      byId: async (id) => {
        const node = step ? findById(step.check, id) : undefined;
        if (!node) return undefined;
        const result = await evaluateCheck(node, ctx);
        return { result, memo: ctx.memo(node) };
      },
    };
    return ctx;
  }

  /** Evaluates the current step's checks; completes the step when they all pass (auto mode). */
  async evaluate(): Promise<CheckResult[]> {
    const step = this.step;
    if (!step || this.stopped) return [];
    const ctx = this.checkContext();
    const results: CheckResult[] = [];
    for (const node of step.check) results.push(await evaluateCheck(node, ctx));
    if (step !== this.step) return results;
    this.results = results;
    this.emit('change');
    if (this.autoAdvance && results.every((r) => r.pass)) await this.completeStep(this.skipping ? 'skipped' : 'done');
    return results;
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
    await this.engine.restore(this.stepSnapshot);
    this.stepEvents = [];
    this.stepCommands = [];
    this.memos = new Map();
    this.results = [];
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

  /** What state-computed quiz questions read: this session's activity and a checker read. */
  quizSource(): QuizStateSource {
    return { activity: this.activity, api: (p) => this.engine.request({ operation: 'read', path: p, token: this.checkerToken }) };
  }

  /** Grades a quiz answer of this lab, state-computed questions included. */
  gradeQuiz(index: number, answer: QuizAnswer): Promise<Grade> {
    const q = this.lab.quiz[index];
    if (!q) return Promise.reject(new Error(`this lab has no quiz question ${index}`));
    return gradeStateAnswer(q, answer, this.quizSource(), this.lang);
  }

  /** Moves the engine clock forward (TTL lessons); `vault-lab clock advance 1h` in the lab shell comes here too. */
  async advanceClock(by: string | number) {
    await this.engine.clock.advance(by);
    this.emit('clock', this.engine.clock.nowMs());
    this.scheduleEvaluate();
    await this.settle();
  }

  /** Runs a `script` check: bash in the workspace, as the checker token, with a time limit. */
  private runScript(run: string, timeoutMs: number): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      const env = { ...this.env(), VAULT_TOKEN: this.checkerToken };
      const p = spawn('bash', ['--noprofile', '--norc', '-c', run], { cwd: this.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      p.stdout.on('data', (d) => { output += d; });
      p.stderr.on('data', (d) => { output += d; });
      const timer = setTimeout(() => { p.kill('SIGKILL'); output += `\nthe check script took longer than ${timeoutMs / 1000}s`; }, timeoutMs);
      p.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, output }); });
      p.on('error', (e) => { clearTimeout(timer); resolve({ code: 127, output: e.message }); });
    });
  }

  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.engine?.events.off('audit', this.onAudit);
    this.engine?.events.off('lease', this.onLease);
    this.shell?.close();
    await this.control?.close();
    await this.engine?.stop();
    for (const s of this.systems.reverse()) await s.stop().catch(() => undefined);
    if (this.ownsWorkspace) fs.rmSync(this.workspace, { recursive: true, force: true });
    this.emit('stopped');
  }
}

/** Maps an HTTP method to the engine operation (as the HTTP server does). */
export function apiOperation(method: string): 'read' | 'list' | 'delete' | 'patch' | 'write' {
  return method === 'GET' ? 'read' : method === 'LIST' ? 'list' : method === 'DELETE' ? 'delete' : method === 'PATCH' ? 'patch' : 'write';
}

function findById(nodes: CheckNode[], id: string): CheckNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const kids = [...(n.all ?? []), ...(n.any ?? []), ...(n.not ? [n.not] : [])];
    const f = findById(kids, id);
    if (f) return f;
  }
  return undefined;
}
