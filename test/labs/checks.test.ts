/**
 * Check kinds and diagnostics, through a real lab session (engine, shell, audit events).
 * Each check must fail before the work and pass after, and say why when it fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSession } from '../../labs/runtime/session.js';
import type { ProvidedSystem } from '../../labs/providers/index.js';
import { select } from '../../labs/checks/jsonpath.js';
import { session, ONE_STEP } from './helpers.js';

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

describe('request diagnostics name the nearest difference', () => {
  const check =
    '- request: { path: secret/data/app, operation: read, status: 200, policies: { includes: ro, excludes: root } }';
  const setup =
    'setup:\n  - |\n    vault policy write ro - <<EOF\n    path "secret/data/app" { capabilities = ["read"] }\n    EOF\n  - vault kv put secret/app a=b\n';

  it('wrong path on KV v2: names the data/ prefix', async () => {
    s = await session(ONE_STEP(check, setup));
    const [r] = await after([
      'export RO=$(vault token create -policy=ro -field=token)',
      'VAULT_TOKEN=$RO vault read secret/app',
    ]);
    expect(r.pass).toBe(false);
    expect(r.message).toContain('went to secret/app, not secret/data/app');
    expect(r.message).toContain('on KV v2 the API path has data/ after the mount');
  });

  it('wrong identity: the root token where a limited one was asked for', async () => {
    s = await session(ONE_STEP(check, setup));
    const [r] = await after(['vault kv get secret/app']);
    expect(r.pass).toBe(false);
    expect(r.message).toContain('used the root token; the step wants a token with ro and without root');
  });

  it('wrong operation, and which policy denied it', async () => {
    s = await session(ONE_STEP(check, setup));
    const [r] = await after([
      'export RO=$(vault token create -policy=ro -field=token)',
      'VAULT_TOKEN=$RO vault kv put secret/app a=c',
    ]);
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/was a (create|update), the step wants read/);
    expect(r.message).toContain('policy ro rule "secret/data/app" decided it');
  });

  it('passes on the right request, from any client', async () => {
    s = await session(ONE_STEP(check, setup));
    const res = await after([
      'export RO=$(vault token create -policy=ro -field=token)',
      'curl -s -H "X-Vault-Token: $RO" "$VAULT_ADDR/v1/secret/data/app" >/dev/null',
    ]);
    expect(res[0].pass).toBe(true);
  });

  it("the author's message leads the diagnostic", async () => {
    s = await session(ONE_STEP(`${check}\n  message: Read it as the app.`, setup));
    const [r] = await after(['vault kv get secret/app']);
    expect(r.message).toMatch(/^Read it as the app\. \(Not yet: /);
  });
});

describe('capabilities', () => {
  it('judges a policy through the engine ACL; a missing policy fails', async () => {
    s = await session(
      ONE_STEP('- capabilities: { path: secret/data/x, policy: p, includes: [read], excludes: [update] }'),
    );
    let [r] = await s.evaluate();
    expect(r.message).toContain('there is no policy named p');
    [r] = await after([
      `vault policy write p - <<'EOF'\npath "secret/data/x" { capabilities = ["read", "update"] }\nEOF`,
    ]);
    expect(r.pass).toBe(false);
    expect(r.message).toContain('can still update on secret/data/x');
    [r] = await after([`vault policy write p - <<'EOF'\npath "secret/data/x" { capabilities = ["read"] }\nEOF`]);
    expect(r.pass).toBe(true);
  });

  it('judges the token the learner created (token_from) and the last token used', async () => {
    s = await session(
      ONE_STEP(
        '- capabilities: { path: secret/data/x, token_from: { path: auth/token/create }, equals: [read] }\n- capabilities: { path: secret/data/x, last_token: true, includes: [read] }',
        'setup:\n  - |\n    vault policy write p - <<EOF\n    path "secret/data/x" { capabilities = ["read"] }\n    EOF\n',
      ),
    );
    let res = await s.evaluate();
    expect(res[0].message).toContain('no token issued at auth/token/create');
    res = await after([
      'export T=$(vault token create -policy=p -field=token)',
      'VAULT_TOKEN=$T vault token lookup >/dev/null',
    ]);
    expect(res.map((r) => r.pass)).toEqual([true, true]);
  });
});

describe('state, file, command, script', () => {
  it('state: JSONPath-like expectations', async () => {
    s = await session(
      ONE_STEP(
        '- state: { path: secret/data/a, expect: [ { at: "$.data.data.list[1]", equals: y }, { at: data.data.list, length: 2 } ] }',
      ),
    );
    expect((await s.evaluate())[0].message).toContain('secret/data/a does not exist yet');
    const [r] = await after([`vault kv put secret/a list=x`]);
    expect(r.message).toContain('$.data.data.list[1] is not there yet');
    s.engine &&
      (await s.engine.request({
        operation: 'write',
        path: 'secret/data/a',
        token: s.engine.rootToken,
        data: { data: { list: ['x', 'y'] } },
      }));
    await s.settle();
    expect((await s.evaluate())[0].pass).toBe(true);
  });

  it('state: a gone check (404) only passes after the thing was seen', async () => {
    s = await session(ONE_STEP('- state: { path: secret/data/gone, status: 404 }\n- request: { path: "**" }'));
    let res = await after(['vault kv get secret/gone || true']);
    expect(res[0].pass).toBe(false);
    expect(res[0].message).toContain('waiting to see this exist before it is gone');
    await after(['vault kv put secret/gone a=b']);
    res = await after(['vault kv metadata delete secret/gone']);
    expect(res[0].pass).toBe(true);
  });

  it('not: cannot pass on an empty engine; passes once the thing existed and is gone', async () => {
    s = await session(ONE_STEP('- not: { state: { path: sys/policies/acl/temp } }\n- request: { path: "**" }'));
    let res = await after(['vault policy list >/dev/null']);
    expect(res[0].pass).toBe(false);
    expect(res[0].message).toContain('waiting to see this hold');
    await after([`vault policy write temp - <<'EOF'\npath "x" { capabilities = ["read"] }\nEOF`]);
    res = await after(['vault policy delete temp']);
    expect(res[0].pass).toBe(true);
  });

  it('file: exists, contents and mode in the workspace; never outside', async () => {
    s = await session(
      ONE_STEP('- file: { path: app/token.txt, contains: ok, mode: "600" }\n- file: { path: ../escape.txt }'),
    );
    let res = await s.evaluate();
    expect(res[0].message).toContain('there is no app/token.txt');
    expect(res[1].message).toContain('outside the lab workspace');
    fs.mkdirSync(path.join(s.workspace, 'app'));
    fs.writeFileSync(path.join(s.workspace, 'app/token.txt'), 'ok\n', { mode: 0o644 });
    res = await s.evaluate();
    expect(res[0].message).toContain('has mode 644, the step wants 600');
    fs.chmodSync(path.join(s.workspace, 'app/token.txt'), 0o600);
    expect((await s.evaluate())[0].pass).toBe(true);
  });

  it('command: the line and its exit code, redacted', async () => {
    s = await session(ONE_STEP('- command: { matches: "^vault kv put secret/x password=\\\\*\\\\*\\\\*$", exit: 0 }'));
    let res = await after(['vault kv put secret/nope password=hunter2 || true']);
    expect(res[0].message).toContain('your last command was `vault kv put secret/nope password=*** || true`');
    res = await after(['vault kv put -mount=nope x password=1 2>/dev/null; false']);
    expect(res[0].pass).toBe(false);
    res = await after(['vault kv put secret/x password=hunter2']);
    expect(res[0].pass).toBe(true);
    expect(JSON.stringify(s.commands)).not.toContain('hunter2');
  });

  it('script: exit 0 passes; its last line is the message; it runs as the checker, not the learner', async () => {
    s = await session(
      ONE_STEP(
        '- script: { run: "vault kv get secret/flag >/dev/null 2>&1 || { echo store secret/flag first; exit 1; }" }',
      ),
    );
    let [r] = await s.evaluate();
    expect(r.message).toBe('Not yet: store secret/flag first');
    await after(['vault kv put secret/flag a=1']);
    const before = s.activity.length;
    [r] = await s.evaluate();
    expect(r.pass).toBe(true);
    expect(s.activity.length).toBe(before);
  });
});

describe('a check script that makes its own audit events', () => {
  it('re-runs a few rounds at most, not for ever (an unauthenticated curl counts as a request)', async () => {
    // The script's curl needs no token, so it is audited as a learner request; each one would
    // schedule another round, which runs the script again.
    s = await session(
      ONE_STEP(
        '- script: { run: "echo x >> runs.txt; curl -s $VAULT_ADDR/v1/sys/health >/dev/null; echo not yet; exit 1" }',
      ),
    );
    const runs = () => fs.readFileSync(path.join(s!.workspace, 'runs.txt'), 'utf8').split('\n').length - 1;
    await s.runCommand('vault status', undefined, { record: true });
    await new Promise((r) => setTimeout(r, 2500));
    await s.settle();
    const settled = runs();
    expect(settled).toBeLessThanOrEqual(8);
    await new Promise((r) => setTimeout(r, 1000));
    expect(runs()).toBe(settled); // it stopped, rather than running slowly
    // A change from outside still re-evaluates.
    await s.runCommand('vault status', undefined, { record: true });
    await s.settle();
    expect(runs()).toBeGreaterThan(settled);
  }, 30_000);
});

describe('sql through a provider query helper (fake database)', () => {
  it('rows and expectations; rows: 0 needs the rows seen first', async () => {
    let rows: Array<Record<string, unknown>> = [];
    const fake: ProvidedSystem = {
      kind: 'postgres',
      via: 'fake',
      label: 'fake',
      env: {},
      stop: async () => undefined,
      query: async () => ({ rows }),
    };
    const yaml = `id: t\ntitle: T\nminutes: 1\nneeds: [engine, postgres]\nsteps:\n  - id: a\n    title: A\n    body: b\n    hints: [h]\n    solution: ["true"]\n    check:\n      - sql: { query: "select rolname from pg_roles", rows: { min: 1 }, expect: [ { at: "rows[*].rolname", contains: v-app } ] }\n  - id: b\n    title: B\n    body: b\n    hints: [h]\n    solution: ["true"]\n    check:\n      - sql: { query: "select 1", rows: 0 }\n`;
    s = await session(yaml, { systems: [fake] });
    let [r] = await s.evaluate();
    expect(r.message).toContain('the database has 0 matching row(s), the step wants at least 1');
    rows = [{ rolname: 'other' }];
    [r] = await s.evaluate();
    expect(r.message).toContain('does not contain "v-app"');
    rows = [{ rolname: 'v-app' }];
    expect((await s.evaluate())[0].pass).toBe(true);
    rows = [];
    await s.completeStep();
    [r] = await s.evaluate();
    expect(r.pass).toBe(false);
    rows = [{ rolname: 'v-app' }];
    await s.evaluate();
    rows = [];
    expect((await s.evaluate())[0].pass).toBe(true);
  });
});

describe('ordering with after:', () => {
  it('passes only when the named check happened first', async () => {
    const checks =
      '- request: { path: secret/data/first, operation: [create, update] }\n  id: first\n- request: { path: secret/data/second, operation: [create, update] }\n  after: first';
    s = await session(ONE_STEP(checks));
    let res = await after(['vault kv put secret/second a=1', 'vault kv put secret/first a=1']);
    expect(res[1].pass).toBe(false);
    expect(res[1].message).toContain('happened before "first"');
    res = await after(['vault kv put secret/second a=2']);
    expect(res.every((r) => r.pass)).toBe(true);
  });
});

describe('JSONPath-like places', () => {
  it('reads dots, indexes, quoted keys and wildcards', () => {
    const doc = { data: { keys: ['a', 'b'], 'x.y': 1, rows: [{ n: 1 }, { n: 2 }] } };
    expect(select(doc, '$.data.keys[1]')).toEqual({ found: true, value: 'b' });
    expect(select(doc, 'data.keys.0')).toEqual({ found: true, value: 'a' });
    expect(select(doc, 'data["x.y"]')).toEqual({ found: true, value: 1 });
    expect(select(doc, 'data.rows[*].n')).toEqual({ found: true, value: [1, 2] });
    expect(select(doc, 'data.nope').found).toBe(false);
  });
});

describe('request: auth mount and token type', () => {
  it('names the auth mount and token type the step wants', async () => {
    const setup =
      'setup:\n  - vault auth enable userpass\n  - vault write auth/userpass/users/alice password=pw policies=default\n';
    s = await session(
      ONE_STEP(
        '- request: { path: auth/token/lookup-self, auth_mount: userpass }\n- request: { path: auth/token/lookup-self, token_type: batch }',
        setup,
      ),
    );
    let res = await after(['vault token lookup >/dev/null']);
    expect(res[0].message).toContain('used a token from root, the step wants one issued by auth/userpass');
    expect(res[1].message).toContain('used a service token, the step wants a batch token');
    res = await after([
      'export B=$(vault token create -type=batch -policy=default -field=token)',
      'VAULT_TOKEN=$B vault token lookup >/dev/null',
    ]);
    expect(res.map((r) => r.pass)).toEqual([false, true]);
    res = await after([
      'export U=$(vault login -method=userpass -token-only username=alice password=pw)',
      'VAULT_TOKEN=$U vault token lookup >/dev/null',
    ]);
    expect(res.map((r) => r.pass)).toEqual([true, true]);
  });
});
