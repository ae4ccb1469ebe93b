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
export { cacheDir, contentDir, dataDir, migrateLegacyData } from './runtime/paths.js';
export type { LabSession, SessionOptions, StepStatus, TraceNode } from './runtime/session.js';
export type { QuizAnswer, QuestionKind } from './runtime/quiz.js';
export type { ScriptShell } from './runtime/shell.js';
export type { AuditEvent } from '../engine/index.js';

export type { CourseInfo } from './format/course.js';
import type { CourseInfo } from './format/course.js';
import type { LoadedLab } from './format/load.js';
import { resolve as pathResolve } from 'node:path';

/**
 * The course manifest that governs a labs folder, applied to its loaded labs: manifest order,
 * sections as topics, prerequisites and paths. Undefined without a manifest; problems as
 * notices. With `cacheFile`, an unchanged manifest over the same labs is applied from there,
 * so the course starts without the YAML parser and the schema library.
 */
export async function applyCourseManifest(
  dir: string,
  labs: LoadedLab[],
  cacheFile?: string,
): Promise<{ labs: LoadedLab[]; info: CourseInfo; problems: string[] } | undefined> {
  const find = await import('./format/course-find.js');
  const file = find.findCourseFile(dir);
  if (!file) return undefined;
  const key = find.appliedKey(
    file,
    labs.map((l) => ({ file: l.file, id: l.lab.id, minutes: l.lab.minutes })),
  );
  const hit = cacheFile ? find.readApplied(cacheFile, key) : undefined;
  if (hit) {
    const placed = labs.map((l) => {
      const p = hit.placed[pathResolve(l.file)];
      return p ? { ...l, lab: { ...l.lab, topic: p.topic, order: p.order } } : l;
    });
    placed.sort((a, b) => a.lab.order - b.lab.order);
    return { labs: placed, info: hit.info, problems: hit.problems };
  }
  const m = await import('./format/course.js');
  try {
    const c = m.parseCourseFile(file, file);
    const r = m.applyCourse(c, labs);
    const problems = [...m.courseLabFiles(c).problems, ...r.problems].map((p) => formatProblem(p).split('\n')[0]);
    const placed = Object.fromEntries(
      r.labs.map((l) => [pathResolve(l.file), { topic: l.lab.topic, order: l.lab.order }]),
    );
    if (cacheFile) find.writeApplied(cacheFile, { key, info: r.info, placed, problems });
    return { labs: r.labs, info: r.info, problems };
  } catch (e) {
    if (e instanceof m.CourseError) return { labs, info: emptyInfo(file), problems: [e.message.split('\n')[0]] };
    throw e;
  }
}

function emptyInfo(file: string): CourseInfo {
  return { title: '', file, sections: [], paths: [], requires: {} };
}

/**
 * One lab file for `vault-lab dev`: loaded (`problems` then empty) or not (the load problems,
 * file:line:column). `lint()` gives validate's findings; they do not stop a reload, so dev
 * runs them once the reloaded lab is on screen.
 */
export async function loadDevLab(
  file: string,
  display: string,
): Promise<{ loaded?: import('./format/load.js').LoadedLab; problems: string[]; lint: () => Promise<string[]> }> {
  const { loadLabFile, LabLoadError } = await import('./format/load.js');
  try {
    const loaded = loadLabFile(file, display);
    const lint = async () => {
      const { lintLab } = await import('./format/lint.js');
      return lintLab(loaded, { checkCommands: false }).map(formatProblem);
    };
    return { loaded, problems: [], lint };
  } catch (e) {
    if (e instanceof LabLoadError) return { problems: e.problems.map(formatProblem), lint: async () => [] };
    throw e;
  }
}

/**
 * Runs the lab shells' `vault` in this process (`vault-lab dev`: replaying earlier steps on
 * every save is then quick); the CLI is handed in by the entry. Returns a stop function.
 */
export async function hostVaultCli(runCli: import('./tools/cli-host.js').CliRunner): Promise<() => Promise<void>> {
  const { startCliHost, hostedShim } = await import('./tools/cli-host.js');
  const { useHostedVault } = await import('./runtime/paths.js');
  const host = await startCliHost(runCli);
  useHostedVault(hostedShim(host));
  return async () => {
    useHostedVault(undefined);
    await host.close();
  };
}

/**
 * The labs folder of `--course <file|dir|npm package>` (a packed file is unpacked into the
 * data folder; nothing is fetched). @throws Error with a sentence.
 */
export async function openCourse(arg: string, data: string): Promise<string> {
  return (await import('./tools/pack.js')).openCourse(arg, data);
}

/** The lab runtime, loaded on first use (and once: later calls get the same module). */
export function loadRuntime(): Promise<typeof import('./runtime/index.js')> {
  return import('./runtime/index.js');
}
