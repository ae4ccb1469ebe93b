/** The sql check's step-start rows, with a stand-in database (test/labs/relative-db.test.ts runs PostgreSQL). */
import { describe, expect, it } from 'vitest';
import { sqlCheck } from './sql.js';
import type { CheckContext, CheckMemo } from './types.js';

function context(rows: () => Array<Record<string, unknown>>, memo: CheckMemo) {
  return {
    sql: () => ({ query: async () => ({ rows: rows() }) }),
    memo: () => memo,
  } as unknown as CheckContext;
}

describe('sql added/removed', () => {
  it('counts from the rows at the step start even when rows: fails then', async () => {
    let rows: Array<Record<string, unknown>> = [];
    const memo: CheckMemo = {};
    const spec = { query: 'q', system: 'postgres' as const, rows: { min: 1 }, added: 1, expect: [] };
    const ctx = context(() => rows, memo);
    expect((await sqlCheck(spec, ctx, {})).pass).toBe(false); // the step begins: no rows
    rows = [{ rolname: 'v-one' }];
    const r = await sqlCheck(spec, ctx, {});
    expect(r.message).toBe('the database has 1 matching row(s)');
    expect(r.pass).toBe(true);
  });
});
