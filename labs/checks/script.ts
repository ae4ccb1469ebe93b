/**
 * `script` (level; the escape hatch): a shell script run in the workspace as the
 * checker passes on exit 0. Its last line of output is the message either way.
 */
import type { z } from 'zod';
import type { ScriptCheck } from '../format/schema.js';
import type { Evaluator } from './types.js';

type Spec = z.infer<typeof ScriptCheck>;

export const scriptCheck: Evaluator<Spec> = async (spec, ctx) => {
  const r = await ctx.script(spec.run, spec.timeout * 1000);
  const last = r.output.trim().split('\n').pop()?.trim() ?? '';
  if (r.code === 0) return { pass: true, kind: 'level', message: last || 'the script check passed' };
  return { pass: false, kind: 'level', message: `Not yet: ${last || `the check script exited ${r.code}`}` };
};
