/**
 * The ways `vault-lab test` walks through one lab, each in its own fresh session:
 *
 * - `main`: every step's own solution. Before it the checks must fail; every anti-solution
 *   must leave them failing with its named diagnostic (the step is reset after each).
 * - `alt k`: the k-th alternative of every step that has one (an `http_solution` counts as
 *   an alternative), the solution elsewhere. Checks fail before and pass after each
 *   alternative, and every later step must still pass after it: a dead end is a failure.
 * - `retry`: a learner who repeats things. Where a step's solution reads, the read also runs
 *   early; then every solution command runs twice. The lab must still pass end to end,
 *   except for steps that say in `exempt.retry` why they cannot.
 */
import { select } from '../checks/jsonpath.js';
import type { LoadedLab } from '../format/load.js';
import { t, type Alternative, type HttpCall, type Step } from '../format/schema.js';
import { LabSession } from '../runtime/session.js';
import type { StepOutcome } from './junit.js';

export type Variant = { kind: 'main'; isolate?: boolean } | { kind: 'alt'; k: number } | { kind: 'retry' };

/** How long a step may take to pass after its work returned (asynchronous revocations). */
const SETTLE_MS = 3000;

/** How one outcome is printed. */
export const outcomeLine = (o: StepOutcome) =>
  `  ${o.ok ? '✓' : '✗'} ${o.step}${o.ok ? '' : `:\n    ${o.detail.replace(/\n/g, '\n    ')}\n   `} (${Math.round(o.ms)} ms)\n`;

const indent = (s: string, n = 6) => s.replace(/\n/g, '\n' + ' '.repeat(n));
const firstLine = (s: string) => s.split('\n')[0];

/** A step's alternatives, its `http_solution` last. */
export function alternativesOf(step: Step): Alternative[] {
  return [...step.alternatives, ...(step.http_solution ? [{ name: 'http_solution', http: step.http_solution }] : [])];
}

export function alternativeName(a: Alternative): string {
  if (a.name) return a.name;
  if (a.http) return `${a.http[0].method} ${a.http[0].path}`;
  return firstLine(a.run![0]);
}

/** The variants a lab needs: main, one per alternative index, and the retrying learner. */
export function variantsOf(loaded: LoadedLab, isolate = false): Variant[] {
  const most = Math.max(0, ...loaded.lab.steps.map((s) => alternativesOf(s).length));
  return [
    { kind: 'main', isolate },
    ...Array.from({ length: most }, (_, i): Variant => ({ kind: 'alt', k: i })),
    { kind: 'retry' },
  ];
}

/** Solution commands that only read: the retrying learner runs them early too. */
const READ_RE =
  /(^|[;&|(`]\s*|\$\(\s*)(\w+=\S*\s+)*vault\s+((-\S+\s+)*)(kv\s+(get|list|metadata\s+get)|read|list|token\s+lookup|status)\b/;
export const isRead = (cmd: string) => !cmd.includes('\n') && READ_RE.test(cmd);

/** Runs one HTTP call against the session's engine, as a raw client would. */
/** The lab shell's value of each `$NAME` / `${NAME}` in a text (an unset one is empty, as in the shell). */
async function expandVars(session: LabSession, text: string): Promise<string> {
  const re = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
  const names = [...new Set([...text.matchAll(re)].map((m) => m[1] ?? m[2]))];
  const values = new Map<string, string>();
  for (const name of names) values.set(name, (await session.runCommand(`printf '%s' "\${${name}}"`)).output);
  return text.replace(re, (_m, a: string | undefined, b: string | undefined) => values.get(a ?? b ?? '') ?? '');
}

/** Expands shell variables in every string of a JSON-like value (keys stay as written). */
async function expandData(session: LabSession, v: unknown): Promise<unknown> {
  if (typeof v === 'string') return v.includes('$') ? expandVars(session, v) : v;
  if (Array.isArray(v)) return Promise.all(v.map((x) => expandData(session, x)));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await expandData(session, x);
    return out;
  }
  return v;
}

async function runHttpCall(session: LabSession, call: HttpCall): Promise<string> {
  // `$NAME` in the token, the path and the data's strings is the lab shell's variable.
  const token = call.token.includes('$') ? await expandVars(session, call.token) : call.token;
  const path = call.path.includes('$') ? await expandVars(session, call.path) : call.path;
  const data = call.data ? await expandData(session, call.data) : undefined;
  const list = call.method === 'LIST';
  const url = `${session.engine.url}/v1/${path.replace(/^\/+/, '')}${list ? '?list=true' : ''}`;
  const res = await fetch(url, {
    method: list ? 'GET' : call.method,
    headers: {
      ...(token ? { 'X-Vault-Token': token } : {}),
      ...(data ? { 'Content-Type': 'application/json' } : {}),
    },
    body: data ? JSON.stringify(data) : undefined,
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  for (const [name, place] of Object.entries(call.export ?? {})) {
    const { found, value } = select(body, place);
    const v = found ? (typeof value === 'string' ? value : JSON.stringify(value)) : '';
    await session.runCommand(`export ${name}='${v.replace(/'/g, `'\\''`)}'`);
  }
  return `${call.method} /v1/${path} → ${res.status}`;
}

