/**
 * Everything a lab runs in, apart from its steps: the workspace, the outside systems,
 * the engine and the session's checker token, the control channel and the session's own
 * shell, and the observer recording what the learner does. `LabSession` (session.ts) is
 * the step machine on top of it.
 *
 * Events: `progress` (text), `event` (AuditEvent), `command` (CommandRecord), `stopped`.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditEvent, Engine, EngineOptions } from '../../engine/index.js';
import type { CommandRecord } from '../checks/index.js';
import type { Lab } from '../format/schema.js';
import type { NeedKind, ProvidedSystem } from '../providers/index.js';
import { ControlServer } from './control.js';
import { Observer } from './observer.js';
import { createCheckerToken, provisionSystems, startLabEngine } from './provision.js';
import { gradeStateAnswer, type Grade, type QuizAnswer, type QuizStateSource } from './quiz.js';
import { runSetupItem } from './setup.js';
import { ScriptShell, type ShellResult } from './shell.js';
import { learnerEnv } from './shell-env.js';
import { shellIntegrationRc } from './shell-integration.js';
import { WorkspaceWatch } from './workspace-watch.js';

export interface SessionOptions {
  lab: Lab;
  /** Folder of the lab file (setup files are relative to it). */
  labDir?: string;
  /** The learner's workspace; a private temp folder when omitted. */
  workspace?: string;
  /** Complete steps by themselves when their checks pass (the TUI); the runner drives steps itself. */
  autoAdvance?: boolean;
  /**
   * Re-run the checks when the workspace changes on disk (fs.watch, debounced). Defaults to
   * `autoAdvance`: a live session watches; the headless runner evaluates steps itself.
   */
  watchWorkspace?: boolean;
  engine?: Partial<EngineOptions>;
  lang?: string;
  /** Preferred way per outside system, e.g. `{ postgres: 'docker' }`. */
  prefer?: Partial<Record<NeedKind, string>>;
  /**
   * Resume at a step: after setup, the solutions of the earlier steps are applied
   * quietly (no `step-complete` events) and those steps get the statuses given here.
   */
  resume?: { step: number; skipped?: string[] };
  /**
   * Runs a replayed solution command faster than the shell would (`vault-lab dev`: plain
   * `vault …` lines in-process); resolves undefined for a command it leaves to the shell.
   */
  replayCommand?: (cmd: string, env: Record<string, string>, cwd: string) => Promise<number | undefined>;
  /** Outside systems already started (tests: a fake database). Skips the providers for those kinds. */
  systems?: ProvidedSystem[];
}

export abstract class LabEnvironment extends EventEmitter {
  readonly lab: Lab;
  engine!: Engine;
  workspace: string;
  private ownsWorkspace: boolean;
  /** Every learner-visible response event of the session, for the activity feed. */
  readonly activity: AuditEvent[];
  /** Every command line the learner ran in the lab shell (redacted), oldest first (last 500). */
  readonly commands: CommandRecord[];
  /** Outside systems started for this lab (PostgreSQL, a cluster). */
  readonly systems: ProvidedSystem[] = [];
  protected readonly observer: Observer;
  protected checkerToken = '';
  protected stopped = false;
  protected readonly lang: string;
  private shell: ScriptShell | undefined;
  private control: ControlServer | undefined;
  private watch: WorkspaceWatch | undefined;
  private onAudit = (e: AuditEvent) => this.observer.audit(e);
  /** A lease revoked without a request (expiry, async revoke): level checks may have changed. */
  private onLease = () => {
    if (!this.stopped) this.changed();
  };

  constructor(protected readonly opts: SessionOptions) {
    super();
    this.lab = opts.lab;
    this.lang = opts.lang ?? 'default';
    this.ownsWorkspace = !opts.workspace;
    this.workspace = opts.workspace ?? fs.mkdtempSync(path.join(os.tmpdir(), `vault-lab-${this.lab.id}-`));
    this.observer = new Observer({
      event: (e) => {
        this.emit('event', e);
        this.changed();
      },
      command: (rec) => {
        this.emit('command', rec);
        this.changed();
      },
    });
    this.activity = this.observer.activity;
    this.commands = this.observer.commands;
  }

