/**
 * The check registry: kind → evaluator, one file per kind; the combinators `all`,
 * `any`, `not` here. `evaluateCheck` adds what every kind shares: the author's own
 * message, ordering (`after:`), and the rule that a check passing because something is
 * *absent* only counts once that thing was seen present in the step — so negative
 * checks cannot pass on an empty engine.
 */
import type { CheckNode } from '../format/schema.js';
import { CHECK_KINDS, t } from '../format/schema.js';
import { capabilitiesCheck } from './capabilities.js';
import { commandCheck } from './command.js';
import { fileCheck } from './file.js';
import { leasesCheck } from './leases.js';
import { requestCheck } from './request.js';
import { scriptCheck } from './script.js';
import { sqlCheck } from './sql.js';
import { stateCheck } from './state.js';
import type { CheckContext, CheckResult, Evaluator } from './types.js';

export type { CheckContext, CheckResult, CheckMemo, CommandRecord, SqlQueryable } from './types.js';

const all: Evaluator<CheckNode[]> = async (nodes, ctx) => {
  const results: CheckResult[] = [];
  for (const n of nodes) results.push(await ctx.evaluate(n));
  const failing = results.find((r) => !r.pass);
  const edges = results.filter((r) => r.first !== undefined);
  return {
    pass: !failing,
    kind: results.every((r) => r.kind === 'level') ? 'level' : 'edge',
    message: failing ? failing.message : results.map((r) => r.message).join('; '),
    first: edges.length ? Math.max(...edges.map((r) => r.first!)) : undefined,
    last: edges.length ? Math.max(...edges.map((r) => r.last!)) : undefined,
  };
};

const any: Evaluator<CheckNode[]> = async (nodes, ctx) => {
  const results: CheckResult[] = [];
  for (const n of nodes) results.push(await ctx.evaluate(n));
  const passing = results.filter((r) => r.pass);
  const edges = passing.filter((r) => r.first !== undefined);
  return {
    pass: passing.length > 0,
    kind: results.some((r) => r.kind === 'edge') ? 'edge' : 'level',
    message: passing.length ? passing[0].message : `None of these yet: ${results.map((r) => r.message).join(' | ')}`,
    first: edges.length ? Math.min(...edges.map((r) => r.first!)) : undefined,
    last: edges.length ? Math.max(...edges.map((r) => r.last!)) : undefined,
  };
};

const not: Evaluator<CheckNode> = async (node, ctx) => {
  const r = await ctx.evaluate(node);
  if (r.pass)
    return {
      pass: false,
      kind: r.kind,
      observed: 'present',
      message: `Not yet: this should no longer hold: ${r.message}`,
    };
  // A level check that never held in this step proves nothing by failing now.
  if (r.kind === 'level' && ctx.memo(node).firstPass === undefined && !ctx.memo(node).seenPresent) {
    return {
      pass: false,
      kind: 'level',
      message: `Not yet: waiting to see this hold before it can be undone: ${r.message.replace(/^Not yet: /, '')}`,
    };
  }
  return {
    pass: true,
    kind: r.kind,
    observed: 'absent',
    message: `as expected, no longer: ${r.message.replace(/^Not yet: /, '')}`,
  };
};

export const REGISTRY: Record<string, Evaluator<never>> = {
  request: requestCheck as Evaluator<never>,
  state: stateCheck as Evaluator<never>,
  capabilities: capabilitiesCheck as Evaluator<never>,
  sql: sqlCheck as Evaluator<never>,
  leases: leasesCheck as Evaluator<never>,
  file: fileCheck as Evaluator<never>,
  command: commandCheck as Evaluator<never>,
  script: scriptCheck as Evaluator<never>,
  all: all as Evaluator<never>,
  any: any as Evaluator<never>,
  not: not as Evaluator<never>,
};

/** The kind of a check node (`request`, `all`, …), or undefined. */
export function kindOf(node: CheckNode): string | undefined {
  return CHECK_KINDS.find((k) => node[k] !== undefined);
}

export type EvalContext = Omit<CheckContext, 'evaluate'>;

/**
 * Evaluates one check node (memoised per evaluation round); the author's `message`
 * leads the diagnostic on failure.
 */
export async function evaluateCheck(node: CheckNode, ctx: EvalContext): Promise<CheckResult> {
  ctx.trace?.enter(node);
  const r = await judge(node, ctx);
  ctx.trace?.exit(node, r);
  return r;
}

async function judge(node: CheckNode, ctx: EvalContext): Promise<CheckResult> {
  const memo = ctx.memo(node);
  if (memo.round === ctx.round && memo.result) return memo.result;
  const full: CheckContext = { ...ctx, evaluate: (n) => evaluateCheck(n, ctx) };
  const kind = kindOf(node);
  let r: CheckResult;
  if (!kind) r = { pass: false, kind: 'level', message: 'This check has no known kind.' };
  else {
    try {
      r = await REGISTRY[kind](node[kind] as never, full, node);
    } catch (e) {
      r = { pass: false, kind: 'level', message: `The check could not be evaluated: ${(e as Error).message}` };
    }
  }
  if (r.observed === 'present') memo.seenPresent = true;
  if (r.pass && r.observed === 'absent' && !memo.seenPresent && kind !== 'not') {
    r = { pass: false, kind: r.kind, message: `Not yet: waiting to see this exist before it is gone (${r.message}).` };
  }
  if (r.pass && node.after) {
    const before = await ctx.byId(node.after);
    const aTime = before
      ? (before.result.first ?? before.memo.firstPass ?? (before.result.pass ? ctx.seq : undefined))
      : undefined;
    const bTime = r.last ?? ctx.seq;
    if (aTime === undefined)
      r = {
        pass: false,
        kind: r.kind,
        message: `Not yet: "${node.after}" has to happen first (${before?.result.message ?? 'not seen'}).`,
      };
    else if (r.last !== undefined && before?.result.first !== undefined ? bTime <= aTime : bTime < aTime)
      r = { pass: false, kind: r.kind, message: `Not yet: this happened before "${node.after}"; do it again after.` };
  }
  if (r.pass) memo.firstPass ??= r.first ?? ctx.seq;
  if (!r.pass && node.message) r = { ...r, message: `${t(node.message, ctx.lang)} (${r.message})` };
  memo.round = ctx.round;
  memo.result = r;
  return r;
}
