/**
 * `vault-lab --plain`, the real binary with plain pipes (no terminal at all): state
 * changes arrive as lines of plain text, commands are words, shell commands start with $.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VAULT_LAB_JS } from '../support/engine.js';
import { FIXTURE_COURSE } from './render.js';

class Lines {
  out = '';
  private seen = 0;
  constructor(readonly p: ChildProcessWithoutNullStreams) {
    p.stdout.on('data', (d) => {
      this.out += d;
    });
    p.stderr.on('data', (d) => {
      this.out += d;
    });
  }
  /** Waits for text after everything already consumed; returns what came in between. */
  async expect(what: string | RegExp, ms = 20_000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const rest = this.out.slice(this.seen);
      const m =
        typeof what === 'string'
          ? rest.includes(what)
            ? { index: rest.indexOf(what), len: what.length }
            : null
          : (() => {
              const x = what.exec(rest);
              return x ? { index: x.index, len: x[0].length } : null;
            })();
      if (m) {
        this.seen += m.index + m.len;
        return rest.slice(0, m.index + m.len);
      }
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${String(what)}; output so far:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  say(line: string) {
    this.p.stdin.write(line + '\n');
  }
}

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

describe('vault-lab --plain', () => {
  it('runs a whole lab as lines: steps, checks, the activity explained, hints, quiz and results', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-plain-'));
    child = spawn(process.execPath, [VAULT_LAB_JS, '--plain', '--labs', FIXTURE_COURSE], {
      env: { ...process.env, VAULT_LAB_DATA_DIR: data },
    });
    const io = new Lines(child);
    await io.expect(/1\. Fixture basics — 5 min — needs: nothing else — new/);
    await io.expect('2. Fixture database credentials — 20 min — needs: PostgreSQL — new');
    await io.expect('Choose a lab by number');
    io.say('1');
    await io.expect(/export VAULT_ADDR='http:\/\/127\.0\.0\.1:\d+'/);
    await io.expect('Step 1 of 2: Store a secret');
    await io.expect('Check not yet: Store db_user=appuser at secret/app.');
    io.say('hint');
    await io.expect('Hint 1 of 2: Use the kv subcommand.');
    io.say('$ vault kv put secret/app db_user=appuser');
    await io.expect('Request: create secret/data/app → 200, allowed: root token');
    await io.expect('Step 1 complete.');
    await io.expect('Step 2 of 2: Be denied');
    io.say('$ VAULT_TOKEN=ro-token vault kv put secret/app db_user=x');
    // The step completes on the engine's audit event, which may come before the CLI's own output.
    const chunk = await io.expect('Type quiz, back or quit:');
    expect(chunk).toContain(
      'Request: update secret/data/app → 403, denied: policy read-only grants read only on secret/data/app',
    );
    expect(chunk).toContain('(exit 2)');
    expect(chunk).toContain('Lab complete: Fixture basics.');
    io.say('quiz');
    await io.expect('Question 1 of 3: Which status means permission denied?');
    io.say('2');
    await io.expect('Right.');
    await io.expect('Question 2 of 3');
    io.say('1, 3');
    await io.expect('Right.');
    io.say('allow');
    await io.expect('Not quite. The answer: deny.');
    await io.expect('Why: Vault is default-deny.');
    const results = await io.expect(/Quiz: 2\/3/);
    expect(results).toMatch(/Steps: 2 done, 0 skipped, of 2/);
    expect(results).toMatch(/Hints used: 1/);
    await io.expect('Choose a lab by number');
    io.say('quit');
    await io.expect('Goodbye.');
    const code = child.exitCode ?? (await new Promise<number | null>((r) => child!.on('exit', r)));
    expect(code).toBe(0);
    // Plain text only: no colour, no cursor movement.
    expect(io.out).not.toMatch(/\u001b/);
    const progress = JSON.parse(fs.readFileSync(path.join(data, 'progress.json'), 'utf8'));
    expect(progress.labs['fixture-basics']).toMatchObject({
      status: 'done',
      done: ['store', 'denied'],
      hints: { store: 1 },
      quiz: { score: 2, total: 3 },
    });
  }, 60_000);

  it('runs a line starting with a known shell command without a $, and keeps its own words first', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-plain-'));
    child = spawn(process.execPath, [VAULT_LAB_JS, '--plain', '--labs', FIXTURE_COURSE], {
      env: { ...process.env, VAULT_LAB_DATA_DIR: data },
    });
    const io = new Lines(child);
    await io.expect('Choose a lab by number');
    io.say('help');
    const help = await io.expect('Choose a lab by number');
    expect(help).toMatch(/<command> — a line starting with a command the lab's shell knows runs as typed/);
    expect(help).toContain('vault, vault-lab, curl, psql, openssl, kubectl, jq');
    expect(help).toContain('The words above come first');
    io.say('1');
    await io.expect('Step 1 of 2: Store a secret');
    await io.expect('Type a command, a shell command, or "help":');
    // A course word is still a word, not a shell command.
    io.say('hint');
    await io.expect('Hint 1 of 2: Use the kv subcommand.');
    io.say('not a thing');
    await io.expect('"not a thing" is not a command.');
    io.say('vault kv put secret/app db_user=appuser');
    await io.expect('Request: create secret/data/app → 200, allowed: root token');
    await io.expect('Step 1 complete.');
    await io.expect('Step 2 of 2: Be denied');
    io.say('VAULT_TOKEN=ro-token vault kv put secret/app db_user=x');
    const chunk = await io.expect('Type quiz, back or quit:');
    expect(chunk).toContain('(exit 2)');
    expect(chunk).toContain('Lab complete: Fixture basics.');
    expect(io.out).not.toContain('"vault kv put secret/app db_user=appuser" is not a command');
    io.say('quit');
    await io.expect('Goodbye.');
  }, 60_000);

  it('skips a broken lab with a notice that says where the problem is', async () => {
    const labs = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-plain-labs-'));
    fs.copyFileSync(path.join(FIXTURE_COURSE, 'a-basics.yaml'), path.join(labs, 'a-basics.yaml'));
    fs.writeFileSync(path.join(labs, 'z-broken.yaml'), 'id: broken\ntitle: 3\n');
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-plain-'));
    child = spawn(process.execPath, [VAULT_LAB_JS, '--plain', '--labs', labs], {
      env: { ...process.env, VAULT_LAB_DATA_DIR: data },
    });
    const io = new Lines(child);
    const head = await io.expect('Choose a lab by number');
    expect(head).toMatch(/Notice: skipped a broken lab: \S*z-broken\.yaml:2:8: title: expected a string or a mapping/);
    expect(head).toContain('1. Fixture basics');
    io.say('quit');
    await io.expect('Goodbye.');
  });

  it('rejects unknown options and explains how to run without a terminal', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const p = spawn(process.execPath, [VAULT_LAB_JS, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => {
          err += d;
        });
        p.stdin.end();
        p.on('exit', (code) => resolve({ code, err }));
      });
    const bad = await run(['--bogus']);
    expect(bad.code).toBe(2); // a usage error
    expect(bad.err).toContain('unknown option --bogus');
    const noTty = await run([]);
    expect(noTty.code).toBe(1);
    expect(noTty.err).toContain('Use --plain');
  });
});
