/** The validate lint: the CLI's own command list, and what exists by each step. */
import { describe, expect, it } from 'vitest';
import { cliKnows, commandWords } from '../../labs/format/cli-commands.js';
import { lintLab, vaultInvocations, bodyCommands } from '../../labs/format/lint.js';
import { parseLabFile } from '../../labs/format/load.js';
import { VAULT_JS } from '../support/engine.js';

const FAIRNESS = /no alternative|no anti-solution|proven over HTTP/;

/** The lint's messages; `fairness` keeps the alternative/anti-solution rules, which most tests here leave aside. */
function lint(yaml: string, fairness = false) {
  const { lab, pos } = parseLabFile(yaml, 'x.yaml');
  return lintLab({ lab, pos, file: 'x.yaml', dir: '.', text: yaml }, { cliScript: VAULT_JS })
    .map((p) => p.message)
    .filter((m) => fairness || !FAIRNESS.test(m));
}

const step = (id: string, solution: string, body = 'b') =>
  `  - id: ${id}\n    title: T\n    body: "${body}"\n    hints: [h]\n    solution: ["${solution}"]\n    check: [ { request: { path: x } } ]\n`;

describe('lint', () => {
  it('asks the built CLI which commands exist', () => {
    expect(cliKnows(['kv', 'put'], VAULT_JS)).toBe(true);
    expect(cliKnows(['read'], VAULT_JS)).toBe(true);
    expect(cliKnows(['policy', 'write'], VAULT_JS)).toBe(true);
    expect(cliKnows(['kv', 'fetch'], VAULT_JS)).toBe(false);
    expect(cliKnows(['frobnicate'], VAULT_JS)).toBe(false);
    expect(commandWords('vault kv put secret/a b=c')).toEqual(['kv', 'put']);
    expect(commandWords('vault read -field=x secret/a')).toEqual(['read']);
    expect(bodyCommands('Run `vault kv get secret/a`, then:\n\n```\n$ vault token lookup\nls\n```\n')).toEqual([
      'vault token lookup',
      'vault kv get secret/a',
    ]);
  });

  it('finds vault invocations inside assignments, pipes and $(…)', () => {
    expect(
      vaultInvocations(
        'export T=$(vault token create -policy=ro -field=token) && VAULT_TOKEN=$T vault kv get secret/a | jq .',
      ),
    ).toEqual([
      ['token', 'create', '-policy=ro', '-field=token'],
      ['kv', 'get', 'secret/a'],
    ]);
  });

  it('policies, mounts and roles must exist by the step that uses them', () => {
    const ok = `id: t\ntitle: T\nminutes: 1\nsetup:\n  - vault secrets enable -path=db database\nsteps:\n${step('a', 'vault policy write ro ro.hcl')}${step('b', 'vault token create -policy=ro -policy=default')}${step('c', 'vault write db/roles/app db_name=x')}${step('d', 'vault read db/creds/app')}`;
    expect(lint(ok)).toEqual([]);
    const bad = `id: t\ntitle: T\nminutes: 1\nsteps:\n${step('a', 'vault token create -policy=ro')}${step('b', 'vault read db/creds/app')}${step('c', 'vault kv metadata get secret/a')}${step('d', 'vault login -method=userpass username=a')}`;
    expect(lint(bad)).toEqual([
      'steps[0].solution[0]: uses policy "ro", which does not exist at this point',
      'steps[1].solution[0]: uses mount db/, which does not exist at this point',
      'steps[1].solution[0]: uses role db/roles/app, which does not exist at this point',
      'steps[3].solution[0]: uses mount auth/userpass/, which does not exist at this point',
    ]);
  });

  it('-output-curl-string and -output-policy take no value: the path after them is the path', () => {
    const yaml = `id: t\ntitle: T\nminutes: 1\nsteps:\n${step('a', 'vault kv put -output-curl-string secret/app/x beta=on')}${step('b', 'vault kv get -output-policy secret/app/x')}`;
    expect(lint(yaml)).toEqual([]);
  });

  it('flags unknown commands in the step text and a ladder that starts with the answer', () => {
    const yaml = `id: t\ntitle: T\nminutes: 1\nsteps:\n  - id: a\n    title: T\n    body: "Use \`vault kv gett secret/a\`."\n    hints: ["vault kv get secret/a", "more"]\n    solution: ["vault kv get secret/a"]\n    check: [ { request: { path: x } } ]\n`;
    expect(lint(yaml)).toEqual([
      'steps[0].hints[0]: the first hint gives the solution away verbatim (`vault kv get secret/a`)',
      'steps[0].body: `vault kv gett` is not a command of our vault CLI',
    ]);
  });

  it('asks every step for an alternative and an anti-solution, or a reason, and each lab for an HTTP proof', () => {
    const head = 'id: t\ntitle: T\nminutes: 1\nsteps:\n';
    expect(lint(head + step('a', 'vault kv get secret/a'), true)).toEqual([
      'steps[0].id: the step has no alternative, so nobody has shown that other right answers pass',
      'steps[0].id: the step has no anti-solution, so nobody has shown that a wrong answer fails',
      'steps: no step of this lab is proven over HTTP',
    ]);
    const fair =
      head +
      step('a', 'vault kv get secret/a') +
      '    alternatives:\n      - { name: curl, run: [\'curl -s "$VAULT_ADDR/v1/secret/data/a"\'] }\n' +
      '    anti_solutions:\n      - { run: [vault kv get secret/b], diagnostic: secret/data/b }\n' +
      step('b', 'vault kv put secret/a x=1') +
      '    exempt:\n      alternatives: The lesson is this exact command and its output.\n' +
      '      anti_solutions: Any other command leaves the step waiting, which its message says.\n';
    expect(lint(fair, true)).toEqual([]);
    expect(() => parseLabFile(`${head}${step('a', 'x')}    exempt: { retry: because }\n`, 'x.yaml')).toThrow(
      /say why in a sentence/,
    );
  });
});