async function runShell(session: LabSession, cmds: string[], logs: string[]) {
  for (const cmd of cmds) {
    const r = await session.runCommand(cmd, undefined, { record: true });
    logs.push(`$ ${firstLine(cmd)}${cmd.includes('\n') ? ' …' : ''}  (exit ${r.code})\n${r.output.trimEnd()}`);
  }
}

interface StepRun {
  ok: boolean;
  detail: string;
}

class VariantRun {
  readonly outcomes: StepOutcome[] = [];
  readonly text: string[] = [];
  constructor(
    private readonly loaded: LoadedLab,
    private readonly variant: Variant,
    private readonly progress?: (lab: string, msg: string) => void,
  ) {}

  private where(p: PropertyKey[]) {
    const at = this.loaded.pos?.(p);
    return at ? `${this.loaded.display ?? this.loaded.file}:${at.line}:${at.column}: ` : '';
  }

  private record(step: string, r: StepRun, ms: number, deadEnd?: string) {
    this.outcomes.push({
      lab: this.loaded.lab.id,
      step,
      ok: r.ok,
      detail: r.detail,
      ms,
      ...(deadEnd ? { deadEnd } : {}),
    });
    this.text.push(outcomeLine(this.outcomes[this.outcomes.length - 1]));
  }

  private async open(resumeAt: number): Promise<LabSession | undefined> {
    const { lab } = this.loaded;
    const s = new LabSession({
      lab,
      labDir: this.loaded.dir,
      autoAdvance: false,
      resume: resumeAt ? { step: resumeAt } : undefined,
    });
    const progress = this.progress;
    if (progress) s.on('progress', (m: string) => progress(lab.id, m));
    try {
      await s.start();
      return s;
    } catch (e) {
      await s.stop().catch(() => undefined);
      const label = this.label();
      const what = resumeAt
        ? `setup${label} (replaying the solutions before ${lab.steps[resumeAt].id})`
        : `setup${label}`;
      this.text.push(`  ✗ ${what}: ${(e as Error).message}\n`);
      this.outcomes.push({ lab: lab.id, step: `(${what})`, ok: false, detail: (e as Error).message, ms: 0 });
      return undefined;
    }
  }

  private label() {
    const v = this.variant;
    return v.kind === 'main' ? '' : v.kind === 'retry' ? ' (retry)' : ` (alternative ${v.k + 1})`;
  }

  /** Checks fail before the step's work; anti-solutions (main only) fail with their diagnostics. */
  private async before(session: LabSession, i: number, antis: boolean): Promise<string[]> {
    const step = this.loaded.lab.steps[i];
    const before = await session.evaluate();
    if (before.every((r) => r.pass))
      return [
        `${this.where(['steps', i, 'check'])}the checks already pass before the step's work ran — the step cannot fail\n    hint: make the check look for what this step does (a request since the step began, a state it creates)`,
      ];
    const problems: string[] = [];
    if (!antis) return problems;
    for (const [k, anti] of step.anti_solutions.entries()) {
      for (const cmd of anti.run) await session.runCommand(`(\n${cmd}\n)`, undefined, { record: true, recordAs: cmd });
      await session.settle();
      const res = await session.evaluate();
      const want = t(anti.diagnostic);
      const messages = res.filter((r) => !r.pass).map((r) => r.message);
      if (!messages.length)
        problems.push(
          `${this.where(['steps', i, 'anti_solutions', k])}anti-solution ${k + 1} (${firstLine(anti.run[0])}) passes the checks — they cannot tell it from the solution`,
        );
      else if (!messages.some((m) => m.includes(want)))
        problems.push(
          `${this.where(['steps', i, 'anti_solutions', k, 'diagnostic'])}anti-solution ${k + 1} fails, but without the diagnostic "${want}"; the learner is told:\n${messages.map((m) => `  - ${m}`).join('\n')}`,
        );
      await session.resetStep();
    }
    return problems;
  }

