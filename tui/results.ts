/** Per-lab results, read from progress: no engine needed, so the course map can show them. */
import type { LoadedLab } from '../labs/index.js';
import type { ProgressStore } from '../labs/index.js';

/** Per-lab results from progress: time taken, hints and solutions used, skips, quiz score. */
export interface LabResults {
  status: string;
  steps: number;
  done: number;
  skipped: number;
  hints: number;
  solutions: number;
  minutes?: number;
  quiz?: { score: number; total: number };
}

export function resultsOf(store: ProgressStore, loaded: LoadedLab): LabResults {
  const p = store.lab(loaded.lab.id);
  const ms = p.startedAt && p.finishedAt ? Date.parse(p.finishedAt) - Date.parse(p.startedAt) : undefined;
  return {
    status: p.status,
    steps: loaded.lab.steps.length,
    done: p.done.length,
    skipped: p.skipped.length,
    hints: Object.values(p.hints).reduce((a, b) => a + b, 0),
    solutions: p.solutionsShown.length,
    minutes: ms !== undefined && ms >= 0 ? ms / 60000 : undefined,
    quiz:
      p.quiz?.score !== undefined && p.quiz.total !== undefined
        ? { score: p.quiz.score, total: p.quiz.total }
        : undefined,
  };
}
