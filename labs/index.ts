/**
 * The one door into the lab runtime for the faces (`tui/`, and later `web/`). A face
 * imports from here and nowhere else in `labs/` or `engine/`.
 */
export type { LoadedLab } from './format/load.js';
export { formatProblem, type LabProblem } from './format/problem.js';
export { loadLabsCached } from './format/cache.js';
export { ProgressStore, type LabProgress } from './runtime/progress.js';
export { contentDir, dataDir } from './runtime/paths.js';
export { LabSession, type StepStatus } from './runtime/session.js';
export { questionKind, type QuizAnswer, type QuestionKind } from './runtime/quiz.js';
export { ScriptShell } from './runtime/shell.js';
export type { AuditEvent } from '../engine/index.js';
