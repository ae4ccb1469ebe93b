/**
 * The broken-lab corpus: every file in test/fixtures/labs is wrong in one way and
 * names it on its first line (`# expect: LINE:COLUMN message`). Loading, linting or
 * testing it must report exactly that position with that message and a one-line hint
 * — never a stack trace.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabLoadError, loadLabFile, type LabProblem } from '../../labs/format/load.js';
import { lintLab } from '../../labs/format/lint.js';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';

const DIR = path.join(ROOT, 'test', 'fixtures', 'labs');
const files = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function expectation(f: string) {
  const first = fs.readFileSync(path.join(DIR, f), 'utf8').split('\n')[0];
  const m = /^# expect: (\d+):(\d+) (.+)$/.exec(first);
  if (!m) throw new Error(`${f} has no # expect: line`);
  return { line: Number(m[1]), column: Number(m[2]), text: m[3] };
}

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VAULT_LAB_JS, ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr });
    });
  });
}

describe('broken lab corpus', () => {
  it('has at least 30 files, each with an expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const f of files) expect(expectation(f).line).toBeGreaterThan(0);
  });

  for (const f of files.filter((x) => !x.startsWith('run-'))) {
    it(`${f} reports the exact position, what is wrong and a hint`, () => {
      const want = expectation(f);
      const display = `test/fixtures/labs/${f}`;
      let problems: LabProblem[];
      try {
        problems = lintLab(loadLabFile(path.join(DIR, f), display));
      } catch (e) {
        expect(e).toBeInstanceOf(LabLoadError);
        problems = (e as LabLoadError).problems;
      }
      expect(problems.length).toBeGreaterThan(0);
      const hit = problems.find(
        (p) => p.line === want.line && p.column === want.column && p.message.includes(want.text),
      );
      expect(hit, `${f}: got ${problems.map((p) => `${p.line}:${p.column} ${p.message}`).join(' | ')}`).toBeDefined();
      expect(hit!.file).toBe(display);
      expect(hit!.hint.length).toBeGreaterThan(5);
      expect(hit!.hint).not.toContain('\n');
    });
  }

  it('vault-lab validate on the whole corpus: file:line:column for each, no stack trace, exit 1', async () => {
    const { code, out } = await run(['validate', 'test/fixtures/labs']);
    expect(code).toBe(1);
    expect(out).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
    for (const f of files.filter((x) => !x.startsWith('run-'))) {
      const want = expectation(f);
      expect(out).toContain(`test/fixtures/labs/${f}:${want.line}:${want.column}: `);
    }
    expect(out).toMatch(/\n4 valid, \d+ invalid\n$/);
  });

  for (const f of files.filter((x) => x.startsWith('run-'))) {
    it(`vault-lab test ${f} fails at the exact position`, async () => {
      const want = expectation(f);
      const { code, out } = await run(['test', `test/fixtures/labs/${f}`]);
      expect(code).toBe(1);
      expect(out).toContain(`test/fixtures/labs/${f}:${want.line}:${want.column}: `);
      expect(out).toContain(want.text);
      // At least one walk fails (the main one, an alternative's, or the retrying learner's).
      expect(out.trim().split('\n').pop()).toMatch(/^\d+ passed, [1-9]\d* failed$/);
      expect(out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    });
  }
});
