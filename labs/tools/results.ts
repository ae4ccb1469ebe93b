/**
 * `vault-lab results --export <file>`: the learner's progress and quiz scores per topic, as
 * the documented JSON of docs/results-format.md, for a teacher's `vault-lab report`. Progress
 * never holds tokens, secrets or command lines, so neither does this; the learner's own
 * free-text quiz answers go in only with `--with-answers`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyCourse, findCourseFile, parseCourseFile } from '../format/course.js';
import { loadLabDir, type LoadedLab } from '../format/load.js';
import { t } from '../format/schema.js';
import { contentDir, dataDir } from '../runtime/paths.js';
import { ProgressStore } from '../runtime/progress.js';
import { redactTokens } from '../runtime/shell-integration.js';

declare const __VAULT_LAB_VERSION__: string;
const VERSION = typeof __VAULT_LAB_VERSION__ === 'string' ? __VAULT_LAB_VERSION__ : 'dev';
export const RESULTS_FORMAT = 'vault-lab-results';

export interface ResultsLab {
  id: string;
  title: string;
  topic: string;
  status: 'not-started' | 'in-progress' | 'done';
  steps: Array<{
    id: string;
    title: string;
    status: 'done' | 'skipped' | 'open';
    hints: number;
    solution_shown: boolean;
    diagnostics: Array<{ message: string; count: number }>;
  }>;
  minutes: number | null;
  quiz: {
    score: number;
    total: number;
    questions: Array<{ index: number; question: string; topic: string; correct: boolean | null; answer?: unknown }>;
  } | null;
}

export interface ResultsFile {
  format: typeof RESULTS_FORMAT;
  version: 1;
  exported_at: string;
  vault_lab: string;
  learner: string | null;
  course: string;
  labs: ResultsLab[];
  topics: Array<{ topic: string; right: number; total: number }>;
}

export const RESULTS_USAGE = `Usage: vault-lab results --export <file> [--name <name>] [--with-answers] [--labs <dir>]

Writes your progress and quiz scores per topic as JSON (docs/results-format.md) to hand to
your teacher. It holds no tokens, secrets or command lines; --with-answers adds your own
free-text quiz answers, --name the name you want your teacher to see.
`;

/** The results of one learner, from progress and the course's labs. */
export function buildResults(
  labs: LoadedLab[],
  store: ProgressStore,
  opts: { learner?: string; withAnswers?: boolean; course: string },
): ResultsFile {
  const topics = new Map<string, { right: number; total: number }>();
  const out: ResultsLab[] = labs.map((l) => {
    const p = store.data.labs[l.lab.id];
    const ms = p?.startedAt && p.finishedAt ? Date.parse(p.finishedAt) - Date.parse(p.startedAt) : NaN;
    const quiz = p?.quiz?.total
      ? {
          score: p.quiz.score ?? 0,
          total: p.quiz.total,
          questions: l.lab.quiz.map((q, index) => {
            const topic = q.topic ?? l.lab.topic;
            const correct = p.quiz?.correct?.[index] ?? null;
            if (correct !== null) {
              const s = topics.get(topic) ?? { right: 0, total: 0 };
              topics.set(topic, { right: s.right + (correct ? 1 : 0), total: s.total + 1 });
            }
            const a = p.quiz?.answers[index];
            return {
              index,
              question: t(q.question),
              topic,
              correct,
              ...(opts.withAnswers && a !== undefined ? { answer: typeof a === 'string' ? redactTokens(a) : a } : {}),
            };
          }),
        }
      : null;
    return {
      id: l.lab.id,
      title: t(l.lab.title),
      topic: l.lab.topic,
      status: p?.status ?? 'not-started',
      steps: l.lab.steps.map((s) => ({
        id: s.id,
        title: t(s.title),
        status: p?.done.includes(s.id) ? 'done' : p?.skipped.includes(s.id) ? 'skipped' : 'open',
        hints: p?.hints[s.id] ?? 0,
        solution_shown: p?.solutionsShown.includes(s.id) ?? false,
        diagnostics: Object.entries(p?.diagnostics?.[s.id] ?? {}).map(([message, count]) => ({ message, count })),
      })),
      minutes: Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 600) / 100 : null,
      quiz,
    };
  });
  return {
    format: RESULTS_FORMAT,
    version: 1,
    exported_at: new Date().toISOString(),
    vault_lab: VERSION,
    learner: opts.learner ?? null,
    course: opts.course,
    labs: out,
    topics: [...topics].map(([topic, s]) => ({ topic, ...s })),
  };
}

export function runResults(args: string[], out: { write(s: string): void }): number {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(RESULTS_USAGE);
    return 0;
  }
  let file: string | undefined;
  let learner: string | undefined;
  let withAnswers = false;
  let dir = contentDir();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i]);
    if (a === '--export' || a.startsWith('--export=')) file = value();
    else if (a === '--name' || a.startsWith('--name=')) learner = value();
    else if (a === '--labs' || a.startsWith('--labs=')) dir = path.resolve(value() ?? '.');
    else if (a === '--with-answers') withAnswers = true;
    else {
      process.stderr.write(`vault-lab results: unknown option ${a}\n${RESULTS_USAGE}`);
      return 2;
    }
  }
  if (!file) {
    process.stderr.write(`vault-lab results: where to? (--export <file>)\n${RESULTS_USAGE}`);
    return 2;
  }
  let { labs } = loadLabDir(dir);
  let course = path.basename(dir);
  const courseFile = findCourseFile(dir);
  if (courseFile) {
    try {
      const c = parseCourseFile(courseFile);
      labs = applyCourse(c, labs).labs;
      course = c.manifest.title;
    } catch {
      /* validate reports it; the labs' own order will do */
    }
  }
  const store = new ProgressStore(dataDir()).load();
  const results = buildResults(labs, store, { learner, withAnswers, course });
  const target = path.resolve(file);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`, { mode: 0o644 });
  fs.renameSync(tmp, target);
  const done = results.labs.filter((l) => l.status === 'done').length;
  out.write(
    `Wrote ${file}: ${done} of ${results.labs.length} labs complete. It holds no tokens, secrets or command lines.\n`,
  );
  return 0;
}
