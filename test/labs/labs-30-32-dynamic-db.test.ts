/**
 * Issue 17 items for labs 30–32, reproduced: each lab, patched back to what it judged before
 * (the old checks kept here), fails the walk of `vault-lab test` that shows the problem, while the
 * shipped lab carries the right answer as an alternative (or the wrong one as an anti-solution)
 * that `vault-lab test content/labs` proves in the same walk. Real PostgreSQL, real engine.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabFile, type LoadedLab } from '../../labs/format/load.js';
import type { CheckNode } from '../../labs/format/schema.js';
import { runVariant, type Variant } from '../../labs/tools/variants.js';
import { ROOT } from '../support/engine.js';

const LABS = path.join(ROOT, 'content', 'labs');
const load = (name: string) => loadLabFile(path.join(LABS, name), `content/labs/${name}`);
const stepOf = (l: LoadedLab, id: string) => {
  const s = l.lab.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id} in ${l.lab.id}`);
  return s;
};
const sql = (query: string, more: Record<string, unknown>, message: string): CheckNode => ({
  sql: { query, system: 'postgres', expect: [], ...more } as CheckNode['sql'],
  message,
});
const READONLY_USERS = "SELECT rolname FROM pg_roles WHERE rolname LIKE 'v-%-readonly-%'";

async function walk(l: LoadedLab, v: Variant) {
  const { outcomes } = await runVariant(l, v);
  return outcomes;
}

describe('lab 30 dynamic-db-credentials', () => {
  it('a plain read before the kept one was a dead end at revoke-lease (rows: 0); it is an alternative now', async () => {
    const lab = load('30-dynamic-db-credentials.yaml');
    const alt = stepOf(lab, 'read-credentials').alternatives[0];
    expect(alt.run?.[0]).toBe('vault read database/creds/readonly');
    const revoke = stepOf(lab, 'revoke-lease');
    revoke.check = [sql(READONLY_USERS, { rows: 0 }, 'the generated user should disappear')];
    revoke.alternatives = []; // so that the walk revokes with the step's own solution
    const outcomes = await walk(lab, { kind: 'alt', k: 0 });
    const dead = outcomes.find((o) => o.step.startsWith('revoke-lease [after'));
    expect(dead?.ok).toBe(false);
    expect(dead?.detail).toContain('dead end');
  }, 120_000);

  it('an admin SELECT plus any SQL error passed use-credentials; it is an anti-solution now', async () => {
    const lab = load('30-dynamic-db-credentials.yaml');
    const step = stepOf(lab, 'use-credentials');
    expect(step.anti_solutions[1].run.join('\n')).toContain('$LAB_PG_ADMIN_USER');
    step.check = [
      sql(
        "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'products' AND seq_scan > 0",
        { rows: 1 },
        'Read the products table',
      ),
      sql(
        'SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database() AND xact_rollback > 0',
        { rows: 1 },
        'try an INSERT',
      ),
    ];
    // Only the steps up to use-credentials matter: the main walk stops being useful after it.
    lab.lab.steps = lab.lab.steps.slice(0, lab.lab.steps.indexOf(step) + 1);
    const outcomes = await walk(lab, { kind: 'main' });
    const use = outcomes.find((o) => o.step === 'use-credentials');
    expect(use?.ok).toBe(false);
    expect(use?.detail).toMatch(/anti-solution 2 .* passes the checks/);
  }, 120_000);

  it('says why the shell has PG* and LAB_PG_*, and proves a connection written with $PGHOST', () => {
    const lab = load('30-dynamic-db-credentials.yaml');
    const body = String(stepOf(lab, 'enable-database').body);
    for (const name of ['PGHOST', 'LAB_PG_HOST', 'LAB_PG_ADMIN_PASSWORD']) expect(body).toContain(name);
    const alts = stepOf(lab, 'configure-connection').alternatives.flatMap((a) => a.run ?? []);
    expect(alts.some((c) => c.includes('@$PGHOST:$PGPORT/$PGDATABASE'))).toBe(true);
  });
});

describe('lab 31 leases-incident-response', () => {
  it('the retrying learner (clock advanced twice, extra leases) failed let-time-pass on the old lab', async () => {
    const lab = load('31-leases-incident-response.yaml');
    const role = lab.lab.setup.find(
      (s) => typeof s === 'object' && 'api' in s && s.api.path === 'database/roles/readonly',
    );
    if (!role || typeof role !== 'object' || !('api' in role)) throw new Error('no role in setup');
    role.api.data = { ...role.api.data, max_ttl: '2h' };
    stepOf(lab, 'renew-capped').solution = ['vault lease renew -increment=3h "$LEASE"'];
    const timeStep = stepOf(lab, 'let-time-pass');
    timeStep.check = [sql(READONLY_USERS, { rows: 1 }, 'only the renewed user should remain')];
    lab.lab.steps = lab.lab.steps.slice(0, lab.lab.steps.indexOf(timeStep) + 1);
    const outcomes = await walk(lab, { kind: 'retry' });
    const retry = outcomes.find((o) => o.step === '(retrying learner)');
    expect(retry?.ok).toBe(false);
    expect(retry?.detail).toContain('let-time-pass');
  }, 180_000);
});

describe('lab 32 end-to-end', () => {
  it('teaches token_policies and keeps policies= as a right answer', () => {
    const lab = load('32-end-to-end.yaml');
    const step = stepOf(lab, 'approle-role');
    expect(step.solution.join('\n')).toContain('token_policies=myapp-policy');
    expect(String(step.body)).toContain('token_policies=myapp-policy');
    expect(step.alternatives.some((a) => a.run?.some((c) => / policies=myapp-policy/.test(c)))).toBe(true);
  });
});
