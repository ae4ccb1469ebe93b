/** `vault-lab results --export` from learners' progress, then `vault-lab report` over the files, malformed ones included. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runVaultLab } from '../support/vault-lab.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-report-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'hvs.CAESIAbcdefghijklmnopqrstuvwxyz0123456789';

/** A learner's progress file, as the course writes it. */
function progress(name: string, labs: Record<string, unknown>): string {
  const data = path.join(dir, `data-${name}`);
  fs.mkdirSync(data);
  fs.writeFileSync(path.join(data, 'progress.json'), JSON.stringify({ version: 1, labs }));
  return data;
}

const done = (extra: Record<string, unknown> = {}) => ({
  status: 'done',
  step: 6,
  done: ['write-secret', 'write-policy', 'create-token', 'read-as-app', 'denied-write', 'other-path'],
  skipped: [],
  hints: { 'write-policy': 2 },
  solutionsShown: [],
  startedAt: '2026-01-01T10:00:00Z',
  finishedAt: '2026-01-01T10:12:00Z',
  ...extra,
});

describe('results and report', () => {
  it('exports per learner, then reports the class; malformed files are named and left alone', async () => {
    const learners = {
      ana: progress('ana', {
        'policies-and-tokens': done({
          quiz: { answers: { 0: TOKEN, 1: 1 }, score: 1, total: 4, correct: { 0: false, 1: true, 2: false, 3: false } },
          diagnostics: { 'write-policy': { 'Write the policy (Not yet: policy "…" not found)': 2 } },
        }),
      }),
      ben: progress('ben', {
        'policies-and-tokens': done({
          hints: { 'write-policy': 3 },
          solutionsShown: ['write-policy'],
          quiz: { answers: {}, score: 3, total: 4, correct: { 0: true, 1: true, 2: false, 3: true } },
          diagnostics: { 'write-policy': { 'Write the policy (Not yet: policy "…" not found)': 1 } },
        }),
      }),
      cem: progress('cem', {
        'policies-and-tokens': { ...done(), status: 'in-progress', done: ['write-secret'], finishedAt: undefined },
      }),
    };
    for (const [name, data] of Object.entries(learners)) {
      const r = await runVaultLab(['results', '--export', `${name}.json`, '--name', name], {
        cwd: dir,
        env: { VAULT_LAB_DATA_DIR: data },
      });
      expect(r.code).toBe(0);
      expect(r.out).toContain('no tokens, secrets or command lines');
    }
    const ana = fs.readFileSync(path.join(dir, 'ana.json'), 'utf8');
    expect(ana).not.toContain(TOKEN);
    expect(ana).not.toContain('"answer"');
    const parsed = JSON.parse(ana);
    expect(parsed.format).toBe('vault-lab-results');
    expect(parsed.labs.find((l: { id: string }) => l.id === 'policies-and-tokens').minutes).toBe(12);
    // With the learner's consent their own answers go in, tokens still redacted.
    await runVaultLab(['results', '--export', 'ana-answers.json', '--with-answers'], {
      cwd: dir,
      env: { VAULT_LAB_DATA_DIR: learners.ana },
    });
    const withAnswers = fs.readFileSync(path.join(dir, 'ana-answers.json'), 'utf8');
    expect(withAnswers).toContain('"answer"');
    expect(withAnswers).not.toContain(TOKEN);

    fs.writeFileSync(path.join(dir, 'broken.json'), '{"format": "vault-lab-results", ');
    fs.writeFileSync(path.join(dir, 'other.json'), '{"hello": 1}');
    const before = fs.readFileSync(path.join(dir, 'broken.json'), 'utf8');
    const r = await runVaultLab(
      ['report', 'ana.json', 'ben.json', 'broken.json', 'cem.json', 'other.json', '--html', 'class.html'],
      {
        cwd: dir,
      },
    );
    console.log(r.out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/skipped broken\.json: not a readable JSON results file/);
    expect(r.err).toMatch(/skipped other\.json: not a vault-lab results file/);
    expect(fs.readFileSync(path.join(dir, 'broken.json'), 'utf8')).toBe(before);
    expect(r.out).toContain('Class report: 3 learners');
    expect(r.out).toMatch(/Policies and tokens\s+2\/3\s+3\/3/);
    expect(r.out).toMatch(/policies-and-tokens \/ write-policy\s+1\s+7/);
    expect(r.out).toMatch(/policies-and-tokens\s+.+\s+2\/2/); // question 3 missed by both who took the quiz
    expect(r.out).toMatch(/policies-and-tokens \/ write-policy\s+2\s+3\s+Write the policy/);
    const html = fs.readFileSync(path.join(dir, 'class.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('broken.json');
    expect(html).not.toMatch(/(src|href)=|https?:\/\//);
  }, 60_000);

  it('usage: --help exits 0, a missing file list or --export exits 2, no readable file writes nothing', async () => {
    expect((await runVaultLab(['report', '--help'], { cwd: dir })).code).toBe(0);
    expect((await runVaultLab(['results', '--help'], { cwd: dir })).code).toBe(0);
    expect((await runVaultLab(['report'], { cwd: dir })).code).toBe(2);
    expect((await runVaultLab(['results'], { cwd: dir })).code).toBe(2);
    fs.writeFileSync(path.join(dir, 'x.json'), 'nope');
    const none = await runVaultLab(['report', 'x.json', 'missing.json'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/missing\.json: not a readable JSON results file \(ENOENT\)/);
    expect(fs.existsSync(path.join(dir, 'class-report.html'))).toBe(false);
  });
});
