/**
 * Lab 01 (getting-started), issue 17: `VAULT_ADDR=… vault status` and
 * `vault kv get -mount=secret hello` are right answers (anchored patterns used to refuse them),
 * and the last step says truly where the CLI goes once VAULT_ADDR is unset. The "before" case
 * runs the lab with the two command checks as they were, and must fail at both steps.
 */
import { describe, expect, it } from 'vitest';
import { vault } from '../support/engine.js';
import { checks, rawLab, stepOf, upTo, walk } from './lab-walks.js';

const LAB = '01-getting-started.yaml';

const OLD_STATUS = checks(`
- command: { matches: '^vault status', exit: 0 }
  message: Run \`vault status\` and see it succeed.
`)[0];
const OLD_READ = checks(`
- command: { matches: '^vault kv get .*secret/hello', exit: 2 }
  message: Read secret/hello from the restarted server and see "No value found" (exit 2).
`)[0];

type Alt = { name: string; run: string[] };
const alternative = (step: string, name: string) => {
  const a = (stepOf(rawLab(LAB), step).alternatives as Alt[]).find((x) => x.name === name);
  if (!a) throw new Error(`no alternative "${name}" in ${step}`);
  return a;
};

describe('lab 01: other right ways to type it', () => {
  it('accepts VAULT_ADDR=… vault status and kv get -mount=secret hello (anchored patterns refused them)', async () => {
    const prefix = alternative('point-the-cli', 'variables for one command each');
    expect(prefix.run.join('\n')).toMatch(/^VAULT_ADDR=\$ADDR vault status$/m);
    const mount = alternative('dev-mode-forgets', '-mount= form');
    expect(mount.run.join('\n')).toContain('vault kv get -mount=secret hello');

    const now = upTo(rawLab(LAB), 'stop-server');
    stepOf(now, 'point-the-cli').alternatives = [prefix];
    stepOf(now, 'dev-mode-forgets').alternatives = [mount];
    expect((await walk(now, LAB, { kind: 'alt', k: 0 })).failed).toEqual([]);

    (stepOf(now, 'point-the-cli').check as unknown[])[0] = OLD_STATUS;
    (stepOf(now, 'dev-mode-forgets').check as unknown[])[0] = OLD_READ;
    const { failed } = await walk(now, LAB, { kind: 'alt', k: 0 });
    expect(failed.map((f) => f.step)).toEqual([
      'point-the-cli [variables for one command each]',
      'dev-mode-forgets [-mount= form]',
    ]);
  }, 120_000);
});

describe('lab 01: after unset VAULT_ADDR', () => {
  it('the CLI goes to https://127.0.0.1:8200, as the last step and the quiz now say', async () => {
    const r = await vault(['status'], { VAULT_ADDR: undefined, HOME: '/nonexistent' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('https://127.0.0.1:8200/v1/sys/seal-status');
    const raw = rawLab(LAB);
    const body = String(stepOf(raw, 'stop-server').body);
    expect(body).toContain('https://127.0.0.1:8200');
    expect(body).not.toMatch(/point the CLI back at the lab's engine by unsetting/);
    const quiz = (raw.quiz as { question: string; choices: string[]; answer: number }[]).find((q) =>
      q.question.includes('unset VAULT_ADDR'),
    );
    expect(quiz?.choices[quiz.answer]).toContain('https://127.0.0.1:8200');
  });
});
