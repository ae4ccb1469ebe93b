/**
 * Where a labs folder's course manifest is — `<dir>/course.yaml`, or `<dir>/../course.yaml`
 * whose `labs_dir:` names `<dir>` — and a small cache of what applying it gave, so the course
 * starts without the YAML parser and the schema library when nothing changed. Light: fs only.
 */
import fs from 'node:fs';
import path from 'node:path';

export const COURSE_FILE = 'course.yaml';

/** What the faces get: the manifest's facts, by lab id. Plain data (kept in caches and packs). */
export interface CourseInfo {
  title: string;
  file: string;
  sections: Array<{ title: string; labs: string[] }>;
  paths: Array<{ id: string; title: string; summary?: string; labs: string[]; minutes: number }>;
  requires: Record<string, string[]>;
}

/** The manifest that governs a labs folder (or the manifest itself when given one). */
export function findCourseFile(target: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    return undefined;
  }
  if (st.isFile()) return path.basename(target) === COURSE_FILE ? target : undefined;
  const here = path.join(target, COURSE_FILE);
  if (fs.existsSync(here)) return here;
  const up = path.join(path.dirname(path.resolve(target)), COURSE_FILE);
  if (!fs.existsSync(up)) return undefined;
  try {
    const m = /^labs_dir:\s*["']?([^"'#\n]+?)["']?\s*(#.*)?$/m.exec(fs.readFileSync(up, 'utf8'));
    const dir = path.resolve(path.dirname(up), m?.[1] ?? '.');
    return dir === path.resolve(target) ? up : undefined;
  } catch {
    return undefined;
  }
}

/** What applying a manifest gave, for labs with these ids from these files. */
export interface AppliedCourse {
  key: string;
  info: CourseInfo;
  /** Per lab file: the section title it gets as topic and its place. */
  placed: Record<string, { topic: string; order: number }>;
  problems: string[];
}

/** The cache key: the manifest's size and time, and every lab's file, id and minutes. */
export function appliedKey(file: string, labs: Array<{ file: string; id: string; minutes: number }>): string {
  const st = fs.statSync(file);
  const each = labs.map((l) => [path.resolve(l.file), l.id, l.minutes]);
  return JSON.stringify([path.resolve(file), st.size, st.mtimeMs, each]);
}

export function readApplied(cacheFile: string, key: string): AppliedCourse | undefined {
  try {
    const c = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as AppliedCourse;
    return c && c.key === key ? c : undefined;
  } catch {
    return undefined;
  }
}

export function writeApplied(cacheFile: string, c: AppliedCourse) {
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(c), { mode: 0o600 });
    fs.renameSync(tmp, cacheFile);
  } catch {
    /* a cache is optional */
  }
}
