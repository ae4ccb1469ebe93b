/**
 * Loading lab files: YAML → validated Lab, with every problem reported as
 * `file:line:column: what is wrong` plus a one-line hint. Never a stack trace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, Node as YamlNode, Document } from 'yaml';
import type { z } from 'zod';
import { Lab } from './schema.js';

export interface LabProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  hint: string;
}

export class LabLoadError extends Error {
  constructor(readonly problems: LabProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: LabProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`;
}

export interface LoadedLab { lab: Lab; file: string; dir: string }

/** Finds the YAML node at a zod issue path, for its position. */
function nodeAt(doc: Document, p: PropertyKey[]): { node: YamlNode | null; keyNode: YamlNode | null } {
  let node: unknown = doc.contents;
  let keyNode: YamlNode | null = null;
  for (const seg of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown })?.value === seg);
      if (!pair) break;
      keyNode = pair.key as YamlNode;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      keyNode = null;
    } else break;
  }
  return { node: (node as YamlNode) ?? null, keyNode };
}

function hintFor(issue: z.core.$ZodIssue): string {
  const last = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case 'unrecognized_keys': return `remove or rename ${issue.keys.map((k) => `"${k}"`).join(', ')}; see docs/authoring.md for the keys a ${String(last ?? 'lab')} may have`;
    case 'invalid_type': return `"${String(last)}" must be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`}`;
    case 'invalid_value': return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small': return issue.origin === 'array' ? `add at least ${issue.minimum} item(s)` : 'use a larger value';
    case 'invalid_format': return 'lower-case letters, digits and dashes, e.g. "denied-write"';
    case 'invalid_union': return 'check the shape against docs/authoring.md';
    default: return 'see docs/authoring.md for the lab format';
  }
}

/**
 * Parses lab YAML text.
 * @throws LabLoadError listing every problem found, with positions.
 */
export function parseLab(text: string, file: string): Lab {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const problems: LabProblem[] = [];
  const rel = file;
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    problems.push({ file: rel, line: pos.line, column: pos.col, message: `YAML syntax: ${e.message.split('\n')[0]}`, hint: e.code === 'DUPLICATE_KEY' ? 'each key may appear only once in a mapping' : 'check indentation and quoting around this place' });
  }
  if (problems.length) throw new LabLoadError(problems);
  const data = doc.toJS();
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new LabLoadError([{ file: rel, line: 1, column: 1, message: 'a lab file must be a YAML mapping with id, title, minutes and steps', hint: 'start from `vault-lab new <id>`' }]);
  }
  const res = Lab.safeParse(data);
  if (!res.success) {
    for (const issue of res.error.issues) {
      const { node, keyNode } = nodeAt(doc, issue.path);
      let target = node ?? keyNode;
      // Unknown keys: point at the key itself.
      if (issue.code === 'unrecognized_keys' && isMap(node)) {
        const pair = node.items.find((it) => (issue.keys as string[]).includes(String((it.key as { value?: unknown })?.value)));
        if (pair) target = pair.key as YamlNode;
      }
      const off = target?.range?.[0] ?? 0;
      const pos = lc.linePos(off);
      const where = issue.path.length ? issue.path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`)).join('').replace(/^\./, '') : 'lab';
      problems.push({ file: rel, line: pos.line, column: pos.col, message: `${where}: ${issue.message}`, hint: hintFor(issue) });
    }
    throw new LabLoadError(problems);
  }
  const lab = res.data;
  // Semantic rules the schema cannot express.
  const seen = new Map<string, number>();
  lab.steps.forEach((s, i) => {
    if (seen.has(s.id)) {
      const { node } = nodeAt(doc, ['steps', i, 'id']);
      const pos = lc.linePos(node?.range?.[0] ?? 0);
      problems.push({ file: rel, line: pos.line, column: pos.col, message: `steps[${i}].id: duplicate step id "${s.id}" (first used by steps[${seen.get(s.id)}])`, hint: 'give every step its own id' });
    } else seen.set(s.id, i);
    s.check.forEach((c, j) => checkAfterRefs(c, s.check, (msg) => {
      const { node } = nodeAt(doc, ['steps', i, 'check', j]);
      const pos = lc.linePos(node?.range?.[0] ?? 0);
      problems.push({ file: rel, line: pos.line, column: pos.col, message: `steps[${i}].check[${j}]: ${msg}`, hint: 'an `after:` names the `id` of another check in the same step' });
    }));
  });
  lab.quiz.forEach((q, i) => {
    const n = q.choices?.length ?? 0;
    const bad = typeof q.answer === 'number' ? (q.answer >= n ? [q.answer] : []) : Array.isArray(q.answer) ? q.answer.filter((a) => a >= n) : [];
    const noChoices = typeof q.answer !== 'string' && !n;
    if (bad.length || noChoices) {
      const { node } = nodeAt(doc, ['quiz', i, 'answer']);
      const pos = lc.linePos(node?.range?.[0] ?? 0);
      problems.push({ file: rel, line: pos.line, column: pos.col, message: `quiz[${i}].answer: ${noChoices ? 'a numeric answer needs choices' : `answer ${bad.join(', ')} is not one of the ${n} choices (counting from 0)`}`, hint: 'answers count choices from 0' });
    }
  });
  if (problems.length) throw new LabLoadError(problems);
  return lab;
}

function checkAfterRefs(c: import('./schema.js').CheckNode, siblings: import('./schema.js').CheckNode[], report: (m: string) => void) {
  if (c.after && !siblings.some((s) => s.id === c.after)) report(`after: "${c.after}" does not name a check in this step`);
}

/** Loads one lab file. @throws LabLoadError */
export function loadLabFile(file: string, displayName = file): LoadedLab {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabLoadError([{ file: displayName, line: 1, column: 1, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, hint: 'check the path and its permissions' }]);
  }
  return { lab: parseLab(text, displayName), file, dir: path.dirname(file) };
}

/** Lab files in a directory (or the one file given), sorted by name. */
export function labFiles(target: string): string[] {
  const st = fs.statSync(target);
  if (st.isFile()) return [target];
  return fs.readdirSync(target).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(target, f));
}

/** Loads every lab in a directory; problems are collected, not thrown. */
export function loadLabDir(dir: string): { labs: LoadedLab[]; errors: LabLoadError[] } {
  const labs: LoadedLab[] = [];
  const errors: LabLoadError[] = [];
  for (const f of labFiles(dir)) {
    try { labs.push(loadLabFile(f, path.relative(process.cwd(), f) || f)); } catch (e) { if (e instanceof LabLoadError) errors.push(e); else throw e; }
  }
  labs.sort((a, b) => a.lab.order - b.lab.order || a.lab.id.localeCompare(b.lab.id));
  return { labs, errors };
}
