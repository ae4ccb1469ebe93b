/**
 * The one door into the lab runtime for the faces (`tui/`, and later `web/`). A face
 * imports from here and nowhere else in `labs/` or `engine/`.
 */
export type { LoadedLab } from './load.js';
export { loadLabsCached } from './cache.js';
/** A lab problem as `file:line:column: message`; loads the lab format only when called (a broken lab). */
export const describeProblem = async (p: import('./load.js').LabProblem): Promise<string> => (await import('./load.js')).formatProblem(p);
export { ProgressStore, type LabProgress } from './progress.js';
export { contentDir, dataDir } from './paths.js';
export { LabSession, type StepStatus } from './session.js';
export { questionKind, type QuizAnswer, type QuestionKind } from './quiz.js';
export { ScriptShell } from './shell.js';
export type { AuditEvent } from '../engine/index.js';
