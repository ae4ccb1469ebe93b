/**
 * A live lab: provisions an engine (and later the outside systems a lab needs), runs
 * setup, keeps a workspace folder, watches the engine's audit events and re-evaluates
 * the current step's checks after each one, so a step completes by itself whichever
 * client did the work. The TUI and the headless runner are both views over this.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEngine, type AuditEvent, type Engine, type EngineOptions, type Snapshot } from '../engine/index.js';
import { evaluateCheck, type CheckResult } from './checks/index.js';
import type { Lab, Step } from './schema.js';
import { ScriptShell, type ShellResult } from './shell.js';
import { vaultBinDir } from './paths.js';
import { providerFor, ProviderError, type NeedKind, type ProvidedSystem } from './providers/index.js';

export type StepStatus = 'pending' | 'active' | 'done' | 'skipped';

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
  /** Outside systems started for this lab (PostgreSQL, a cluster). */
  readonly systems: ProvidedSystem[] = [];
  private stepEvents: AuditEvent[] = [];
  private stepSnapshot: Snapshot | undefined;
  private checkerToken = '';
  private shell: ScriptShell | undefined;
  private evaluating: Promise<void> | null = null;
  private dirty = false;
  private stopped = false;
  private skipping = false;
  private readonly autoAdvance: boolean;
  private readonly lang: string;
  private onAudit = (e: AuditEvent) => this.observe(e);

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

  /** Environment for the learner's shell: our `vault` first on PATH, address and root token set. */
  env(): Record<string, string> {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('VAULT_')) base[k] = v;
    return {
      ...base,
      VAULT_ADDR: this.engine.url,
      VAULT_TOKEN: this.engine.rootToken,
      PATH: `${vaultBinDir()}${path.delimiter}${process.env.PATH ?? ''}`,
      VAULT_LAB_WORKSPACE: this.workspace,
      ...Object.assign({}, ...this.systems.map((s) => s.env)),
      HOME: process.env.HOME ?? os.homedir(),
    };
  }

  /** Starts the engine, runs setup, begins the first step. */
  async start(): Promise<void> {
    fs.mkdirSync(this.workspace, { recursive: true, mode: 0o700 });
    for (const need of this.lab.needs) {
      if (need === 'engine') continue;
      const provider = providerFor(need);
      if (!provider) throw new ProviderError(`this lab needs ${need}, and this version of vault-lab has no way to provide it`);
      this.emit('progress', `starting ${need === 'postgres' ? 'PostgreSQL' : 'Kubernetes'}…`);
      this.systems.push(await provider.start({ workspace: this.workspace, progress: (m) => this.emit('progress', m), prefer: this.opts.prefer?.[need], env: process.env }));
    }
    this.emit('progress', 'starting the engine…');
    this.engine = await startEngine({ dev: true, listen: '127.0.0.1:0', devKvV1: this.lab.engine.kv_version === '1', ...(this.opts.engine ?? {}) });
    const r = await this.engine.request({ operation: 'write', path: 'auth/token/create', token: this.engine.rootToken, data: { display_name: 'vault-lab-checker', no_parent: true, policies: ['root'] } });
    this.checkerToken = String((r.body?.auth as Record<string, unknown>).client_token);
    this.emit('progress', 'running the lab setup…');
    for (const item of this.lab.setup) await this.runSetupItem(item);
    this.engine.events.on('audit', this.onAudit);
    await this.beginStep(0);
  }

  private async runSetupItem(item: Lab['setup'][number]) {
    if (typeof item === 'string' || 'run' in item) {
      const cmd = typeof item === 'string' ? item : item.run;
      const res = await this.runCommand(cmd);
      if (res.code !== 0) throw new Error(`lab setup failed: \`${cmd.split('\n')[0]}\` exited ${res.code}: ${res.output.trim().split('\n').slice(-3).join(' ')}`);
    } else if ('file' in item) {
      const target = path.resolve(this.workspace, item.file.path);
      if (!target.startsWith(this.workspace + path.sep)) throw new Error(`lab setup: file ${item.file.path} would land outside the workspace`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, item.file.content, { mode: item.file.mode ? parseInt(item.file.mode, 8) : 0o644 });
    } else if ('api' in item) {
      const op = item.api.method === 'GET' ? 'read' : item.api.method === 'LIST' ? 'list' : item.api.method === 'DELETE' ? 'delete' : item.api.method === 'PATCH' ? 'patch' : 'write';
      const res = await this.engine.request({ operation: op, path: item.api.path, token: this.engine.rootToken, data: item.api.data ?? null });
      if (res.status >= 400) throw new Error(`lab setup: ${item.api.method} ${item.api.path} answered ${res.status}: ${JSON.stringify(res.body?.errors ?? res.body)}`);
    }
  }

  /** Runs a shell command in the session's own shell (setup, skip, headless solutions). */
  async runCommand(cmd: string, timeoutMs?: number): Promise<ShellResult> {
    if (!this.shell) this.shell = new ScriptShell(this.workspace, this.env());
    return this.shell.run(cmd, timeoutMs);
  }

  private async beginStep(i: number) {
    this.stepIndex = i;
    this.stepEvents = [];
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
    this.activity.push(e);
    if (this.activity.length > 500) this.activity.shift();
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

  /** Evaluates the current step's checks; completes the step when they all pass (auto mode). */
  async evaluate(): Promise<CheckResult[]> {
    const step = this.step;
    if (!step || this.stopped) return [];
    const events = [...this.stepEvents];
    const ctx = {
      events,
      lang: this.lang,
      api: (operation: 'read' | 'list', p: string) => this.engine.request({ operation, path: p, token: this.checkerToken }),
    };
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

  /** Restores the engine to how it was when the step began. */
  async resetStep() {
    if (!this.stepSnapshot || this.finished) return;
    await this.engine.restore(this.stepSnapshot);
    this.stepEvents = [];
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
      for (const cmd of step.solution) out.push(await this.runCommand(cmd));
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
   * the statuses they had (`done` by default).
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

  /** Moves the engine clock forward (TTL lessons). */
  async advanceClock(by: string | number) {
    await this.engine.clock.advance(by);
    this.scheduleEvaluate();
  }

  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.engine?.events.off('audit', this.onAudit);
    this.shell?.close();
    await this.engine?.stop();
    for (const s of this.systems.reverse()) await s.stop().catch(() => undefined);
    if (this.ownsWorkspace) fs.rmSync(this.workspace, { recursive: true, force: true });
    this.emit('stopped');
  }
}
