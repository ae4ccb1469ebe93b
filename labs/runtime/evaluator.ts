/**
 * Check evaluation for the session: builds what the check evaluators see for a step
 * (events and commands since it began, checker reads, capabilities, SQL, scripts, the
 * per-step memos), and schedules re-evaluation so a burst of events costs one round at a
 * time and `settle()` waits until the last one has been judged.
 */
import type { Engine } from '../../engine/index.js';
import { evaluateCheck, type CheckMemo, type CheckResult, type EvalContext } from '../checks/index.js';
import type { CheckNode, Step } from '../format/schema.js';
import type { ProvidedSystem } from '../providers/index.js';
import type { Observer } from './observer.js';
import { runCheckScript } from './shell-env.js';
import { tracingContext, type TraceNode } from '../checks/trace.js';

/** What the evaluator reads from the session. */
export interface EvaluatorHost {
  readonly observer: Observer;
  engine(): Engine;
  checkerToken(): string;
  readonly systems: readonly ProvidedSystem[];
  readonly workspace: string;
  readonly lang: string;
  /** The learner's shell environment (scripts run in it, as the checker). */
  env(): Record<string, string>;
  /** Evaluates the current step and acts on the results (the step machine). */
  evaluate(): Promise<unknown>;
  /** The session has stopped: nothing more is evaluated. */
  stopped(): boolean;
  onError(err: unknown): void;
}

/**
 * A change seen while a check script runs, or just after (a file it wrote reaches the workspace
 * watch ~100 ms later), may be the script's own doing: an unauthenticated curl is audited as a
 * learner's request. Such echoes re-run the checks at most this many rounds in a row; then the
 * evaluator waits for a change from outside, instead of re-running the script for ever.
 */
const MAX_ECHOES = 3;
const ECHO_WINDOW_MS = 300;

export class CheckEvaluator {
  private memos = new Map<CheckNode, CheckMemo>();
  private round = 0;
  private evaluating: Promise<void> | null = null;
  private dirty = false;
  private scripts = 0;
  private lastScriptEnd = 0;
  private echoes = 0;

  constructor(private readonly host: EvaluatorHost) {}

  /** Forgets what the checks remembered in this step (a step begins or is reset). */
  clearMemos() {
    this.memos = new Map();
  }

  /** Asks for a re-evaluation; coalesces with one already running. */
  schedule() {
    const echo = this.scripts > 0 || Date.now() - this.lastScriptEnd < ECHO_WINDOW_MS;
    if (!echo) this.echoes = 0;
    else if (++this.echoes > MAX_ECHOES) return;
    this.dirty = true;
    if (this.evaluating) return;
    this.evaluating = (async () => {
      while (this.dirty && !this.host.stopped()) {
        this.dirty = false;
        await this.host.evaluate().catch((err) => this.host.onError(err));
      }
      this.evaluating = null;
    })();
  }

  /** Waits until pending events have been evaluated. */
  async settle(): Promise<void> {
    while (this.evaluating) await this.evaluating;
  }

  /** Evaluates every check of a step, in order. */
  async run(step: Step): Promise<CheckResult[]> {
    const ctx = this.context(step);
    const results: CheckResult[] = [];
    for (const node of step.check) results.push(await evaluateCheck(node, ctx));
    return results;
  }

  /** Evaluates every check of a step, recording what each looked at and why it passed or failed. */
  async trace(step: Step): Promise<TraceNode[]> {
    const { ctx, roots } = tracingContext(this.context(step));
    for (const node of step.check) await evaluateCheck(node, ctx);
    return roots;
  }

  /** What check evaluators see for a step. */
  private context(step: Step | undefined): EvalContext {
    const h = this.host;
    const ctx: EvalContext = {
      events: [...h.observer.stepEvents],
      commands: [...h.observer.stepCommands],
      seqOf: (e) => h.observer.seqOf(e),
      seq: h.observer.seq,
      round: ++this.round,
      lang: h.lang,
      workspace: h.workspace,
      api: (operation, p) => h.engine().request({ operation, path: p, token: h.checkerToken() }),
      capabilities: (policies, p) => h.engine().capabilities(policies, p),
      sql: (system) => {
        const s = h.systems.find((x) => x.kind === system);
        return s?.query ? { query: (q: string) => s.query!(q) } : undefined;
      },
      script: async (run, timeoutMs) => {
        this.scripts++;
        try {
          return await runCheckScript(run, timeoutMs, h.workspace, { ...h.env(), VAULT_TOKEN: h.checkerToken() });
        } finally {
          this.scripts--;
          this.lastScriptEnd = Date.now();
        }
      },
      memo: (node) => {
        let m = this.memos.get(node);
        if (!m) this.memos.set(node, (m = {}));
        return m;
      },
      byId: async (id) => {
        const node = step ? findById(step.check, id) : undefined;
        if (!node) return undefined;
        const result = await evaluateCheck(node, ctx);
        return { result, memo: ctx.memo(node) };
      },
    };
    return ctx;
  }
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
