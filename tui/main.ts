/**
 * `vault-lab` with no subcommand: the course. Parses the course options, loads the labs
 * and progress, then hands over to the full-screen UI (Ink) or, with `--plain`, to the
 * line-by-line mode — which never loads React.
 */
import path from 'node:path';
import { applyCourseManifest, loadLabsCached, openCourse } from '../labs/index.js';
import { ProgressStore } from '../labs/index.js';
import { cacheDir, contentDir, dataDir, formatProblem } from '../labs/index.js';
import type { Course } from './course.js';
import { importUi } from './vendor/patches.js';

export interface CourseOptions {
  labsDir: string;
  noShell: boolean;
  plain: boolean;
  /** `--course <file|dir|package>`, resolved to a labs folder when the course loads. */
  course?: string;
}

/** Course options from argv; an error sentence for anything unknown. */
export function parseCourseArgs(argv: string[]): CourseOptions | string {
  const o: CourseOptions = { labsDir: contentDir(), noShell: false, plain: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--labs') {
      const v = argv[++i];
      if (!v) return '--labs needs a folder';
      o.labsDir = path.resolve(v);
    } else if (a.startsWith('--labs=')) o.labsDir = path.resolve(a.slice(7));
    else if (a === '--course' || a.startsWith('--course=')) {
      const v = a === '--course' ? argv[++i] : a.slice(9);
      if (!v) return '--course needs a course file, a folder or an installed npm package name';
      o.course = v;
    } else if (a === '--no-shell') o.noShell = true;
    else if (a === '--plain') o.plain = true;
    else return `unknown option ${a} (see vault-lab --help)`;
  }
  return o;
}

/** The labs, manifest and progress of a course (the browser face, web/main.ts, loads it the same way). */
export async function loadCourse(o: CourseOptions): Promise<Course | string> {
  const data = dataDir();
  if (o.course) {
    try {
      o.labsDir = await openCourse(o.course, data);
    } catch (e) {
      return (e as Error).message;
    }
  }
  let loaded;
  try {
    loaded = await loadLabsCached(o.labsDir, path.join(cacheDir(), 'labs.json'));
  } catch {
    return `cannot read labs from ${o.labsDir}`;
  }
  const notices: string[] = [];
  const course = await applyCourseManifest(o.labsDir, loaded.labs, path.join(cacheDir(), 'course.json'));
  if (course) notices.push(...course.problems.map((p) => `course manifest: ${p}`));
  for (const e of loaded.errors)
    for (const p of e.problems) notices.push(`skipped a broken lab: ${formatProblem(p).split('\n')[0]}`);
  if (!loaded.labs.length) return `no labs in ${o.labsDir}${notices.length ? `\n${notices.join('\n')}` : ''}`;
  const store = new ProgressStore(data).load();
  if (store.damaged)
    notices.push(
      `Your progress file could not be read (${store.damaged.reason}); it was kept at ${store.damaged.movedTo} and a new one started.`,
    );
  return {
    labs: course?.labs ?? loaded.labs,
    store,
    notices,
    workspaceRoot: path.join(data, 'workspaces'),
    info: course?.info,
  };
}

export async function runCourse(argv: string[]): Promise<number> {
  const o = parseCourseArgs(argv);
  if (typeof o === 'string') {
    process.stderr.write(`vault-lab: ${o}\n`);
    return o.startsWith('--course') ? 2 : 1;
  }
  if (!o.plain && (!process.stdin.isTTY || !process.stdout.isTTY)) {
    process.stderr.write(
      'vault-lab: the full-screen course needs an interactive terminal. Use --plain for a line-by-line course, or `vault-lab test <dir>` to run labs headlessly.\n',
    );
    return 1;
  }
  const course = await loadCourse(o);
  if (typeof course === 'string') {
    process.stderr.write(`vault-lab: ${course}\n`);
    return 1;
  }
  if (o.plain) {
    const { runPlain } = await import('./plain.js');
    return runPlain(course, { input: process.stdin, output: process.stdout });
  }
  // The UI is imported with the run-time workarounds of tui/vendor/patches.ts in place.
  const { runInk } = await importUi(() => import('./ink.js'));
  return runInk(course, o.noShell);
}
