/**
 * `vault-lab`'s command-line conventions, run as a process: every subcommand answers --help,
 * -h and `help <cmd>` with its usage on stdout and exit 0; a wrong command line is one line on
 * stderr plus the usage hint, exit 2. The table (bin/src/subcommands.ts) drives the loop, so a
 * new subcommand is covered without editing this file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SUBCOMMANDS } from '../../bin/src/subcommands.js';
import { VAULT_LAB_JS } from '../support/engine.js';

const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-usage-'));
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [VAULT_LAB_JS, ...args], {
      cwd,
      env: { ...process.env, VAULT_LAB_DATA_DIR: path.join(cwd, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

const visible = SUBCOMMANDS.filter((c) => !c.hidden).map((c) => c.name);

describe('vault-lab <subcommand> --help', () => {
  it('lists the table', () => {
    expect(visible).toEqual(
      expect.arrayContaining(['server', 'test', 'validate', 'new', 'quiz', 'clock', 'completion']),
    );
  });

  it.each(visible)('%s: --help, -h and help <it> print its usage and exit 0', async (name) => {
    for (const args of [
      [name, '--help'],
      [name, '-h'],
      ['help', name],
    ]) {
      const r = await run(args);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      expect(r.out.startsWith(`Usage: vault-lab ${name}`)).toBe(true);
      expect(r.err).toBe('');
    }
  });

  it('--help wins over a missing argument, and the top help lists every subcommand', async () => {
    expect((await run(['validate', '--help'])).code).toBe(0);
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const name of visible) expect(top.out).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect((await run(['help'])).out).toBe(top.out);
  });
});

describe('vault-lab usage errors exit 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['test'], /^vault-lab test: missing <lab\.yaml\|dir>$/],
    [['validate'], /^vault-lab validate: missing <lab\.yaml\|dir>$/],
    [['new'], /^vault-lab new: missing <id>$/],
    [['test', '--bogus', 'x.yaml'], /^vault-lab test: unknown option --bogus$/],
    [['test', 'x.yaml', '--jobs', '0'], /^vault-lab test: --jobs: wants a whole number of at least 1, not "0"$/],
    [['test', 'x.yaml', '--junit'], /^vault-lab test: --junit needs a value/],
    [['test', 'a.yaml', 'b.yaml'], /^vault-lab test: too many arguments: "b\.yaml"$/],
    [['new', 'My Lab'], /^vault-lab new: "My Lab" is not a lab id/],
    [['quiz', '--bogus'], /^vault-lab quiz: unknown option --bogus$/],
    [['clock', 'sideways'], /^vault-lab clock: expected "now" or "advance <duration>"/],
    [['completion', 'ksh'], /^vault-lab completion: no completion for "ksh"/],
    [['server', '-bogus'], /^vault-lab server: flag provided but not defined: -bogus$/],
    [['--bogus'], /^vault-lab: unknown option --bogus$/],
    [['bogus'], /^vault-lab: unknown command "bogus"$/],
    [['help', 'bogus'], /^vault-lab: no help for "bogus"/],
  ];
  it.each(cases)('%j', async (args, first) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.trimEnd().split('\n');
    expect(lines[0]).toMatch(first);
    expect(lines.at(-1)).toMatch(/^Run 'vault-lab (\S+ )?--help' for (usage|more)\.$/);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a failure that is not a usage error stays exit 1', async () => {
    const r = await run(['validate', 'missing-dir']);
    expect(r.code).toBe(1);
  });
});
