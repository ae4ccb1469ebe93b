/**
 * `command: { means: … }`: the shell reader and the meaning comparison on their own
 * (the CLI's own parser for vault lines), then through a real session's shell.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { judgeLine, loadVaultParser, patternOf } from '../../labs/checks/meaning.js';
import { parseShell } from '../../labs/checks/shellwords.js';
import type { LabSession } from '../../labs/runtime/session.js';
import { ONE_STEP, session } from './helpers.js';

const words = (line: string) => parseShell(line).map((p) => p.map((c) => [c.program, ...c.args].join(' ')));

describe('the shell reader', () => {
  it('reads quotes, escapes, separators, pipelines and wrappers', () => {
    expect(words(`VAULT_ADDR=http://x vault status`)).toEqual([['vault status']]);
    expect(words(`env -u X A=1 /usr/local/bin/vault kv get "secret/my app" && echo 'a b'\\ c`)).toEqual([
      ['vault kv get secret/my app'],
      ['echo a b c'],
    ]);
    expect(words('time vault status; command vault read x || exec vault list y')).toEqual([
      ['vault status'],
      ['vault read x'],
      ['vault list y'],
    ]);
    expect(words(`vault kv get -format=json a | jq -r '.data.data.pw' 2>/dev/null > out.txt`)).toEqual([
      ['vault kv get -format=json a', 'jq -r .data.data.pw'],
    ]);
  });

  it('reads command substitutions as commands, recursively', () => {
    expect(words('export T=$(vault token create -field=token)')).toEqual([
      ['vault token create -field=token'],
      ['export T=$(vault token create -field=token)'],
    ]);
    expect(words('echo "$(echo `vault status`)"')).toEqual([
      ['vault status'],
      ['echo `vault status`'],
      ['echo $(echo `vault status`)'],
    ]);
  });

  it('skips here-document bodies and comments', () => {
    expect(
      words('vault policy write ro - <<EOF\npath "x" { capabilities = ["read"] }\nEOF\nvault status # done'),
    ).toEqual([['vault policy write ro -'], ['vault status']]);
  });
});

describe('meaning', () => {
  const judge = async (line: string, means: string) => judgeLine(line, patternOf(means)!, await loadVaultParser());

  it('vault: env prefixes, flag order and spelling, -mount=, quoting are the same meaning', async () => {
    const want = 'vault kv get -field=password secret/myapp/db';
    for (const line of [
      'vault kv get -field=password secret/myapp/db',
      'VAULT_ADDR=*** vault kv get --field password /secret/myapp/db/',
      'vault kv get -mount=secret -field="password" myapp/db',
      `vault kv get -format=json secret/myapp/db | jq -r '.data.data.password'`,
      'vault kv get -format json -mount secret myapp/db | jq .data.password',
    ])
      expect((await judge(line, want)).ok, line).toBe(true);
    expect((await judge('vault status', 'vault status -format=json')).ok).toBe(false);
    expect((await judge('vault status --format=JSON', 'vault status -format=json')).ok).toBe(true);
  });

  it('vault: a substitution inside an export, and redacted values', async () => {
    expect(
      (await judge('export T=$(vault token create -policy=ro -ttl=1h -field=token)', 'vault token create -ttl=1h')).ok,
    ).toBe(true);
    expect((await judge('vault write sys/unseal key=***', 'vault write sys/unseal key=abc')).ok).toBe(true);
  });

  it('vault: says what differs', async () => {
    const other = await judge('vault kv get secret/other', 'vault kv get secret/hello');
    expect(other).toMatchObject({ ok: false, same: true, why: 'on secret/other, the step wants secret/hello' });
    const jq = await judge(
      'vault kv get secret/myapp/db | jq .data.data.password',
      'vault kv get -field=password secret/myapp/db',
    );
    expect(jq.why).toBe('without -field=password');
    expect((await judge('vault token create -ttl=2h', 'vault token create -ttl=1h')).why).toBe(
      'with -ttl=2h, the step wants -ttl=1h',
    );
    expect((await judge('vault kv get -bogus x', 'vault kv get x')).ok).toBe(false);
  });

  it('other programs: pairs and positionals in any order', async () => {
    const want = 'curl -s -H "X-Vault-Token: $T" $VAULT_ADDR/v1/sys/health';
    expect((await judge('curl $VAULT_ADDR/v1/sys/health --header x -H "X-Vault-Token: $T" -s', want)).ok).toBe(true);
    expect((await judge('curl -s $VAULT_ADDR/v1/sys/health', want)).why).toBe('without -H X-Vault-Token: $T');
    expect((await judge('openssl rand -base64 32', 'openssl rand -base64 32')).ok).toBe(true);
    expect((await judge('openssl rand -hex 32', 'openssl rand -base64 32')).ok).toBe(false);
  });
});

describe('a means: check in a session', () => {
  let s: LabSession | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });
  const run = async (cmds: string[]) => {
    for (const c of cmds) await s!.runCommand(c, undefined, { record: true });
    await s!.settle();
    return (await s!.evaluate())[0];
  };

  it('passes -mount= and an env prefix, fails another path with a specific message', async () => {
    const check = '- command: { means: "vault kv get secret/hello", exit: 0 }';
    s = await session(
      ONE_STEP(check, 'setup:\n  - vault kv put secret/hello a=b\n  - vault kv put secret/other a=b\n'),
    );
    let r = await run(['vault kv get secret/other']);
    expect(r.pass).toBe(false);
    expect(r.message).toBe(
      'Not yet: your command `vault kv get secret/other` was `vault kv get` on secret/other, the step wants secret/hello.',
    );
    r = await run(['VAULT_ADDR="$VAULT_ADDR" vault kv get -mount=secret hello']);
    expect(r.pass).toBe(true);
  });

  it('a list: any of the commands will do; a substitution counts as the command it runs', async () => {
    s = await session(
      ONE_STEP('- command: { means: ["vault token lookup", "vault read auth/token/lookup-self"], exit: 0, count: 2 }'),
    );
    let r = await run(['vault read auth/token/lookup-self >/dev/null']);
    expect(r.message).toBe(
      'Not yet: `vault read auth/token/lookup-self >/dev/null` exited 0, the step wants 2 such commands (1 so far).',
    );
    r = await run(['export CHILD=$(vault token create -field=token)', 'VAULT_TOKEN=$CHILD vault token lookup']);
    expect(r.pass).toBe(true);
  });

  it("a pattern the CLI refuses is the author's error, named", async () => {
    s = await session(ONE_STEP('- command: { means: "vault kv gett secret/x" }'));
    const r = await run(['vault kv get secret/x']);
    expect(r.pass).toBe(false);
    expect(r.message).toBe(
      'The check could not be evaluated: the means: pattern `vault kv gett secret/x` is not a vault command: ' +
        'unknown command "vault kv gett"',
    );
  });

  it('the exit code is of the whole line', async () => {
    s = await session(ONE_STEP('- command: { means: "vault kv get secret/nope", exit: 0 }'));
    const r = await run(['vault kv get secret/nope']);
    expect(r.pass).toBe(false);
    expect(r.message).toContain('exited 2, the step wants exit 0');
  });
});
