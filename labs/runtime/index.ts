/**
 * The lab runtime a face drives: sessions (each with its engine), quiz grading and the
 * script shell. Faces load it through `loadRuntime()` in labs/index.ts, on first use, so
 * that nothing here (the engine included) is evaluated before a face's first frame.
 */
export { LabSession } from './session.js';
export { questionKind } from './quiz.js';
export { ScriptShell } from './shell.js';
