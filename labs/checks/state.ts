/**
 * `state`: is something true in the engine now? Reads an API path as root and checks
 * expectations on the JSON.
 */
import type { z } from 'zod';
import type { Evaluator } from './types.js';
import type { StateCheck, Expectation } from '../schema.js';

type Spec = z.infer<typeof StateCheck>;
type Exp = z.infer<typeof Expectation>;

/** Follows a dotted path (`data.data.db_user`, `data.keys.0`). */
export function at(obj: unknown, path: string): { found: boolean; value: unknown } {
  let cur: unknown = obj;
  for (const seg of path.split('.').filter(Boolean)) {
    if (cur && typeof cur === 'object' && seg in (cur as object)) cur = (cur as Record<string, unknown>)[seg];
    else return { found: false, value: undefined };
  }
  return { found: true, value: cur };
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'nothing');

export function expectation(body: unknown, e: Exp): string | null {
  const { found, value } = at(body, e.at);
  if (e.exists === false) return found ? `${e.at} should not exist` : null;
  if (!found) return `${e.at} is not there yet`;
  if (e.equals !== undefined && JSON.stringify(value) !== JSON.stringify(e.equals) && String(value) !== String(e.equals)) return `${e.at} is ${show(value)}, expected ${show(e.equals)}`;
  if (e.contains !== undefined) {
    const ok = Array.isArray(value) ? value.some((x) => JSON.stringify(x) === JSON.stringify(e.contains)) : typeof value === 'string' ? value.includes(String(e.contains)) : false;
    if (!ok) return `${e.at} (${show(value)}) does not contain ${show(e.contains)}`;
  }
  if (e.matches !== undefined && !new RegExp(e.matches).test(typeof value === 'string' ? value : JSON.stringify(value))) return `${e.at} (${show(value)}) does not match /${e.matches}/`;
  return null;
}

export const stateCheck: Evaluator<Spec> = async (spec, ctx) => {
  const res = await ctx.api(spec.operation, spec.path);
  if (res.status !== spec.status) {
    const what = res.status === 404 ? `${spec.path} does not exist yet` : `reading ${spec.path} answered ${res.status}`;
    return { pass: false, kind: 'level', message: spec.status === 404 ? `${spec.path} still exists` : `Not yet: ${what}.` };
  }
  for (const e of spec.expect) {
    const bad = expectation(res.body, e);
    if (bad) return { pass: false, kind: 'level', message: `Not yet: ${bad}.` };
  }
  return { pass: true, kind: 'level', message: `${spec.path} is as expected` };
};
