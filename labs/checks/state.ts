/**
 * `state` (level): is something true in the engine now? Reads an API path as the checker
 * and checks expectations on the JSON. `status: 404` means "gone": it only counts once
 * the path was seen present in this step, so it cannot pass on an empty engine.
 */
import type { z } from 'zod';
import type { Evaluator } from './types.js';
import type { StateCheck } from '../format/schema.js';
import { expectation } from './jsonpath.js';
import { nearestWrite } from './near.js';

export { expectation, select as at } from './jsonpath.js';

type Spec = z.infer<typeof StateCheck>;

export const stateCheck: Evaluator<Spec> = async (spec, ctx) => {
  const res = await ctx.api(spec.operation, spec.path);
  const present = res.status >= 200 && res.status < 300;
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
    const bad = expectation(res.body, e);
    if (bad) return { pass: false, kind: 'level', observed: 'present', message: `Not yet: ${bad}.` };
  }
  return { pass: true, kind: 'level', observed: 'present', message: `${spec.path} is as expected` };
};