  /** Something the checks read may have changed: the session re-evaluates. */
  protected abstract changed(): void;
  /** Moves the engine clock forward (the control channel's `clock advance` comes here). */
  abstract advanceClock(by: string | number): Promise<void>;

  /** Environment for the learner's shell: our `vault` (and `vault-lab`) first on PATH, address and root token set, the control channel. */
  env(): Record<string, string> {
    return learnerEnv({ engine: this.engine, workspace: this.workspace, systems: this.systems, control: this.control });
  }

  /**
   * Lines to append to the embedded shell's bash rc so each command line and its exit
   * code reach this session (see `labs/runtime/shell-integration.ts`).
   */
  shellRc(): string {
    return shellIntegrationRc();
  }

  /** Starts the systems and the engine, opens the control channel, runs setup, starts observing. */
  protected async bringUp(): Promise<void> {
    fs.mkdirSync(this.workspace, { recursive: true, mode: 0o700 });
    const progress = (m: string) => {
      this.emit('progress', m);
    };
    const { prefer, systems: given, labDir } = this.opts;
    await provisionSystems(this.lab, this.systems, { workspace: this.workspace, progress, prefer, given });
    progress('starting the engine…');
    this.engine = await startLabEngine(this.lab, this.opts.engine, this.workspace, this.systems);
    this.checkerToken = await createCheckerToken(this.engine);
    this.control = new ControlServer({
      command: (line, exit) => this.recordCommand(line, exit, 'shell'),
      advanceClock: async (by) => {
        await this.advanceClock(by);
        return this.engine.clock.now().toISOString();
      },
      now: () => this.engine.clock.now().toISOString(),
    });
    await this.control.listen();
    progress('running the lab setup…');
    const setup = {
      engine: this.engine,
      workspace: this.workspace,
      labDir,
      run: (cmd: string) => this.runCommand(cmd),
    };
    for (const item of this.lab.setup) await runSetupItem(item, setup);
    this.engine.events.on('audit', this.onAudit);
    this.engine.events.on('lease', this.onLease);
    // Files written outside the lab shell (an editor, another terminal) re-run the checks too.
    if (this.opts.watchWorkspace ?? this.opts.autoAdvance ?? true)
      this.watch = new WorkspaceWatch(this.workspace, {
        onChange: () => {
          if (!this.stopped) this.changed();
        },
      });
  }

  /**
   * Runs a shell command in the session's own shell (setup, skip, headless solutions).
   * With `record`, the command counts as one the learner ran (for `command` checks).
   */
  async runCommand(
    cmd: string,
    timeoutMs?: number,
    opts: { record?: boolean; recordAs?: string } = {},
  ): Promise<ShellResult> {
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
    return this.observer.command(line, exit, source);
  }

  /** What state-computed quiz questions read: this session's activity and a checker read. */
  quizSource(): QuizStateSource {
    return {
      activity: this.activity,
      api: (p) => this.engine.request({ operation: 'read', path: p, token: this.checkerToken }),
    };
  }

  /** Grades a quiz answer of this lab, state-computed questions included. */
  gradeQuiz(index: number, answer: QuizAnswer): Promise<Grade> {
    const q = this.lab.quiz[index];
    if (!q) return Promise.reject(new Error(`this lab has no quiz question ${index}`));
    return gradeStateAnswer(q, answer, this.quizSource(), this.lang);
  }

  /** Stops observing, the shells' channel, the engine (revoking leases) and the systems; removes a private workspace. */
  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.observer.stopped = true;
    this.watch?.close();
    this.engine?.events.off('audit', this.onAudit);
    this.engine?.events.off('lease', this.onLease);
    this.shell?.close();
    await this.control?.close();
    await this.engine?.stop();
    for (const s of this.systems.reverse()) await s.stop().catch(() => undefined);
    // A background server the lab started may still be writing its last file as it exits.
    if (this.ownsWorkspace) await removeWorkspace(this.workspace);
    this.emit('stopped');
  }
}

/**
 * Removes a lab's private workspace. A server the learner started in the background (lab 52's
 * raft node) can still be writing as it exits, so removal is retried for up to 3 s; it never
 * throws, because a failed clean-up must not end a test run or the course. A folder that
 * still resists is tried once more a few seconds later.
 */
async function removeWorkspace(dir: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  setTimeout(() => fs.rm(dir, { recursive: true, force: true }, () => undefined), 5000).unref();
}
