/**
 * The one door into the lab runtime for the faces (`tui/`, and later `web/`). A face
 * imports from here and nowhere else in `labs/` or `engine/`.
 *
 * What is exported as a value here is light: it loads no engine, YAML parser or schema
 * library, so a face can draw the course map first. The runtime itself (sessions with
 * their engine, quiz grading, the script shell) comes through `loadRuntime()`.
 * test/boundaries.test.ts checks that this door's static imports stay light.
 */
export type { LoadedLab } from './format/load.js';
import { formatProblem } from './format/problem.js';
export { formatProblem, type LabProblem } from './format/problem.js';
export { loadLabsCached } from './format/cache.js';
export { ProgressStore, type LabProgress } from './runtime/progress.js';
export { contentDir, dataDir } from './runtime/paths.js';
export type { LabSession, SessionOptions, StepStatus } from './runtime/session.js';
export type { QuizAnswer, QuestionKind } from './runtime/quiz.js';
export type { ScriptShell } from './runtime/shell.js';
export type { AuditEvent } from '../engine/index.js';

export type { CourseInfo } from './format/course.js';

/**
 * The course manifest that governs a labs folder, applied to its loaded labs: manifest order,
 * sections as topics, prerequisites and paths. Undefined without a manifest; problems as notices.
 */
export async function applyCourseManifest(
  dir: string,
  labs: import('./format/load.js').LoadedLab[],
): Promise<
  | { labs: import('./format/load.js').LoadedLab[]; info: import('./format/course.js').CourseInfo; problems: string[] }
  | undefined
> {
  const m = await import('./format/course.js');
  const file = m.findCourseFile(dir);
  if (!file) return undefined;
  try {
    const c = m.parseCourseFile(file, file);
    const r = m.applyCourse(c, labs);
    const problems = [...m.courseLabFiles(c).problems, ...r.problems].map((p) => formatProblem(p).split('\n')[0]);
    return { labs: r.labs, info: r.info, problems };
  } catch (e) {
    if (e instanceof m.CourseError) return { labs, info: emptyInfo(file), problems: [e.message.split('\n')[0]] };
    throw e;
  }
}

function emptyInfo(file: string): import('./format/course.js').CourseInfo {
  return { title: '', file, sections: [], paths: [], requires: {} };
}

/** The lab runtime, loaded on first use (and once: later calls get the same module). */
export function loadRuntime(): Promise<typeof import('./runtime/index.js')> {
  return import('./runtime/index.js');
}
