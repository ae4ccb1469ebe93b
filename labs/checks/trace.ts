/**
 * The check trace (`vault-lab dev`, and the course's `c` key): one evaluation of a step's
 * checks that records, per check, what it looked at — the learner's requests and commands
 * in the step, the state it read as the checker, the SQL it ran, the capabilities and
 * scripts it asked for — and why it passed or failed. It wraps the evaluation context, so
 * the evaluators themselves know nothing of it.
 */
import type { CheckNode } from '../format/schema.js';
import { CHECK_KINDS } from '../format/schema.js';
import type { CheckResult } from './types.js';
import type { EvalContext } from './index.js';

export interface TraceNode {
  /** `request`, `state`, `all` … */
  kind: string;
  /** The check's spec in one short line. */
  spec: string;
  pass: boolean;
  message: string;
  /** What it looked at, one line each. */
  reads: string[];
  children: TraceNode[];
}

const MAX_LINE = 160;
const clip = (s: string, n = MAX_LINE) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const json = (v: unknown) => {
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch {
    return String(v);
  }
};

/** The spec of a node without its children, in one line. */
function specOf(node: CheckNode, kind: string): string {
  const v = node[kind as keyof CheckNode];
  if (kind === 'all' || kind === 'any') return `${(v as CheckNode[]).length} checks`;
  if (kind === 'not') return '';
  return clip(json(v), 120);
}

/**
 * A context that records into a tree of trace nodes as `evaluateCheck` walks the checks
 * (evaluation is sequential: each check is awaited before the next starts).
 */
export function tracingContext(ctx: EvalContext): { ctx: EvalContext; roots: TraceNode[] } {
  const roots: TraceNode[] = [];
  const stack: TraceNode[] = [];
  const note = (line: string) => stack.at(-1)?.reads.push(clip(line));
  const wrapped: EvalContext = {
    ...ctx,
    api: async (operation, p) => {
      const r = await ctx.api(operation, p);
      const body = r.body as { data?: unknown; errors?: unknown } | undefined;
      note(`${operation} ${p} as the checker → ${r.status} ${json(body?.data ?? body?.errors ?? body)}`);
      return r;
    },
    capabilities: async (policies, p) => {
      const caps = await ctx.capabilities(policies, p);
      note(`capabilities of policies [${policies.join(', ')}] on ${p} → [${caps.join(', ')}]`);
      return caps;
    },
    sql: (system) => {
      const s = ctx.sql(system);
      if (!s) return s;
      return {
        query: async (q: string) => {
          const r = await s.query(q);
          note(`SQL ${q} → ${r.rows.length} row(s) ${json(r.rows.slice(0, 3))}`);
          return r;
        },
      };
    },
    script: async (run, timeoutMs) => {
      const r = await ctx.script(run, timeoutMs);
      note(`script \`${run}\` → exit ${r.code}: ${r.output.trim().split('\n').at(-1) ?? ''}`);
      return r;
    },
    trace: {
      enter(node: CheckNode) {
        const kind = CHECK_KINDS.find((k) => node[k] !== undefined) ?? '?';
        const t: TraceNode = { kind, spec: specOf(node, kind), pass: false, message: '', reads: [], children: [] };
        (stack.at(-1)?.children ?? roots).push(t);
        stack.push(t);
        if (kind === 'request' || kind === 'leases' || (kind === 'capabilities' && !node.capabilities?.policy)) {
          const ev = ctx.events.filter((e) => e.type === 'response');
          t.reads.push(`${ev.length} learner request(s) in this step${ev.length ? ', latest:' : ''}`);
          for (const e of ev.slice(-5))
            t.reads.push(
              clip(
                `  ${e.request.operation} ${e.request.path} → ${e.status ?? '?'} (${e.auth?.display_name ?? 'no token'}; policies ${(e.auth?.policies ?? []).join(',') || '—'})`,
              ),
            );
        }
        if (kind === 'command') {
          t.reads.push(`${ctx.commands.length} command line(s) in this step${ctx.commands.length ? ', latest:' : ''}`);
          for (const c of ctx.commands.slice(-5)) t.reads.push(clip(`  $ ${c.line}  (exit ${c.exit})`));
        }
        if (kind === 'file') t.reads.push(`the workspace file ${node.file?.path}`);
      },
      exit(_node: CheckNode, r: CheckResult) {
        const t = stack.pop();
        if (!t) return;
        t.pass = r.pass;
        t.message = r.message;
      },
    },
  };
  return { ctx: wrapped, roots };
}
