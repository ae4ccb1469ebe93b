/**
 * Lab 13 (tokens) follows tokens through its audit log: the script checks of children-die,
 * revoke-by-accessor and expiry read the HMACs in `audit.log`. Each case here runs the
 * learner's commands through our CLI against a real engine, then the lab's own check
 * script, so a right answer in any form passes and the usual wrong answers fail.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLabFile } from '../../labs/format/load.js';
import { cliSession, type Session } from '../cli/harness.js';
import { ROOT } from '../support/engine.js';

const lab = loadLabFile(path.join(ROOT, 'content', 'labs', '13-tokens.yaml')).lab;

function script(stepId: string): string {
  const step = lab.steps.find((s) => s.id === stepId);
  const node = step?.check.find((c) => c.script);
  if (!node?.script) throw new Error(`no script check in ${stepId}`);
  return node.script.run;
}

/** Runs a step's check script in the workspace: pass or fail, and its last line. */
function judge(s: Session, stepId: string): { pass: boolean; last: string } {
  try {
    const out = execFileSync('bash', ['--noprofile', '--norc', '-c', script(stepId)], { cwd: s.dir, encoding: 'utf8' });
    return { pass: true, last: out.trim().split('\n').pop() ?? '' };
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? '');
    return { pass: false, last: out.trim().split('\n').pop() ?? '' };
  }
}

const PARENT =
  'export PARENT=$(vault token create -policy=app-read -policy=token-maker -ttl=1h -field=token) && ' +
  'export CHILD=$(VAULT_TOKEN=$PARENT vault token create -policy=app-read -ttl=30m -field=token)';

describe('lab 13 audit-trail checks', () => {
  let s: Session;
  beforeEach(async () => {
    s = await cliSession();
    await s.run(
      [
        'export VAULT_TOKEN=root',
        'vault policy write app-read - <<<\'path "secret/data/app/*" { capabilities = ["read"] }\' >/dev/null',
        'vault policy write token-maker - <<<\'path "auth/token/create" { capabilities = ["update"] }\' >/dev/null',
        'vault audit enable file file_path="$PWD/audit.log" >/dev/null',
      ].join(' && '),
    );
  });
  afterEach(async () => {
    await s.close();
  });

  it('children-die: the parent revoked, then the child refused — by lookup or lookup-self', async () => {
    expect(judge(s, 'children-die').pass).toBe(false);
    await s.run(`${PARENT} && vault token revoke $PARENT`);
    expect(judge(s, 'children-die')).toMatchObject({
      pass: false,
      last: expect.stringContaining('now use or look up'),
    });
    await s.run('VAULT_TOKEN=$CHILD vault token lookup');
    expect(judge(s, 'children-die').pass).toBe(true);
  });

  it('children-die: revoking only the child and looking up garbage fails', async () => {
    await s.run(`${PARENT} && vault token revoke $CHILD; vault token lookup garbage`);
    expect(judge(s, 'children-die')).toEqual({
      pass: false,
      last: expect.stringContaining('you revoked the child itself'),
    });
  });

  it('children-die: -mode=orphan keeps the child and fails; the parent revoking itself passes', async () => {
    await s.run(`${PARENT} && vault token revoke -mode=orphan $PARENT; vault token lookup $CHILD`);
    expect(judge(s, 'children-die')).toEqual({ pass: false, last: expect.stringContaining('-mode=orphan') });
    await s.run(`${PARENT} && VAULT_TOKEN=$PARENT vault token revoke -self; vault token lookup $CHILD`);
    expect(judge(s, 'children-die').pass).toBe(true);
  });

  it('revoke-by-accessor: a garbage accessor fails; a real one, then refused, passes', async () => {
    await s.run('vault token revoke -accessor garbage; vault token lookup -accessor garbage');
    expect(judge(s, 'revoke-by-accessor')).toEqual({ pass: false, last: expect.stringContaining('belongs to no') });
    await s.run(
      'export T=$(vault token create -ttl=1h -field=token) && export ACC=$(vault token lookup -field=accessor $T)',
    );
    await s.run('vault token revoke -accessor $ACC');
    expect(judge(s, 'revoke-by-accessor').pass).toBe(false);
    await s.run('VAULT_TOKEN=$T vault token lookup');
    expect(judge(s, 'revoke-by-accessor').pass).toBe(true);
  });

  it('expiry: a renewed token refused after its TTL passes; a revoked one, or a renewal too late, fails', async () => {
    await s.run('export S=$(vault token create -ttl=10m -field=token) && vault token renew $S >/dev/null');
    await s.run('vault token revoke $S; vault token lookup $S');
    expect(judge(s, 'expiry')).toEqual({ pass: false, last: expect.stringContaining('you revoked the token') });
    await s.run('export S=$(vault token create -ttl=10m -field=token)');
    await s.engine.clock.advance('11m');
    await s.run('vault token renew $S');
    expect(judge(s, 'expiry')).toEqual({ pass: false, last: expect.stringContaining('renewal was refused') });
    await s.run('export S=$(vault token create -ttl=10m -field=token) && VAULT_TOKEN=$S vault token renew >/dev/null');
    await s.engine.clock.advance('11m');
    await s.run('VAULT_TOKEN=$S vault token lookup');
    expect(judge(s, 'expiry').pass).toBe(true);
  });
});
