/** Course-level facts in words (status, needs, order, results rows), shared by the screens and plain mode; no React. */
import type { CourseInfo, LoadedLab } from '../labs/index.js';
import type { LabProgress, ProgressStore } from '../labs/index.js';
import type { LabResults } from './results.js';
import { t } from './text.js';

/** A loaded course, as the full-screen UI and plain mode receive it. */
export interface Course {
  labs: LoadedLab[];
  store: ProgressStore;
  notices: string[];
  workspaceRoot: string;
  /** The course manifest's facts (paths, prerequisites), when the labs come with one. */
  info?: CourseInfo;
}

export const NEED_NAMES: Record<string, string> = { postgres: 'PostgreSQL', kubernetes: 'Kubernetes' };

/** What a lab needs beyond the engine, in words. */
export function needsText(l: LoadedLab): string {
  return (
    l.lab.needs
      .filter((n) => n !== 'engine')
      .map((n) => NEED_NAMES[n] ?? n)
      .join(', ') || '—'
  );
}

/** What the course map shows in the needs column: "reading + quiz" for a reading lab, else what it needs. */
export function needsColumn(l: LoadedLab): string {
  return l.lab.kind === 'reading' ? 'reading + quiz' : needsText(l);
}

/** A lab's status in words: new, in progress (with where it resumes), done (with the quiz score). */
export function statusText(p: LabProgress, steps: number): { text: string; tone: 'ok' | 'pending' | 'idle' } {
  if (p.status === 'done')
    return { text: p.quiz?.total ? `done · quiz ${p.quiz.score ?? 0}/${p.quiz.total}` : 'done', tone: 'ok' };
  if (p.status === 'in-progress') {
    const n = Math.min(p.done.length + p.skipped.length, steps);
    return { text: `${n}/${steps} · resume at ${Math.min(p.step + 1, steps)}`, tone: 'pending' };
  }
  return { text: 'new', tone: 'idle' };
}

/** Labs in display order: by their `order`, grouped by topic (topics in order of their first lab). */
export function orderLabs(labs: LoadedLab[]): LoadedLab[] {
  const sorted = [...labs].sort((a, b) => a.lab.order - b.lab.order);
  const topics: string[] = [];
  for (const l of sorted) if (!topics.includes(l.lab.topic)) topics.push(l.lab.topic);
  return topics.flatMap((topic) => sorted.filter((l) => l.lab.topic === topic));
}

export function formatMinutes(m: number | undefined): string {
  if (m === undefined) return '—';
  if (m < 1) return `${Math.max(1, Math.round(m * 60))} s`;
  return m < 60 ? `${Math.round(m)} min` : `${Math.floor(m / 60)} h ${Math.round(m % 60)} min`;
}

/** The rows of the results table, shared with plain mode. */
export function resultRows(r: LabResults): Array<[string, string]> {
  return [
    ['Status', r.status === 'done' ? 'complete' : r.status === 'in-progress' ? 'in progress' : 'not started'],
    ['Time', formatMinutes(r.minutes)],
    ['Steps', `${r.done} done, ${r.skipped} skipped, of ${r.steps}`],
    ['Hints used', String(r.hints)],
    ['Solutions shown', String(r.solutions)],
    ['Quiz', r.quiz ? `${r.quiz.score}/${r.quiz.total}` : 'not taken'],
  ];
}

const isDone = (store: ProgressStore, id: string) => store.lab(id).status === 'done';

/** A lab's prerequisites (manifest `requires:`), each with whether the learner finished it. */
export function prerequisites(
  info: CourseInfo | undefined,
  labs: LoadedLab[],
  store: ProgressStore,
  id: string,
): Array<{ id: string; title: string; done: boolean }> {
  return (info?.requires[id] ?? []).map((r) => {
    const l = labs.find((x) => x.lab.id === r);
    return { id: r, title: l ? titleOf(l) : r, done: isDone(store, r) };
  });
}

const titleOf = (l: LoadedLab) => t(l.lab.title);

/**
 * What to take after finishing `id`: the next unfinished lab on the first learning path
 * that holds it, else the next unfinished lab in course order — or, when that one has an
 * unfinished prerequisite, the prerequisite. Undefined when everything is done.
 */
export function nextLab(
  info: CourseInfo | undefined,
  labs: LoadedLab[],
  store: ProgressStore,
  id: string,
): { id: string; title: string; why: string } | undefined {
  const ordered = orderLabs(labs);
  const find = (x: string) => ordered.find((l) => l.lab.id === x);
  let pick: { id: string; why: string } | undefined;
  const path = info?.paths.find((p) => p.labs.includes(id));
  if (path) {
    const rest = path.labs.slice(path.labs.indexOf(id) + 1).find((x) => find(x) && !isDone(store, x) && x !== id);
    if (rest) pick = { id: rest, why: `next on the ${path.title} path` };
  }
  if (!pick) {
    const at = ordered.findIndex((l) => l.lab.id === id);
    const after = [...ordered.slice(at + 1), ...ordered.slice(0, Math.max(0, at))];
    const l = after.find((x) => !isDone(store, x.lab.id) && x.lab.id !== id);
    if (l) pick = { id: l.lab.id, why: 'next in the course' };
  }
  if (!pick) return undefined;
  const first = prerequisites(info, labs, store, pick.id).find((p) => !p.done && p.id !== id);
  if (first && find(first.id)) pick = { id: first.id, why: `to take before ${titleOf(find(pick.id)!)}` };
  const l = find(pick.id);
  return l ? { id: pick.id, title: titleOf(l), why: pick.why } : undefined;
}

/** The suggestion in words: "Next: KV basics (next on the Beginner path)". */
export function nextLabText(n: { title: string; why: string } | undefined): string {
  return n ? `Next: ${n.title} (${n.why}).` : 'You have finished every lab in this course.';
}
