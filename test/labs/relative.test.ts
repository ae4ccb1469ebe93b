/**
 * Relative state checks through a real lab session: a version that rose in this step,
 * a value that changed or not, `{{start:X}}` templates — whatever happened before the
 * step began (a retried put, an earlier lab) does not matter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSession } from '../../labs/runtime/session.js';
import { lab, ONE_STEP, session } from './helpers.js';

let s: LabSession | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

async function after(cmds: string[]) {
  for (const c of cmds) await s!.runCommand(c, undefined, { record: true });
  await s!.settle();
  return s!.evaluate();
}

// Three puts before the step: an absolute "version 1" check would be a dead end here.
const RETRIED =
  'setup:\n  - vault kv put secret/app a=1\n  - vault kv put secret/app a=1\n  - vault kv put secret/app a=2\n';

describe('increased / increased_by on a state expectation', () => {
  const check = '- state: { path: secret/metadata/app, expect: [ { at: data.current_version, increased_by: 1 } ] }';

  it('passes when the version rose by one in this step, whatever it was before', async () => {
    s = await session(ONE_STEP(check, RETRIED));
    let [r] = await s.evaluate();
    expect(r.pass).toBe(false);
    expect(r.message).toBe('Not yet: data.current_version went from 3 to 3 in this step (+0), the step wants +1.');
    [r] = await after(['vault kv put secret/app a=3']);
    expect(r.pass).toBe(true);
    [r] = await after(['vault kv put secret/app a=4']);
    expect(r.message).toContain('went from 3 to 5 in this step (+2), the step wants +1');
  });

  it('a range, and increased: true; a path missing at the start counts from 0', async () => {
    s = await session(
      ONE_STEP(
        '- state: { path: secret/metadata/new, expect: [ { at: data.current_version, increased: true, increased_by: { min: 1, max: 2 } } ] }',
      ),
    );
    expect((await s.evaluate())[0].message).toContain('secret/metadata/new does not exist yet');
    expect((await after(['vault kv put secret/new a=1']))[0].pass).toBe(true);
  });

  it('a step reset takes the baseline again', async () => {
    s = await session(ONE_STEP(check, RETRIED));
    expect((await after(['vault kv put secret/app a=3']))[0].pass).toBe(true);
    await s.resetStep();
    expect(s.results[0].pass).toBe(false);
  });
});

describe('changed / unchanged', () => {
  it('judges the value against the step start', async () => {
    s = await session(
      ONE_STEP(
        '- state: { path: secret/data/app, expect: [ { at: data.data.a, changed: true }, { at: data.metadata.version, exists: true } ] }\n- state: { path: sys/policies/acl/default, expect: [ { at: data.policy, unchanged: true } ] }',
        RETRIED,
      ),
    );
    let res = await s.evaluate();
    expect(res[0].message).toBe(
      'Not yet: data.data.a is still "2", as when the step began; the step wants it changed.',
    );
    expect(res[1].pass).toBe(true);
    res = await after([
      'vault kv put secret/app a=9',
      `vault policy write default - <<'EOF'\npath "x" { capabilities = ["read"] }\nEOF`,
    ]);
    expect(res[0].pass).toBe(true);
    expect(res[1].pass).toBe(false);
    expect(res[1].message).toContain('when the step began; the step wants it unchanged');
  });
});

describe('templates: {{X}} and {{start:X}}', () => {
  it('"the version that was current when the step began" is deleted', async () => {
    s = await session(
      ONE_STEP(
        `- state:\n    path: secret/metadata/app\n    expect:\n      - { at: "data.versions.{{start:data.current_version}}.deletion_time", matches: "^\\\\d{4}-" }\n      - { at: "data.versions.{{data.current_version}}.destroyed", equals: false }\n      - { at: data.current_version, equals: "{{start:data.current_version}}" }`,
        RETRIED,
      ),
    );
    let [r] = await s.evaluate();
    expect(r.message).toBe('Not yet: data.versions.3.deletion_time ("") does not match /^\\d{4}-/.');
    [r] = await after(['vault kv delete secret/app']);
    expect(r.pass).toBe(true);
  });

  it('a place that is not there says so', async () => {
    s = await session(
      ONE_STEP(
        '- state: { path: secret/metadata/app, expect: [ { at: "data.versions.{{start:data.nope}}", exists: true } ] }',
        RETRIED,
      ),
    );
    expect((await s.evaluate())[0].message).toBe(
      'Not yet: when the step began, data.nope was not there (in "data.versions.{{start:data.nope}}").',
    );
  });
});

describe('the schema', () => {
  it('refuses relative options outside state expectations and a leases check without counts', () => {
    expect(() => lab(ONE_STEP('- sql: { query: "select 1", expect: [ { at: count, increased: true } ] }'))).toThrow(
      /increased/,
    );
    expect(() => lab(ONE_STEP('- leases: { prefix: database/creds/readonly }'))).toThrow(
      /a leases check needs created or revoked/,
    );
  });
});
