/**
 * `leases` (level): leases under a prefix that appeared or disappeared since the step
 * began — "a lease created in this step was revoked" without a global count. The checker
 * lists them (LIST sys/leases/lookup/<prefix>/, walking folders); a lease the learner got
 * and lost between two evaluations still counts, because every learner response that
 * carries a lease under the prefix is seen too.
 */
import type { z } from 'zod';
import type { LeasesCheck } from '../format/schema.js';
import { baseline, inCount } from './relative.js';
import type { CheckContext, Evaluator } from './types.js';

type Spec = z.infer<typeof LeasesCheck>;
const trim = (p: string) => p.replace(/^\/+|\/+$/g, '');
const MAX = 2000;

/** Every lease id under the prefix now. */
async function listLeases(ctx: CheckContext, prefix: string): Promise<string[]> {
  const out: string[] = [];
  const folders = [`${prefix}/`];
  while (folders.length && out.length < MAX) {
    const dir = folders.shift()!;
    const res = await ctx.api('list', `sys/leases/lookup/${dir}`);
    if (res.status === 404) continue;
    if (res.status !== 200)
      throw new Error(`listing leases under ${dir} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const keys = ((res.body as { data?: { keys?: string[] } })?.data?.keys ?? []).map(String);
    for (const k of keys) (k.endsWith('/') ? folders : out).push(`${dir}${k}`);
  }
  return out;
}

interface Memory {
  start: string[];
  seen: Set<string>;
}

export const leasesCheck: Evaluator<Spec> = async (spec, ctx, node) => {
  const prefix = trim(spec.prefix);
  const now = await listLeases(ctx, prefix);
  const memo = ctx.memo(node);
  const mem = baseline<Memory>(memo, { start: now, seen: new Set(now) });
  for (const id of now) mem.seen.add(id);
  for (const e of ctx.events) {
    const id = e.response?.secret?.lease_id;
    if (id?.startsWith(`${prefix}/`)) mem.seen.add(id);
  }
  const start = new Set(mem.start);
  const current = new Set(now);
  const created = [...mem.seen].filter((id) => !start.has(id));
  const revoked = [...mem.seen].filter((id) => !current.has(id));
  // Relative counts cannot pass on an empty engine by accident: a revoked lease was seen first.
  const observed = mem.seen.size ? ('present' as const) : undefined;
  for (const [field, ids, verb] of [
    ['created', created, 'created'],
    ['revoked', revoked, 'revoked (or expired)'],
  ] as const) {
    const want = spec[field];
    if (want === undefined) continue;
    const c = inCount(ids.length, want);
    if (!c.ok)
      return {
        pass: false,
        kind: 'level',
        observed,
        message: `Not yet: ${ids.length} lease(s) under ${prefix}/ ${verb} in this step, the step wants ${c.said}.`,
      };
  }
  return {
    pass: true,
    kind: 'level',
    observed,
    message: `${created.length} lease(s) under ${prefix}/ created and ${revoked.length} revoked in this step`,
  };
};
