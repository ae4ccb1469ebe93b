/**
 * `vault-lab dev` in a pseudo-terminal: the author works through a lab, edits the file, and
 * the lab reloads at the same step (the earlier steps replayed); a broken save shows the
 * problem at file:line:column and the last good lab keeps running; the check trace shows
 * what each check read and why it passes or fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';
import { PtySession } from '../support/pty.js';
import { runVaultLab } from '../support/vault-lab.js';

const FIXTURE = path.join(ROOT, 'test', 'tui', 'fixtures', 'dev', 'ten-steps.yaml');
const PROMPT = /vault-lab:\S+[#$] /;

let s: PtySession | undefined;
let dir: string | undefined;
afterEach(() => {
  s?.kill();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('vault-lab dev', () => {
  it('reloads on save at the same step, keeps the last good lab on a broken save, and traces checks', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-dev-'));
    const file = path.join(dir, 'lab.yaml');
    fs.copyFileSync(FIXTURE, file);
    s = new PtySession(process.execPath, [VAULT_LAB_JS, 'dev', 'lab.yaml'], {
      cwd: dir,
      cols: 100,
      rows: 40,
      env: { VAULT_LAB_DATA_DIR: path.join(dir, 'data'), NO_COLOR: '1' },
    });
    await s.waitFor(/step 1\/10[\s\S]*vault-lab:\S+[#$] /, 30_000);
    s.type('vault kv put secret/s1 v=1\r');
    await s.waitFor('step 2/10');
    s.type('vault kv put secret/s2 v=2\r');
    await s.waitFor('step 3/10');

    // An edit to the current step's text: reloaded, still at step 3, steps 1-2 replayed (✓).
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Write secret 3', 'Write the third secret'));
    const reloaded = await s.waitFor(/✓ reloaded lab\.yaml in \d+ ms at step 3/, 30_000);
    console.log(`--- reloaded ---\n${reloaded}\n`);
    expect(reloaded).toContain('step 3/10');
    expect(reloaded).toContain('Write the third secret');
    expect(reloaded).toMatch(/✓ put-1 ✓ put-2 ● put-3/);

    // A broken save: the problem with its position; the lab keeps running at step 3.
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.replace('minutes: 5', 'minutes: 5\nbogus: true'));
    const broken = await s.waitFor(/did not load/, 15_000);
    console.log(`--- broken save ---\n${broken}\n`);
    expect(broken).toMatch(/lab\.yaml:7:1: lab: unknown key "bogus"/);
    expect(broken).toContain('step 3/10');
    await s.waitFor(PROMPT, 15_000);
    s.type('vault kv put secret/s3 v=wrong\r');
    // The check trace: the failing check, the state it read and why.
    s.type('\u001d');
    await s.waitFor('[lesson]');
    s.type('c');
    // The trace follows the step live: the wrong write is read back, and the check says why it fails.
    const trace = await s.waitFor(/read: read secret\/data\/s3 as the checker → 200/, 15_000);
    console.log(`--- check trace ---\n${trace}\n`);
    expect(trace).toContain('check trace (c: lesson)');
    expect(trace).toMatch(/✗ state \{"path":"secret\/data\/s3"/);
    expect(trace).toMatch(/fails: write v=3 at secret\/s3 \(.*wrong/);
    s.type('c');
    s.type('\u001d');
    await s.waitFor('[shell]');
    s.type('vault kv put secret/s3 v=3\r');
    const still = await s.waitFor('step 4/10', 15_000);
    expect(still).toContain('did not load'); // the problem stays shown until the file is fixed

    // Fixed again: reloads at step 4.
    fs.writeFileSync(file, good);
    await s.waitFor(/✓ reloaded lab\.yaml in \d+ ms at step 4/, 30_000);
  }, 120_000);

  it('--help exits 0; a usage error exits 2; a broken first load names the place', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-dev-'));
    const help = await runVaultLab(['dev', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: vault-lab dev <lab.yaml>');
    const usage = await runVaultLab(['dev'], { cwd: dir });
    expect(usage.code).toBe(2);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'id: x\ntitle: X\nminutes: 1\nsteps: 3\n');
    const bad = await runVaultLab(['dev', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/bad\.yaml:4:8: steps: expected a list/);
  });
});
