/**
 * Progress: a small, human-readable JSON file under the user's data directory, written
 * atomically (temp file, fsync, rename) so a kill mid-write never loses it. It holds no
 * secret values or tokens — only step ids, counts and times. A damaged file is kept
 * aside and reported, never silently reset.
 */
import fs from 'node:fs';
import path from 'node:path';
import { redactTokens } from './shell-integration.js';

export interface LabProgress {
  status: 'not-started' | 'in-progress' | 'done';
  /** Index of the step to resume at. */
  step: number;
  done: string[];
  skipped: string[];
  hints: Record<string, number>;
  solutionsShown: string[];
  startedAt?: string;
  finishedAt?: string;
  quiz?: { answers: Record<number, unknown>; score?: number; total?: number; correct?: Record<number, boolean> };
  /**
   * The diagnostics the learner met, per step id: a failing check's message (quoted values
   * blanked, so no typed value is kept) → met after one of their commands (once per visit of the step).
   */
  diagnostics?: Record<string, Record<string, number>>;
}

export interface ProgressFile {
  version: 1;
  labs: Record<string, LabProgress>;
}

export const emptyLab = (): LabProgress => ({
  status: 'not-started',
  step: 0,
  done: [],
  skipped: [],
  hints: {},
  solutionsShown: [],
});

export class ProgressStore {
  readonly file: string;
  data: ProgressFile = { version: 1, labs: {} };
  /** Set when the file on disk could not be read and was moved aside. */
  damaged?: { movedTo: string; reason: string };

  constructor(dir: string) {
    this.file = path.join(dir, 'progress.json');
  }

  load(): this {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return this;
    }
    try {
      const parsed = JSON.parse(text) as ProgressFile;
      if (parsed?.version !== 1 || typeof parsed.labs !== 'object' || parsed.labs === null)
        throw new Error('unknown format');
      this.data = parsed;
    } catch (e) {
      const aside = `${this.file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(this.file, aside);
      this.damaged = { movedTo: aside, reason: (e as Error).message };
    }
    return this;
  }

  lab(id: string): LabProgress {
    return (this.data.labs[id] ??= emptyLab());
  }

  update(id: string, fn: (p: LabProgress) => void) {
    fn(this.lab(id));
    this.save();
  }

  save() {
    // Free-text quiz answers are the only learner text kept: never let a token in.
    for (const p of Object.values(this.data.labs)) {
      for (const [k, v] of Object.entries(p.quiz?.answers ?? {}))
        if (typeof v === 'string') p.quiz!.answers[Number(k)] = redactTokens(v);
    }
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(this.data, null, 2) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    try {
      const dfd = fs.openSync(path.dirname(this.file), 'r');
      fs.fsyncSync(dfd);
      fs.closeSync(dfd);
    } catch {
      /* not all platforms */
    }
  }

  reset(id: string) {
    delete this.data.labs[id];
    this.save();
  }
}
