/** The check registry: kind → evaluator. One file per kind; combinators here. */
import type { CheckNode } from '../schema.js';
import { t } from '../schema.js';
import { requestCheck } from './request.js';
import { stateCheck } from './state.js';
import type { CheckContext, CheckResult, Evaluator } from './types.js';

export type { CheckContext, CheckResult } from './types.js';

const all: Evaluator<CheckNode[]> = async (nodes, ctx) => {
  const results = [];
  for (const n of nodes) results.push(await ctx.evaluate(n));
  const failing = results.find((r) => !r.pass);
  return { pass: !failing, kind: results.every((r) => r.kind === 'level') ? 'level' : 'edge', message: failing ? failing.message : results.map((r) => r.message).join('; ') };
};

const any: Evaluator<CheckNode[]> = async (nodes, ctx) => {
  const results = [];
  for (const n of nodes) results.push(await ctx.evaluate(n));
  const passing = results.find((r) => r.pass);
  return { pass: !!passing, kind: 'edge', message: passing ? passing.message : `None of these yet: ${results.map((r) => r.message).join(' | ')}` };
};

const not: Evaluator<CheckNode> = async (node, ctx) => {
  const r = await ctx.evaluate(node);
  return { pass: !r.pass, kind: r.kind, message: r.pass ? `This should not be so: ${r.message}` : `as expected, not: ${r.message}` };
};

export const REGISTRY: Record<string, Evaluator<never>> = {
  request: requestCheck as Evaluator<never>,
  state: stateCheck as Evaluator<never>,
  all: all as Evaluator<never>,
  any: any as Evaluator<never>,
  not: not as Evaluator<never>,
};

/** Evaluates one check node; the author's `message` replaces the diagnostic on failure. */
export async function evaluateCheck(node: CheckNode, ctx: Omit<CheckContext, 'evaluate'>): Promise<CheckResult> {
  const full: CheckContext = { ...ctx, evaluate: (n) => evaluateCheck(n, ctx) };
  const kind = Object.keys(REGISTRY).find((k) => node[k] !== undefined);
  if (!kind) return { pass: false, kind: 'level', message: 'This check has no known kind.' };
  const r = await REGISTRY[kind](node[kind] as never, full, node);
  if (!r.pass && node.message) return { ...r, message: `${t(node.message, ctx.lang)} (${r.message})` };
  return r;
}
