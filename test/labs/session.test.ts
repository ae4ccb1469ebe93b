/** The lab session: auto-completion, reset to the step's snapshot, skip, resume, clock, state-computed quiz. */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSession } from '../../labs/runtime/session.js';
import { session } from './helpers.js';

let s: LabSession | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const LAB = `
id: t
title: T
minutes: 1
setup:
  - |
    vault policy write ro - <<EOF
    path "secret/data/app" { capabilities = ["read"] }
    EOF
steps:
  - id: put
    title: Put
    body: b
    hints: [h]
    solution: [vault kv put secret/app a=1]
    check:
      - state: { path: secret/data/app, expect: [ { at: data.data.a, equals: "1" } ] }
  - id: token
    title: Token
    body: b
    hints: [h]
    solution: ["export RO=$(vault token create -policy=ro -ttl=1h -field=token)"]
    check:
      - request: { path: auth/token/create, status: 200 }
  - id: denied
    title: Denied
    body: b
    hints: [h]
    solution: ["VAULT_TOKEN=$RO vault kv put secret/app a=2 || true"]
    check:
      - request: { path: secret/data/app, status: 403 }
quiz:
  - question: Which policy denied your write?
    from_state: { event: { path: secret/data/app, status: 403 }, pick: denied_by }
    explain: e
  - question: What is stored in a?
    from_state: { api: { path: secret/data/app, at: data.data.a } }
    explain: e
  - question: Pick two
    choices: [a, b, c]
    answer: [0, 2]
    explain: e
`;

describe('lab session', () => {
  it('completes steps by itself from engine events, emitting step-complete and complete', async () => {
    s = await session(LAB, { autoAdvance: true });
    const seen: string[] = [];
    s.on('step-complete', (i: number) => seen.push(`done ${i}`));
    s.on('complete', () => seen.push('complete'));
    await s.runCommand('vault kv put secret/app a=1');
    await s.settle();
    expect(s.stepIndex).toBe(1);
    await s.runCommand('export RO=$(vault token create -policy=ro -ttl=1h -field=token)');
    await s.settle();
    await s.runCommand('VAULT_TOKEN=$RO vault kv put secret/app a=2');
    await s.settle();
    expect(seen).toEqual(['done 0', 'done 1', 'done 2', 'complete']);
    expect(s.statuses).toEqual(['done', 'done', 'done']);
  });

  it('resetStep restores the engine to the snapshot taken when the step began', async () => {
    s = await session(LAB, { autoAdvance: true });
    await s.runCommand('vault kv put secret/app a=1');
    await s.settle();
    expect(s.stepIndex).toBe(1);
    await s.runCommand('vault kv put secret/app a=9 && vault policy delete ro');
    await s.settle();
    await s.resetStep();
    const r = await s.engine.request({ operation: 'read', path: 'secret/data/app', token: s.engine.rootToken });
    expect((r.body!.data as { data: { a: string } }).data.a).toBe('1');
    expect(
      (await s.engine.request({ operation: 'read', path: 'sys/policies/acl/ro', token: s.engine.rootToken })).status,
    ).toBe(200);
    expect(s.results[0].pass).toBe(false);
  });

  it('skipStep applies the solution and marks the step skipped', async () => {
    s = await session(LAB, { autoAdvance: true });
    await s.skipStep();
    expect(s.statuses[0]).toBe('skipped');
    expect(s.stepIndex).toBe(1);
  });

  it('resume starts at a later step with the engine as the earlier solutions left it', async () => {
    s = await session(LAB, { autoAdvance: true, resume: { step: 2, skipped: ['put'] } });
    expect(s.stepIndex).toBe(2);
    expect(s.statuses).toEqual(['skipped', 'done', 'active']);
    expect(s.results[0].pass).toBe(false);
    await s.runCommand('VAULT_TOKEN=$RO vault kv put secret/app a=2');
    await s.settle();
    expect(s.finished).toBe(true);
  });

  it('advanceClock moves engine time; a 1h token expires', async () => {
    s = await session(LAB);
    const r = await s.engine.request({
      operation: 'write',
      path: 'auth/token/create',
      token: s.engine.rootToken,
      data: { ttl: '1h' },
    });
    const tok = String((r.body!.auth as { client_token: string }).client_token);
    let ticks = 0;
    s.on('clock', () => ticks++);
    await s.advanceClock('2h');
    expect(ticks).toBe(1);
    const look = await s.engine.request({ operation: 'read', path: 'auth/token/lookup-self', token: tok });
    expect(look.status).toBe(403);
  });

  it("grades state-computed quiz questions from the learner's own engine", async () => {
    s = await session(LAB, { autoAdvance: true });
    expect((await s.gradeQuiz(0, 'ro')).correct).toBe(false);
    await s.fastForward(3);
    expect(s.finished).toBe(true);
    const g = await s.gradeQuiz(0, ' RO ');
    expect(g).toMatchObject({ correct: true, expected: 'ro', explain: 'e' });
    expect((await s.gradeQuiz(0, 'default')).correct).toBe(false);
    expect((await s.gradeQuiz(1, '1')).correct).toBe(true);
    expect((await s.gradeQuiz(2, [2, 0])).correct).toBe(true);
    expect((await s.gradeQuiz(2, [0])).correct).toBe(false);
  });
});
