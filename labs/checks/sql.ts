/**
 * `sql` (level): a query on the lab's database through its provider's query helper —
 * e.g. "the dynamic role exists in pg_roles". `rows: 0` means "gone" and only counts
 * once rows were seen in this step. `added` / `removed` count the rows that appeared or
 * disappeared since the step began.
 */
import type { z } from 'zod';
import type { SqlCheck } from '../format/schema.js';
import type { Evaluator } from './types.js';
import { expectation } from './jsonpath.js';
import { baseline, inCount } from './relative.js';

type Spec = z.infer<typeof SqlCheck>;

export const sqlCheck: Evaluator<Spec> = async (spec, ctx, node) => {
  const db = ctx.sql(spec.system);
  if (!db)
    return {
      pass: false,
      kind: 'level',
      message: `This check needs ${spec.system}, and the lab has none running (add it to needs:).`,
    };
  let rows: Array<Record<string, unknown>>;
  try {
    rows = (await db.query(spec.query)).rows;
  } catch (e) {
    baseline(ctx.memo(node), [] as string[]); // nothing there when the step began
    return { pass: false, kind: 'level', message: `The check's query failed: ${(e as Error).message.split('\n')[0]}` };
  }
  // Rows that come and go are counted from the step's start (its first evaluation), as JSON;
  // the start is taken before any early return, so a `rows:` miss at the start cannot delay it.
  const key = (r: Record<string, unknown>) => JSON.stringify(r);
  const nowKeys = rows.map(key);
  const start = baseline(ctx.memo(node), nowKeys);
  const n = rows.length;
  const observed = n > 0 ? ('present' as const) : ('absent' as const);
  const want = spec.rows;
  if (want !== undefined) {
    const [min, max] = typeof want === 'number' ? [want, want] : [want.min ?? 0, want.max ?? Infinity];
    if (n < min || n > max) {
      const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min}–${max}`;
      return {
        pass: false,
        kind: 'level',
        observed,
        message: `Not yet: the database has ${n} matching row(s), the step wants ${wanted}.`,
      };
    }
  }
  for (const [field, n, verb] of [
    ['added', nowKeys.filter((k) => !start.includes(k)).length, 'appeared'],
    ['removed', start.filter((k) => !nowKeys.includes(k)).length, 'disappeared'],
  ] as const) {
    const want = spec[field];
    if (want === undefined) continue;
    const c = inCount(n, want);
    if (!c.ok)
      return {
        pass: false,
        kind: 'level',
        observed,
        message: `Not yet: ${n} matching row(s) ${verb} in this step, the step wants ${c.said}.`,
      };
  }
  for (const e of spec.expect) {
    const bad = expectation({ rows, count: n }, e);
    if (bad) return { pass: false, kind: 'level', observed, message: `Not yet: ${bad}.` };
  }
  return { pass: true, kind: 'level', observed, message: `the database has ${n} matching row(s)` };
};
