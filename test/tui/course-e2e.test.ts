/**
 * The real `vault-lab` binary in a pseudo-terminal at 80×24, through a whole lab: choose
 * it on the map, type the commands in the embedded shell, watch the checks pass, answer
 * the quiz (one answer computed from the learner's own engine), see the results. Each
 * screen is printed to the test output. Then: resize, typing while checks run, the
 * focus key, and SIGTERM restoring the terminal and stopping the engine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';
import { PtySession } from '../support/pty.js';
import { FIXTURE_COURSE } from './render.js';

let s: PtySession | undefined;
afterEach(() => s?.kill());

const capture = (name: string, screen: string) => console.log(`--- ${name} ---\n${screen}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the course in a terminal', () => {
  it('takes "Policies and tokens" from the map through its steps, quiz and results', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-course-'));
    s = new PtySession(process.execPath, [VAULT_LAB_JS], {
      cwd: ROOT,
      env: { VAULT_LAB_DATA_DIR: data, NO_COLOR: '1' },
    });
    capture('course map', await s.selectLab('Policies and tokens'));
    s.type('\r');
    capture('step 1', await s.waitFor(/step 1\/6[\s\S]*vault-lab:\S+[#$] /));

    s.type("vault kv put secret/myapp/config db_user=appuser db_password='MyS3cret!'\r");
    await s.waitFor('step 2/6');
    s.type('printf \'path "secret/data/myapp/config" {\\n  capabilities = ["read"]\\n}\\n\' > read-only.hcl\r');
    s.type('vault policy write read-only read-only.hcl\r');
    capture('step 3', await s.waitFor('step 3/6'));
    s.type('export RO_TOKEN=$(vault token create -policy=read-only -ttl=1h -field=token)\r');
    await s.waitFor('step 4/6');
    s.type('VAULT_TOKEN=$RO_TOKEN vault kv get secret/myapp/config\r');
    await s.waitFor('step 5/6');
    s.type('VAULT_TOKEN=$RO_TOKEN vault kv put secret/myapp/config db_user=hacker\r');
    await s.waitFor('step 6/6');
    const denied = await s.waitFor(/denied: policy read-only grants read only on secret\/data\/myapp\/config/);
    capture('denied write, explained', denied);
    expect(denied).toContain('✗ last request: update secret/data/myapp/config → 403');

    // The lesson pane: the activity feed lists every request with its decision.
    s.type('\u001d');
    await s.waitFor('[lesson]');
    s.type('a');
    const feed = await s.waitFor('activity feed (a: lesson)');
    capture('activity feed', feed);
    expect(feed).toMatch(/✗ \d\d:\d\d:\d\d update secret\/data\/myapp\/config → 403/);
    s.type('a');
    s.type('\u001d');
    await s.waitFor('[shell]');

    s.type('VAULT_TOKEN=$RO_TOKEN vault kv get secret/another/path\r');
    capture('lab complete', await s.waitFor('Lab complete!'));

    s.type('\u001d');
    await s.waitFor('[lesson]');
    s.type('z');
    const q1 = await s.waitFor('question 1/4');
    capture("quiz, a question computed from the learner's engine", q1);
    s.type('read-only\r');
    await s.waitFor('✓ Right.');
    s.type('\r');
    await s.waitFor('question 2/4');
    s.type('2\r');
    capture('quiz feedback', await s.waitFor('✓ Right.'));
    s.type('\r');
    await s.waitFor('question 3/4');
    s.type('1\r'); // wrong: default deny
    const wrong = await s.waitFor('✗ Not quite.');
    capture('quiz, a wrong answer explained', wrong);
    expect(wrong).toContain('It gets 403 permission denied');
    s.type('\r');
    await s.waitFor('question 4/4');
    s.type('\u001b[B\r');
    await s.waitFor('✓ Right.');
    s.type('\r');
    const results = await s.waitFor('Results · Policies and tokens');
    capture('results', results);
    expect(results).toMatch(/Quiz\s+3\/4/);
    expect(results).toMatch(/Steps\s+6 done, 0 skipped, of 6/);
    expect(results).toMatch(/Hints used\s+0/);
    s.type('\r');
    const map = await s.waitFor(/Policies and tokens\s+15 min\s+—\s+done · quiz 3\/4/);
    capture('course map after the lab', map);
    s.type('q');
    expect(await s.waitExit()).toBe(0);
    // Left the alternate screen with the cursor shown: the learner's terminal is as it was.
    expect(s.raw).toMatch(/\u001b\[\?25h\u001b\[\?1049l(\u001b\[\?25h)*$/);
    const progress = JSON.parse(fs.readFileSync(path.join(data, 'progress.json'), 'utf8'));
    expect(progress.labs['policies-and-tokens']).toMatchObject({ status: 'done', quiz: { score: 3, total: 4 } });
    expect(fs.readFileSync(path.join(data, 'progress.json'), 'utf8')).not.toMatch(/MyS3cret|hvs\./);
  }, 120_000);

  it('resizes cleanly, loses no keystroke while checks run, and stops the engine on SIGTERM', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-course-'));
    s = new PtySession(process.execPath, [VAULT_LAB_JS, '--labs', FIXTURE_COURSE], {
      cwd: ROOT,
      env: { VAULT_LAB_DATA_DIR: data, NO_COLOR: '1' },
    });
    await s.waitFor('› Fixture basics');
    s.type('\r'); // at once: a key typed as soon as the map shows is not lost
    await s.waitFor(/step 1\/2[\s\S]*vault-lab:\S+[#$] /);

    s.resize(100, 30);
    const wide = await s.waitFor(/── shell \(typing goes here\) ─{60,}/);
    capture('resized to 100×30', wide);
    expect(wide.split('\n').find((l) => l.startsWith('── shell'))!.length).toBe(100);
    s.resize(80, 24);
    const ruleAt80 = '── shell (typing goes here) '.padEnd(80, '─');
    const t0 = Date.now();
    // Redrawn for 80 columns: the rule fits, the lesson is back on top, no re-wrapped debris.
    const redrawn = (sc: string) =>
      sc.startsWith('vault-lab · Fixture basics · step 1/2') &&
      sc.split('\n')[1].startsWith('● store ○ denied') &&
      sc.split('\n').includes(ruleAt80) &&
      sc.includes('Store a secret') &&
      !/^─+$/m.test(sc);
    while (!redrawn(s.screen()) && Date.now() - t0 < 15_000) await pause(50);
    capture('back to 80×24', s.screen());
    expect(redrawn(s.screen())).toBe(true);

    // Many requests, each re-running the checks, while more keys arrive in small chunks.
    s.type('for i in $(seq 15); do vault kv get secret/app >/dev/null 2>&1; done; echo loop-done\r');
    const typed = 'echo the-quick-brown-fox-jumps-over-the-lazy-dog-0123456789';
    for (let i = 0; i < typed.length; i += 3) {
      s.type(typed.slice(i, i + 3));
      await pause(5);
    }
    s.type('\r');
    const echoed = await s.waitFor(/^the-quick-brown-fox-jumps-over-the-lazy-dog-0123456789$/m, 60_000);
    capture('typed while checks ran', echoed);

    s.type('echo "addr=$VAULT_ADDR"\r');
    const addr = /addr=(http:\/\/127\.0\.0\.1:\d+)/.exec(await s.waitFor(/addr=http:\/\/127\.0\.0\.1:\d+/))![1];
    expect((await fetch(`${addr}/v1/sys/health`)).status).toBe(200);
    s.pty.kill('SIGTERM');
    expect(await s.waitExit()).toBe(143);
    expect(s.raw).toMatch(/\u001b\[\?25h\u001b\[\?1049l(\u001b\[\?25h)*$/);
    await expect(fetch(`${addr}/v1/sys/health`)).rejects.toThrow();
  }, 120_000);
});
