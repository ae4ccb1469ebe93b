/**
 * The course manifest (`course.yaml` beside the labs, or one folder up with `labs_dir:`):
 * the course's title, its sections (the map's groups, and `vault-lab quiz`'s topics) with
 * the labs in order, prerequisites between labs, and learning paths with their time.
 * Adding a lab is one line in a section (and its id in any path it belongs to).
 * Every problem is `file:line:column` plus a hint, as for lab files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import type { LoadedLab } from './load.js';
import type { LabProblem } from './problem.js';

import { COURSE_FILE } from './course-find.js';

export { COURSE_FILE, findCourseFile, type CourseInfo } from './course-find.js';
import type { CourseInfo } from './course-find.js';

const Id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by dashes');

export const CourseLab = z
  .object({
    file: z.string().min(1).describe('the lab file, relative to labs_dir'),
    requires: z.array(Id).default([]).describe('ids of labs to take first (the map suggests them)'),
  })
  .strict();

export const CourseSection = z
  .object({
    title: z.string().min(1).describe('a group on the course map, and a topic of `vault-lab quiz`'),
    labs: z.array(CourseLab).min(1),
  })
  .strict();

export const LearningPath = z
  .object({
    id: Id,
    title: z.string().min(1),
    summary: z.string().optional(),
    labs: z.array(Id).min(1).describe('lab ids, in the order to take them'),
    minutes: z.number().positive().optional().describe('estimated time; default: the sum of its labs'),
  })
  .strict();

export const CourseManifest = z
  .object({
    schema: z.literal(1).default(1),
    title: z.string().min(1),
    summary: z.string().optional(),
    labs_dir: z.string().default('.').describe('where the lab files are, relative to this file'),
    sections: z.array(CourseSection).min(1),
    paths: z.array(LearningPath).default([]),
  })
  .strict();
export type CourseManifest = z.infer<typeof CourseManifest>;

export interface ParsedCourse {
  manifest: CourseManifest;
  file: string;
  labsDir: string;
  pos: (p: PropertyKey[]) => { line: number; column: number };
}

export class CourseError extends Error {
  constructor(readonly problems: LabProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
  }
}

function nodeAt(doc: Document, p: PropertyKey[]): YamlNode | null {
  let node: unknown = doc.contents;
  for (const seg of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown })?.value === seg);
      if (!pair) break;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) node = node.items[seg];
    else break;
  }
  return (node as YamlNode) ?? null;
}

const where = (p: PropertyKey[]) =>
  p
    .map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`))
    .join('')
    .replace(/^\./, '') || 'course';

/** Parses a course manifest. @throws CourseError with every problem found. */
export function parseCourseFile(file: string, display = file): ParsedCourse {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new CourseError([
      { file: display, line: 1, column: 1, message: `cannot read the file: ${code}`, hint: 'check the path' },
    ]);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const pos = (p: PropertyKey[]) => {
    const lp = lc.linePos(nodeAt(doc, p)?.range?.[0] ?? 0);
    return { line: lp.line, column: lp.col };
  };
  const problems: LabProblem[] = doc.errors.map((e) => {
    const lp = lc.linePos(e.pos?.[0] ?? 0);
    return {
      file: display,
      line: lp.line,
      column: lp.col,
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
      hint: 'check indentation and quoting around this place',
    };
  });
  if (problems.length) throw new CourseError(problems);
  const res = CourseManifest.safeParse(doc.toJS());
  if (!res.success) {
    for (const issue of res.error.issues) {
      const p = issue.path as PropertyKey[];
      const at = pos(p);
      problems.push({
        file: display,
        line: at.line,
        column: at.column,
        message: `${where(p)}: ${issue.message}`,
        hint: 'see "Courses" in docs/authoring.md (and content/course.schema.json)',
      });
    }
    throw new CourseError(problems);
  }
  return { manifest: res.data, file: display, labsDir: path.resolve(path.dirname(file), res.data.labs_dir), pos };
}

