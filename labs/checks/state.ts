/**
 * `state` (level): is something true in the engine now? Reads an API path as the checker
 * and checks expectations on the JSON. `status: 404` means "gone": it only counts once
 * the path was seen present in this step, so it cannot pass on an empty engine.
 * Relative expectations (`increased`, `increased_by`, `changed`, `unchanged`) and
 * `{{start:X}}` templates compare with the same read when the step began.
 */
import type { z } from 'zod';
import type { Evaluator } from './types.js';
import type { StateCheck, StateExpectation } from '../format/schema.js';
import { expectation, select } from './jsonpath.js';
import { nearestWrite } from './near.js';
import { baseline, fill, hasTemplate, inCount, TemplateError } from './relative.js';

export { expectation, select as at } from './jsonpath.js';

type Spec = z.infer<typeof StateCheck>;
type Exp = z.infer<typeof StateExpectation>;
const show = (v: unknown) => JSON.stringify(v) ?? 'nothing';

/** One expectation against the read now and the read when the step began; what is wrong, or null. */
function judge(e: Exp, now: unknown, start: unknown): string | null {
  const at = String(fill(e.at, now, start));
  const equals = typeof e.equals === 'string' && hasTemplate(e.equals) ? fill(e.equals, now, start) : e.equals;
  const { increased, increased_by, changed, unchanged, ...plain } = e;
  const bad = expectation(now, { ...plain, at, equals });
  if (bad) return bad;
  if (increased === undefined && increased_by === undefined && !changed && !unchanged) return null;
  const cur = select(now, at);
  const was = select(start, at);
  const then = was.found ? show(was.value) : 'not there';
  if (changed && show(cur.value) === show(was.value) && cur.found === was.found)
    return `${at} is still ${then}, as when the step began; the step wants it changed`;
  if (unchanged && (show(cur.value) !== show(was.value) || cur.found !== was.found))
    return `${at} is ${show(cur.value)}, it was ${then} when the step began; the step wants it unchanged`;
  if (increased !== undefined || increased_by !== undefined) {
    const n = Number(cur.value);
    const b = was.found ? Number(was.value) : 0;
    if (!cur.found || Number.isNaN(n) || Number.isNaN(b)) return `${at} (${show(cur.value)}) is not a number`;
    if (increased && !(n > b)) return `${at} is ${n}, it was ${then} when the step began; the step wants it higher`;
    if (increased_by !== undefined) {
      const c = inCount(n - b, increased_by);
      if (!c.ok)
        return `${at} went from ${then} to ${n} in this step (${n - b >= 0 ? '+' : ''}${n - b}), the step wants +${c.said}`;
    }
  }
  return null;
}

export const stateCheck: Evaluator<Spec> = async (spec, ctx, node) => {
  const res = await ctx.api(spec.operation, spec.path);
  const present = res.status >= 200 && res.status < 300;
  // The read when the step began: an absent path reads as no JSON at all.
  const start = baseline(ctx.memo(node), present ? res.body : undefined);
  if (spec.status === 404) {
    return res.status === 404
      ? { pass: true, kind: 'level', observed: 'absent', message: `${spec.path} is gone` }
      : {
          pass: false,
          kind: 'level',
          observed: present ? 'present' : undefined,
          message: `Not yet: ${spec.path} still exists.`,
        };
  }
  if (res.status !== spec.status) {
    const near = nearestWrite(ctx, spec.path);
    const what = res.status === 404 ? `${spec.path} does not exist yet` : `reading ${spec.path} answered ${res.status}`;
    return { pass: false, kind: 'level', message: `Not yet: ${what}${near ? ` — ${near}` : ''}.` };
  }
  for (const e of spec.expect) {
    let bad: string | null;
    try {
      bad = judge(e, res.body, start);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      bad = err.message;
    }
    if (bad) return { pass: false, kind: 'level', observed: 'present', message: `Not yet: ${bad}.` };
  }
  return { pass: true, kind: 'level', observed: 'present', message: `${spec.path} is as expected` };
};
