/** Progress: XDG location, atomic writes, resume data, no tokens, a damaged file kept aside. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProgressStore } from '../../labs/runtime/progress.js';
import { dataDir } from '../../labs/runtime/paths.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-progress-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('progress', () => {
  it('lives under XDG_DATA_HOME/vault-lab, or VAULT_LAB_DATA_DIR', () => {
    expect(dataDir({ XDG_DATA_HOME: '/x/data' })).toBe('/x/data/vault-lab');
    expect(dataDir({ XDG_DATA_HOME: '/x/data', VAULT_LAB_DATA_DIR: '/y' })).toBe('/y');
    expect(dataDir({ HOME: os.homedir() })).toBe(path.join(os.homedir(), '.local', 'share', 'vault-lab'));
  });

  it('round-trips the step, hints and quiz answers; private file mode; no temp files left', () => {
    const a = new ProgressStore(dir).load();
    a.update('lab', (p) => {
      p.status = 'in-progress';
      p.step = 3;
      p.hints.one = 2;
      p.quiz = { answers: { 0: 1, 1: [0, 2], 2: 'read-only' } };
    });
    const b = new ProgressStore(dir).load();
    expect(b.lab('lab')).toMatchObject({
      status: 'in-progress',
      step: 3,
      hints: { one: 2 },
      quiz: { answers: { 0: 1, 1: [0, 2], 2: 'read-only' } },
    });
    expect(fs.statSync(b.file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['progress.json']);
  });

  it('never writes a token into the file', () => {
    const a = new ProgressStore(dir).load();
    a.update('lab', (p) => {
      p.quiz = { answers: { 0: 'my token is hvs.CAESIJxyzxyzxyzxyzxyzxyzxyz' } };
    });
    const text = fs.readFileSync(a.file, 'utf8');
    expect(text).not.toContain('hvs.CAES');
    expect(text).toContain('my token is ***');
  });

  it('a damaged file is reported and kept aside, never silently reset', () => {
    fs.writeFileSync(path.join(dir, 'progress.json'), '{"version":1,"labs":{"a":');
    const s = new ProgressStore(dir).load();
    expect(s.damaged?.reason).toMatch(/JSON|Unexpected|end/i);
    expect(fs.readFileSync(s.damaged!.movedTo, 'utf8')).toBe('{"version":1,"labs":{"a":');
    expect(s.data.labs).toEqual({});
  });

  it('a file of another format is kept aside too', () => {
    fs.writeFileSync(path.join(dir, 'progress.json'), '{"version":7}');
    const s = new ProgressStore(dir).load();
    expect(s.damaged?.reason).toBe('unknown format');
    expect(fs.existsSync(s.damaged!.movedTo)).toBe(true);
  });

  it('a write killed before the rename leaves the old file whole', () => {
    const a = new ProgressStore(dir).load();
    a.update('lab', (p) => {
      p.step = 1;
    });
    // A crash mid-write leaves only a temp file beside the real one.
    fs.writeFileSync(`${a.file}.999.tmp`, '{"version":1,"labs":{"lab":{"step":');
    expect(new ProgressStore(dir).load().lab('lab').step).toBe(1);
  });
});
