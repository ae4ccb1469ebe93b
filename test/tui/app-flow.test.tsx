/**
 * The whole App through ink-testing-library on a fixture course: the lab screen's
 * activity feed, hints and solution (recorded), reset, skip, time travel, the quiz,
 * results, resume in a fresh engine, the help overlay and --no-shell — all at 80×24.
 */
import { describe, expect, it } from 'vitest';
import { KEY } from '../../tui/keys.js';
import path from 'node:path';
import { FIXTURE_COURSE, renderCourse, widest } from './render.js';

const down = KEY.down,
  enter = KEY.enter,
  focus = KEY.ctrlBracket;

async function put(url: string, token: string, path: string, data: Record<string, string>) {
  const r = await fetch(`${url}/v1/${path}`, {
    method: 'PUT',
    headers: { 'X-Vault-Token': token },
    body: JSON.stringify({ data }),
  });
  return r.status;
}

describe('the lab screen', () => {
  it('explains denied requests in the activity feed, records hints and solutions, resets, skips, advances the clock', async () => {
    const ui = renderCourse();
    await ui.press(enter);
    await ui.waitFor(() => ui.controller()?.state === 'ready' && ui.frame().includes('step 1/2'));
    const c = ui.controller()!;
    expect(ui.frame()).toContain('Store a secret');
    expect(ui.frame()).toMatch(/✗ Store db_user=appuser at secret\/app/);
    expect(ui.frame()).toContain('[shell]');
    expect(widest(ui.frame())).toBeLessThanOrEqual(80);

    // Lesson focus: the hint ladder, then the solution — both recorded in progress.
    await ui.press(focus);
    await ui.waitFor('[lesson]');
    await ui.press('h');
    await ui.waitFor('Hint 1/2: Use the kv subcommand.');
    await ui.press('h');
    await ui.waitFor('Hint 2/2: It takes key=value pairs.');
    await ui.press('h');
    await ui.waitFor('No more hints for this step');
    await ui.press('s');
    await ui.waitFor('Solution (recorded as shown):');
    expect(ui.store.lab('fixture-basics').hints.store).toBe(2);
    expect(ui.store.lab('fixture-basics').solutionsShown).toEqual(['store']);

    // A wrong write, then reset: the engine goes back to how the step began.
    expect(await put(c.session.engine.url, c.session.engine.rootToken, 'secret/data/app', { db_user: 'nobody' })).toBe(
      200,
    );
    await ui.waitFor(/✓ last request: create secret\/data\/app → 200/);
    await ui.press('r');
    await ui.waitFor('Step reset');
    const after = await fetch(`${c.session.engine.url}/v1/secret/data/app`, {
      headers: { 'X-Vault-Token': c.session.engine.rootToken },
    });
    expect(after.status).toBe(404);

    // Any client counts: the step completes from an HTTP write.
    expect(await put(c.session.engine.url, c.session.engine.rootToken, 'secret/data/app', { db_user: 'appuser' })).toBe(
      200,
    );
    await ui.waitFor('step 2/2');
    expect(ui.frame()).toMatch(/✓ store ● denied/);

    // The read-only token is denied, and the feed says which policy and rule decided.
    expect(await put(c.session.engine.url, 'ro-token', 'secret/data/app', { db_user: 'x' })).toBe(403);
    await ui.waitFor('Lab complete!');
    expect(ui.frame()).toContain('✗ last request: update secret/data/app → 403');
    expect(ui.frame()).toContain('denied: policy read-only grants read only on secret/data/app');
    await ui.press('a');
    await ui.waitFor('activity feed (a: lesson)');
    expect(ui.frame()).toMatch(/✗ \d\d:\d\d:\d\d update secret\/data\/app → 403\s+token-app \[default, read-only\]/);
    expect(widest(ui.frame())).toBeLessThanOrEqual(80);
    await ui.press('a');

    // Time travel: the engine clock moves an hour.
    const before = c.session.engine.clock.nowMs();
    await ui.press('t');
    await ui.waitFor('Engine clock advanced by 1h');
    expect(c.session.engine.clock.nowMs() - before).toBeGreaterThanOrEqual(3_600_000);
    expect(ui.store.lab('fixture-basics').status).toBe('done');
  }, 60_000);

  it('skips a step by applying its solution, and marks it skipped', async () => {
    const ui = renderCourse();
    await ui.press(enter);
    await ui.waitFor(() => ui.controller()?.state === 'ready');
    await ui.press(focus, 'n');
    await ui.waitFor('step 2/2');
    await ui.waitFor(/↷ store ● denied/);
    expect(ui.store.lab('fixture-basics').skipped).toEqual(['store']);
  }, 30_000);

  it('takes the quiz with scoring and explanations, then shows results', async () => {
    const ui = renderCourse();
    await ui.press(enter);
    await ui.waitFor(() => ui.controller()?.state === 'ready');
    await ui.press(focus, 'n');
    await ui.waitFor('step 2/2');
    await ui.press('n');
    await ui.waitFor('Lab complete!');
    await ui.press('z');
    await ui.waitFor('question 1/3');
    await ui.press('2', enter);
    await ui.waitFor('✓ Right.');
    expect(ui.frame()).toContain('403 is what the engine answers');
    await ui.press(enter);
    await ui.waitFor('question 2/3 · score 1');
    await ui.press('1', enter); // only one of the two right answers
    await ui.waitFor('✗ Not quite. The answer: read; update');
    await ui.press(enter);
    await ui.waitFor('question 3/3');
    await ui.type('Deny, always');
    await ui.press(enter);
    await ui.waitFor('✓ Right.');
    await ui.press(enter);
    const results = await ui.waitFor('Results · Fixture basics');
    expect(results).toMatch(/Steps\s+0 done, 2 skipped, of 2/);
    expect(results).toMatch(/Quiz\s+2\/3/);
    expect(ui.store.lab('fixture-basics').quiz).toMatchObject({ score: 2, total: 3 });
    await ui.press(enter);
    await ui.waitFor(/Fixture basics\s+5 min\s+—\s+done · quiz 2\/3/);
    expect(ui.controller()).toBeNull();
  }, 60_000);

  it('resumes where the learner left off, replaying completed steps in a fresh engine', async () => {
    const first = renderCourse();
    await first.press(enter);
    await first.waitFor(() => first.controller()?.state === 'ready');
    const c1 = first.controller()!;
    await put(c1.session.engine.url, c1.session.engine.rootToken, 'secret/data/app', { db_user: 'appuser' });
    await first.waitFor('step 2/2');
    await first.press(focus, 'h');
    await first.waitFor('Hint 1/1');
    await first.press(KEY.esc);
    await first.waitFor(/Fixture basics\s+5 min\s+—\s+1\/2 · resume at 2/);
    first.unmount();

    const again = renderCourse({ data: first.data });
    expect(again.frame()).toMatch(/› Fixture basics/);
    await again.press(enter);
    await again.waitFor(() => again.controller()?.state === 'ready');
    const c2 = again.controller()!;
    expect(c2).not.toBe(c1);
    await again.waitFor('step 2/2');
    expect(again.frame()).toContain('Resumed at step 2');
    expect(again.frame()).toContain('Hint 1/1'); // hints already revealed stay revealed
    // The fresh engine holds what step 1 built.
    const r = await fetch(`${c2.session.engine.url}/v1/secret/data/app`, {
      headers: { 'X-Vault-Token': c2.session.engine.rootToken },
    });
    expect((await r.json()).data.data.db_user).toBe('appuser');
    expect(again.store.lab('fixture-basics').done).toEqual(['store']);
  }, 60_000);

  it('judges commands typed in the embedded shell (shell integration for `command` checks)', async () => {
    const ui = renderCourse({ labsDir: path.join(FIXTURE_COURSE, '..', 'command') });
    await ui.press(enter);
    await ui.waitFor(() => ui.controller()?.state === 'ready' && /vault-lab:\S+[#$] /.test(ui.frame()));
    expect(ui.frame()).toContain('✗ Run echo hello-lab.');
    await ui.type('echo hello-lab\r');
    await ui.waitFor('Lab complete!');
  }, 30_000);

  it('says which outside systems run for the lab, a simulated cluster labelled as such', async () => {
    const ui = renderCourse({ labsDir: path.join(FIXTURE_COURSE, '..', 'kube'), noShell: true, rows: 30 });
    expect(ui.frame()).toMatch(/Fixture with a cluster\s+2 min\s+Kubernetes/);
    await ui.press(enter);
    await ui.waitFor(() => ui.controller()?.state === 'ready', 30_000);
    const labels = ui.controller()!.session.systems.map((x) => x.label);
    expect(labels.length).toBe(1);
    await ui.waitFor(`Running for this lab: ${labels[0].slice(0, 30)}`);
    expect(ui.controller()!.notice).toContain(`Running for this lab: ${labels[0]}.`);
    expect(ui.frame()).toMatch(/^vault-lab · Fixture with a cluster · step 1\/1/);
    expect(ui.frame()).toContain("export VAULT_ADDR='");
    if (ui.controller()!.session.systems[0].via === 'simulated') expect(labels[0]).toMatch(/simulated/i);
  }, 45_000);

  it('Ctrl-D ends the shell as in any terminal, and Enter starts a new one', async () => {
    const ui = renderCourse();
    await ui.press(enter);
    await ui.waitFor(() => ui.controller()?.state === 'ready' && /vault-lab:\S+[#$] /.test(ui.frame()));
    await ui.press(KEY.ctrlD);
    await ui.waitFor('Your shell ended (exit 0). Press Enter in the shell pane for a new one.');
    expect(ui.controller()).not.toBeNull(); // the lab goes on
    await ui.press(enter);
    await ui.waitFor('A new shell');
    await ui.waitFor(/vault-lab:\S+[#$] /);
    await ui.type('echo "$VAULT_ADDR"\r');
    await ui.waitFor(ui.controller()!.session.engine.url);
  }, 30_000);

  it('shows the help overlay generated from the keys, and closes it with any key', async () => {
    const ui = renderCourse();
    await ui.press('?');
    await ui.waitFor('Keys');
    expect(ui.frame()).toContain('start the lab, or resume it where you left off');
    await ui.press('x'.replace('x', ' '));
    await ui.waitFor('vault-lab — a hands-on course');
    expect(ui.controller()).toBeNull();
  });

  it('with --no-shell prints the export lines and still completes steps from engine events', async () => {
    const ui = renderCourse({ noShell: true });
    await ui.press(down, KEY.up, enter);
    await ui.waitFor(() => ui.controller()?.lab.id === 'fixture-basics' && ui.controller()?.state === 'ready');
    const c = ui.controller()!;
    await ui.waitFor(`export VAULT_ADDR='${c.session.engine.url}'`);
    expect(ui.frame()).toContain(`export VAULT_TOKEN='${c.session.engine.rootToken}'`);
    expect(ui.frame()).toContain('── your terminal');
    await put(c.session.engine.url, c.session.engine.rootToken, 'secret/data/app', { db_user: 'appuser' });
    await ui.waitFor('step 2/2');
  }, 60_000);
});