  /** Evaluates after the work; a failure names what ran. */
  private async after(session: LabSession, where: PropertyKey[], what: string, logs: string[]): Promise<string[]> {
    await session.settle();
    let failing = (await session.evaluate()).filter((r) => !r.pass);
    // Some work finishes after the command returns (`lease revoke -prefix` queues revocations,
    // as Vault does); a learner's step completes when it lands, so give it a moment.
    for (const until = Date.now() + SETTLE_MS; failing.length && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      await session.settle();
      failing = (await session.evaluate()).filter((r) => !r.pass);
    }
    if (!failing.length) return [];
    return [
      `${this.where(where)}checks still fail after ${what}:\n${failing.map((f) => `  - ${f.message}`).join('\n')}\n  output:\n${logs.map((l) => '    ' + indent(l, 4)).join('\n')}`,
    ];
  }

  async run(): Promise<void> {
    const { lab } = this.loaded;
    const v = this.variant;
    let session: LabSession | undefined;
    /** Alternatives run so far in this walk: a later failure is a dead end they led to. */
    const taken: string[] = [];
    const retryProblems: string[] = [];
    const t0all = performance.now();
    try {
      for (let i = 0; i < lab.steps.length; i++) {
        const step = lab.steps[i];
        const alt = v.kind === 'alt' ? alternativesOf(step)[v.k] : undefined;
        if (v.kind === 'main' && v.isolate) {
          await session?.stop();
          session = await this.open(i);
        } else if (!session) session = await this.open(0);
        if (!session) return;
        const t0 = performance.now();
        const logs: string[] = [];
        let problems: string[] = [];
        try {
          if (v.kind === 'main') {
            problems = await this.before(session, i, true);
            await runShell(session, step.solution, logs);
            problems.push(...(await this.after(session, ['steps', i, 'solution'], 'the solution', logs)));
          } else if (v.kind === 'alt') {
            if (alt) problems = await this.before(session, i, false);
            if (alt?.http) for (const call of alt.http) logs.push(await runHttpCall(session, call));
            else await runShell(session, alt?.run ?? step.solution, logs);
            const place = alt
              ? ['steps', i, ...(alt.name === 'http_solution' ? ['http_solution'] : ['alternatives', v.k])]
              : ['steps', i, 'solution'];
            const what = alt
              ? `alternative "${alternativeName(alt)}"`
              : `the solution (after ${taken.map((a) => `"${a}"`).join(', ')})`;
            const after = await this.after(session, place, what, logs);
            if (!alt && after.length)
              after[0] = `dead end: ${after[0]}\n  hint: a learner who did ${taken.join(', ')} earlier can no longer finish this step`;
            problems.push(...after);
          } else {
            const tolerant = !step.exempt?.retry;
            if (tolerant) await runShell(session, step.solution.filter(isRead), logs);
            for (const cmd of step.solution) await runShell(session, tolerant ? [cmd, cmd] : [cmd], logs);
            const after = await this.after(
              session,
              ['steps', i, 'solution'],
              'the solution run twice (and its reads run early)',
              logs,
            );
            retryProblems.push(...after.map((a) => `${step.id}: ${a}`));
          }
        } catch (e) {
          problems.push((e as Error).message);
        }
        const ms = performance.now() - t0;
        if (v.kind === 'main') this.record(step.id, { ok: !problems.length, detail: problems.join('\n') }, ms);
        else if (v.kind === 'alt' && (alt || (problems.length && taken.length))) {
          const name = alt ? `${step.id} [${alternativeName(alt)}]` : `${step.id} [after ${taken.join(', ')}]`;
          this.record(name, { ok: !problems.length, detail: problems.join('\n') }, ms, alt ? undefined : step.id);
        }
        if (alt) taken.push(`${step.id} [${alternativeName(alt)}]`);
        if (v.kind === 'retry' && retryProblems.length) break;
        await session.completeStep();
      }
      if (v.kind === 'retry')
        this.record(
          '(retrying learner)',
          { ok: !retryProblems.length, detail: retryProblems.join('\n') },
          performance.now() - t0all,
        );
    } finally {
      await session?.stop();
    }
  }
}

/** Walks a lab one way; returns its outcomes and the text to print for them. */
export async function runVariant(
  loaded: LoadedLab,
  variant: Variant,
  progress?: (lab: string, msg: string) => void,
): Promise<{ outcomes: StepOutcome[]; text: string }> {
  const run = new VariantRun(loaded, variant, progress);
  await run.run();
  return { outcomes: run.outcomes, text: run.text.join('') };
}
