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
export { formatProblem, type LabProblem } from './format/problem.js';
export { loadLabsCached } from './format/cache.js';
export { ProgressStore, type LabProgress } from './runtime/progress.js';
export { cacheDir, contentDir, dataDir, migrateLegacyData } from './runtime/paths.js';
export type { LabSession, SessionOptions, StepStatus } from './runtime/session.js';
export type { QuizAnswer, QuestionKind } from './runtime/quiz.js';
export type { ScriptShell } from './runtime/shell.js';
export type { AuditEvent } from '../engine/index.js';

/** The lab runtime, loaded on first use (and once: later calls get the same module). */
export function loadRuntime(): Promise<typeof import('./runtime/index.js')> {
  return import('./runtime/index.js');
}