/** The lab files a manifest lists, in course order, with the problems of entries naming no file. */
export function courseLabFiles(c: ParsedCourse): { files: string[]; problems: LabProblem[] } {
  const files: string[] = [];
  const problems: LabProblem[] = [];
  const seen = new Map<string, string>();
  c.manifest.sections.forEach((s, i) =>
    s.labs.forEach((l, j) => {
      const p = ['sections', i, 'labs', j, 'file'];
      const abs = path.resolve(c.labsDir, l.file);
      const add = (message: string, hint: string) => problems.push({ file: c.file, ...c.pos(p), message, hint });
      if (seen.has(abs)) add(`${where(p)}: ${l.file} is listed twice (first at ${seen.get(abs)})`, 'list a lab once');
      else if (!fs.existsSync(abs))
        add(
          `${where(p)}: there is no lab file ${l.file} in ${path.relative(process.cwd(), c.labsDir) || '.'}`,
          'fix the file name, or remove the line',
        );
      else {
        seen.set(abs, where(p));
        files.push(abs);
      }
    }),
  );
  return { files, problems };
}

/** Lab files in the labs folder that the manifest does not list (the fix is in the message). */
export function unlistedLabs(c: ParsedCourse, listed: string[]): LabProblem[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(c.labsDir).filter((f) => /\.ya?ml$/.test(f) && f !== COURSE_FILE);
  } catch {
    return [];
  }
  const have = new Set(listed.map((f) => path.resolve(f)));
  const last = c.manifest.sections.length - 1;
  return names
    .filter((f) => !have.has(path.resolve(c.labsDir, f)))
    .sort()
    .map((f) => ({
      file: c.file,
      ...c.pos(['sections', last, 'labs']),
      message: `${f} is in ${path.relative(process.cwd(), c.labsDir) || '.'} but not in the course`,
      hint: `add "- { file: ${f} }" to the labs of a section (and its id to any path it belongs to)`,
    }));
}

/**
 * Checks the manifest's ids against the loaded labs, and gives the faces the course: each
 * lab's topic becomes its section's title and its order its place in the manifest.
 */
export function applyCourse(
  c: ParsedCourse,
  labs: LoadedLab[],
): { labs: LoadedLab[]; info: CourseInfo; problems: LabProblem[] } {
  const problems: LabProblem[] = [];
  const byFile = new Map(labs.map((l) => [path.resolve(l.file), l]));
  const ids = new Set(labs.map((l) => l.lab.id));
  const out: LoadedLab[] = [];
  const info: CourseInfo = { title: c.manifest.title, file: c.file, sections: [], paths: [], requires: {} };
  const bad = (p: PropertyKey[], id: string) =>
    problems.push({
      file: c.file,
      ...c.pos(p),
      message: `${where(p)}: no lab in the course has the id "${id}"`,
      hint: 'name a lab by the id: in its file',
    });
  let order = 0;
  c.manifest.sections.forEach((s, i) => {
    const section = { title: s.title, labs: [] as string[] };
    s.labs.forEach((e, j) => {
      const l = byFile.get(path.resolve(c.labsDir, e.file));
      e.requires.forEach((r, k) => {
        if (!ids.has(r)) bad(['sections', i, 'labs', j, 'requires', k], r);
      });
      if (!l) return;
      section.labs.push(l.lab.id);
      info.requires[l.lab.id] = e.requires.filter((r) => ids.has(r));
      out.push({ ...l, lab: { ...l.lab, topic: s.title, order: ++order } });
    });
    info.sections.push(section);
  });
  const minutes = new Map(out.map((l) => [l.lab.id, l.lab.minutes]));
  c.manifest.paths.forEach((p, i) => {
    p.labs.forEach((id, k) => {
      if (!ids.has(id)) bad(['paths', i, 'labs', k], id);
    });
    const labsIn = p.labs.filter((id) => ids.has(id));
    info.paths.push({
      id: p.id,
      title: p.title,
      summary: p.summary,
      labs: labsIn,
      minutes: p.minutes ?? labsIn.reduce((a, id) => a + (minutes.get(id) ?? 0), 0),
    });
  });
  // Labs not in the manifest still open, after the rest (validate reports them).
  for (const l of labs) if (!out.some((x) => x.file === l.file)) out.push({ ...l, lab: { ...l.lab, order: ++order } });
  return { labs: out, info, problems };
}

/** The JSON Schema of course.yaml (the build writes content/course.schema.json). */
export function courseJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(CourseManifest, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'vault-lab course manifest', ...s };
}
