/**
 * Loading lab files: YAML → validated Lab, with every problem reported as
 * `file:line:column: what is wrong` plus a one-line hint. Never a stack trace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Document } from 'yaml';
import type { z } from 'zod';
import { CHECK_KINDS, Lab, questionKind, Step, type CheckNode } from './schema.js';
import { parsePath } from '../checks/jsonpath.js';
import { formatProblem, type LabProblem } from './problem.js';

export { formatProblem, type LabProblem };

export class LabLoadError extends Error {
  constructor(readonly problems: LabProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export interface Position {
  line: number;
  column: number;
}

export interface LoadedLab {
  lab: Lab;
  file: string;
  dir: string;
  /** The name problems are reported under (relative path). */
  display?: string;
  /** Position in the file of a place in the lab (`['steps', 2, 'check']`); the nearest existing parent otherwise. */
  pos?: (p: PropertyKey[]) => Position;
  /** The file's text (for positions of words inside a string). */
  text?: string;
}

/** Finds the YAML node at a path, for its position. */
function nodeAt(doc: Document, p: PropertyKey[]): { node: YamlNode | null; keyNode: YamlNode | null } {
  let node: unknown = doc.contents;
  let keyNode: YamlNode | null = null;
  for (const seg of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown })?.value === seg);
      if (!pair) break;
      keyNode = pair.key as YamlNode;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      keyNode = null;
    } else break;
  }
  return { node: (node as YamlNode) ?? null, keyNode };
}

const KIND_LIST = CHECK_KINDS.join(', ');

function isCheckPath(p: PropertyKey[]): boolean {
  // …check[j], …all[k], …any[k], …not
  const last = p[p.length - 1],
    prev = p[p.length - 2];
  return last === 'not' || (typeof last === 'number' && (prev === 'check' || prev === 'all' || prev === 'any'));
}

function hintFor(issue: z.core.$ZodIssue, missing = false): string {
  const last = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case 'unrecognized_keys':
      return isCheckPath(issue.path)
        ? `a check is one of: ${KIND_LIST} (plus message, id, after)`
        : `remove or rename ${issue.keys.map((k) => `"${k}"`).join(', ')}; see docs/authoring.md for the keys allowed here`;
    case 'invalid_type':
      return missing
        ? `add "${String(last)}:" here (see docs/authoring.md)`
        : `"${String(last ?? 'lab')}" must be ${String(issue.expected)
            .split(' or ')
            .map((x) => (x === 'array' ? 'a list' : x === 'object' ? 'a mapping' : `a ${x}`))
            .join(' or ')}`;
    case 'invalid_value':
      if (issue.path.length === 1 && issue.path[0] === 'schema')
        return 'write schema: 1, or use a newer vault-lab for newer lab files';
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array' ? `add at least ${issue.minimum} item(s)` : 'use a larger value';
    case 'invalid_format':
      return 'lower-case letters, digits and dashes, e.g. "denied-write"';
    case 'invalid_union':
      return 'check the shape against docs/authoring.md';
    case 'custom':
      return isCheckPath(issue.path) || String(last) === 'capabilities' || String(last) === 'command'
        ? `see "Checks" in docs/authoring.md; kinds: ${KIND_LIST}`
        : 'see docs/authoring.md for the lab format';
    default:
      return 'see docs/authoring.md for the lab format';
  }
}

/** A union's most specific failure: the branch whose issues got furthest into the value. */
function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || !('errors' in issue) || !issue.errors?.length) return issue;
  const all = issue.errors.flatMap((branch) =>
    branch.map((sub) => ({ ...sub, path: [...issue.path, ...sub.path] }) as z.core.$ZodIssue),
  );
  const depth = Math.max(...all.map((x) => x.path.length));
  const deepest = all.filter((x) => x.path.length === depth);
  const telling = deepest.find((x) => x.code !== 'invalid_type');
  if (telling) return depth > issue.path.length || telling.code !== 'invalid_union' ? unwrapUnion(telling) : issue;
  // Every branch wanted another type here: say which types would do.
  const expected = [...new Set(deepest.map((x) => (x as { expected?: string }).expected ?? 'value'))];
  return { ...deepest[0], expected: expected.join(' or ') } as z.core.$ZodIssue;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** Keys allowed where an unknown key was found, for a did-you-mean. */
function allowedKeys(p: PropertyKey[]): string[] {
  if (!p.length) return Object.keys(Lab.shape);
  if (p.length === 2 && p[0] === 'steps') return Object.keys(Step.shape);
  if (isCheckPath(p)) return [...CHECK_KINDS, 'message', 'id', 'after'];
  return [];
}

function didYouMean(key: string, p: PropertyKey[]): string {
  const best = allowedKeys(p)
    .map((k) => ({ k, d: distance(key, k) }))
    .sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? ` — did you mean "${best.k}"?` : '';
}

function messageFor(issue: z.core.$ZodIssue, data: unknown): string {
  if (issue.code === 'unrecognized_keys' && isCheckPath(issue.path)) {
    return issue.keys.length === 1
      ? `unknown check kind "${issue.keys[0]}"${didYouMean(issue.keys[0], issue.path as PropertyKey[])}`
      : `unknown check keys ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${issue.keys.length === 1 ? didYouMean(issue.keys[0], issue.path as PropertyKey[]) : ''}`;
  if (issue.code === 'invalid_type') {
    let v: unknown = data;
    for (const s of issue.path)
      v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[s as never] : undefined;
    if (v === undefined) return `"${String(issue.path[issue.path.length - 1])}" is missing`;
    const name = (x: string) => (x === 'array' ? 'a list' : x === 'object' ? 'a mapping' : `a ${x}`);
    const got = Array.isArray(v)
      ? 'a list'
      : v === null
        ? 'nothing'
        : typeof v === 'object'
          ? 'a mapping'
          : `a ${typeof v} (${JSON.stringify(v)})`;
    return `expected ${String(issue.expected).split(' or ').map(name).join(' or ')}, found ${got}`;
  }
  if (issue.code === 'invalid_union') return 'this value has none of the allowed shapes';
  if (issue.code === 'invalid_value' && issue.path.length === 1 && issue.path[0] === 'schema')
    return `lab format ${JSON.stringify((data as Record<string, unknown>).schema)} is not one this vault-lab reads (it reads schema 1)`;
  return issue.message;
}

const where = (p: PropertyKey[]) =>
  p.length
    ? p
        .map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`))
        .join('')
        .replace(/^\./, '')
    : 'lab';

/**
 * Parses lab YAML text, returning the lab and a way to find positions in the file.
 * @throws LabLoadError listing every problem found, with positions.
 */
export function parseLabFile(text: string, file: string): { lab: Lab; pos: (p: PropertyKey[]) => Position } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const problems: LabProblem[] = [];
  const rel = file;
  const pos = (p: PropertyKey[], key = false): Position => {
    const { node, keyNode } = nodeAt(doc, p);
    const target = key && keyNode ? keyNode : (node ?? keyNode);
    const lp = lc.linePos(target?.range?.[0] ?? 0);
    return { line: lp.line, column: lp.col };
  };
  const add = (p: PropertyKey[], message: string, hint: string, key = false) => {
    const at = pos(p, key);
    problems.push({ file: rel, line: at.line, column: at.column, message: `${where(p)}: ${message}`, hint });
  };
  for (const e of doc.errors) {
    const lp = lc.linePos(e.pos?.[0] ?? 0);
    problems.push({
      file: rel,
      line: lp.line,
      column: lp.col,
      message: `YAML syntax: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      hint:
        e.code === 'DUPLICATE_KEY'
          ? 'each key may appear only once in a mapping'
          : e.code === 'TAB_AS_INDENT'
            ? 'indent with spaces, not tabs'
            : 'check indentation and quoting around this place',
    });
  }
  if (problems.length) throw new LabLoadError(problems);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new LabLoadError([
      { file: rel, line: 1, column: 1, message: `YAML: ${(e as Error).message}`, hint: 'avoid deeply nested aliases' },
    ]);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new LabLoadError([
      {
        file: rel,
        line: 1,
        column: 1,
        message: 'a lab file must be a YAML mapping with id, title, minutes and steps',
        hint: 'start from `vault-lab new <id>`',
      },
    ]);
  }
  const res = Lab.safeParse(data);
  if (!res.success) {
    const seen = new Set<string>();
    const unknownAt = new Set(
      res.error.issues.filter((i) => i.code === 'unrecognized_keys').map((i) => where(i.path as PropertyKey[])),
    );
    for (const raw of res.error.issues) {
      const issue = unwrapUnion(raw);
      if (
        issue.code === 'custom' &&
        issue.message.startsWith('a check needs one of') &&
        unknownAt.has(where(issue.path as PropertyKey[]))
      )
        continue;
      let p = issue.path as PropertyKey[];
      // Unknown keys: point at the (first) key itself.
      if (issue.code === 'unrecognized_keys') p = [...p, issue.keys[0]];
      const key = issue.code === 'unrecognized_keys';
      const msg = messageFor(issue, data);
      const id = `${where(p)}|${msg}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const at = pos(p, key);
      problems.push({
        file: rel,
        line: at.line,
        column: at.column,
        message: `${where(issue.code === 'unrecognized_keys' ? issue.path : p)}: ${msg}`,
        hint: hintFor(issue, msg.endsWith('is missing')),
      });
    }
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new LabLoadError(problems);
  }
  const lab = res.data;
  // Semantic rules the schema cannot express.
  const stepIds = new Map<string, number>();
  lab.steps.forEach((s, i) => {
    if (stepIds.has(s.id))
      add(
        ['steps', i, 'id'],
        `duplicate step id "${s.id}" (first used by steps[${stepIds.get(s.id)}])`,
        'give every step its own id',
      );
    else stepIds.set(s.id, i);
    const ids = new Map<string, PropertyKey[]>();
    const walk = (c: CheckNode, p: PropertyKey[]) => {
      if (c.id !== undefined) {
        if (ids.has(c.id)) add([...p, 'id'], `duplicate check id "${c.id}" in this step`, 'give each check its own id');
        else ids.set(c.id, p);
      }
      c.all?.forEach((k, n) => walk(k, [...p, 'all', n]));
      c.any?.forEach((k, n) => walk(k, [...p, 'any', n]));
      if (c.not) walk(c.not, [...p, 'not']);
    };
    s.check.forEach((c, j) => walk(c, ['steps', i, 'check', j]));
    const refs = (c: CheckNode, p: PropertyKey[]) => {
      if (c.after !== undefined) {
        if (!ids.has(c.after))
          add(
            [...p, 'after'],
            `after: "${c.after}" does not name a check in this step`,
            'an `after:` names the `id` of another check in the same step',
          );
        else if (c.after === c.id) add([...p, 'after'], 'a check cannot come after itself', "name another check's id");
      }
      regexes(c, p);
      c.all?.forEach((k, n) => refs(k, [...p, 'all', n]));
      c.any?.forEach((k, n) => refs(k, [...p, 'any', n]));
      if (c.not) refs(c.not, [...p, 'not']);
    };
    s.check.forEach((c, j) => refs(c, ['steps', i, 'check', j]));
  });
  function badRegex(src: string): string | null {
    try {
      new RegExp(src);
      return null;
    } catch (e) {
      return (e as Error).message.replace(/^Invalid regular expression: /, '');
    }
  }
  function badPlace(place: string): string | null {
    try {
      parsePath(place);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }
  function places(c: CheckNode, p: PropertyKey[]) {
    const tries: Array<[string, PropertyKey[]]> = [
      ...(c.state?.expect ?? []).map((e, n) => [e.at, [...p, 'state', 'expect', n, 'at']] as [string, PropertyKey[]]),
      ...(c.request?.response ?? []).map(
        (e, n) => [e.at, [...p, 'request', 'response', n, 'at']] as [string, PropertyKey[]],
      ),
      ...(c.sql?.expect ?? []).map((e, n) => [e.at, [...p, 'sql', 'expect', n, 'at']] as [string, PropertyKey[]]),
    ];
    for (const [place, at] of tries) {
      const bad = badPlace(place);
      if (bad) add(at, bad, 'write places like data.data.key, $.data.keys[0] or rows[*].name');
    }
  }
  function regexes(c: CheckNode, p: PropertyKey[]) {
    places(c, p);
    const tries: Array<[string | undefined, PropertyKey[]]> = [
      [c.command?.matches, [...p, 'command', 'matches']],
      [c.file?.matches, [...p, 'file', 'matches']],
      ...(c.state?.expect ?? []).map(
        (e, n) => [e.matches, [...p, 'state', 'expect', n, 'matches']] as [string | undefined, PropertyKey[]],
      ),
      ...(c.request?.response ?? []).map(
        (e, n) => [e.matches, [...p, 'request', 'response', n, 'matches']] as [string | undefined, PropertyKey[]],
      ),
    ];
    for (const [src, at] of tries) {
      const bad = src === undefined ? null : badRegex(src);
      if (bad)
        add(at, `not a valid regular expression: ${bad}`, 'escape special characters such as ( [ { with a backslash');
    }
  }
  const usesSql = (c: CheckNode): boolean =>
    !!c.sql || [...(c.all ?? []), ...(c.any ?? []), ...(c.not ? [c.not] : [])].some(usesSql);
  lab.steps.forEach((s, i) =>
    s.check.forEach((c, j) => {
      if (usesSql(c) && !lab.needs.includes('postgres'))
        add(
          ['steps', i, 'check', j],
          'a sql check needs a database, and the lab does not ask for one',
          'add postgres to needs: (needs: [engine, postgres])',
        );
    }),
  );
  lab.setup.forEach((item, i) => {
    if (
      typeof item === 'object' &&
      'file' in item &&
      (item.file.content === undefined) === (item.file.from === undefined)
    ) {
      add(
        ['setup', i, 'file'],
        'a setup file needs exactly one of content or from',
        'write the text under content:, or name a file next to the lab with from:',
      );
    }
  });
  lab.quiz.forEach((q, i) => {
    const given = (['answer', 'pattern', 'from_state'] as const).filter((k) => q[k] !== undefined);
    if (given.length !== 1) {
      add(
        ['quiz', i],
        given.length
          ? `a question has exactly one of answer, pattern, from_state (found ${given.join(' and ')})`
          : 'the question has no answer',
        'give answer: (a choice index, a list of indexes, or a pattern), pattern:, or from_state:',
      );
      return;
    }
    const kind = questionKind(q);
    const n = q.choices?.length ?? 0;
    if (typeof q.answer === 'number' || Array.isArray(q.answer)) {
      if (!n) {
        add(['quiz', i, 'answer'], 'a numeric answer needs choices', 'add choices:, or give a pattern for free text');
        return;
      }
      const bad = (Array.isArray(q.answer) ? q.answer : [q.answer]).filter((a) => a >= n);
      if (bad.length)
        add(
          ['quiz', i, 'answer'],
          `answer ${bad.join(', ')} is not one of the ${n} choices (counting from 0)`,
          'answers count choices from 0',
        );
    }
    if (q.from_state && 'api' in q.from_state) {
      const bad = badPlace(q.from_state.api.at);
      if (bad)
        add(
          ['quiz', i, 'from_state', 'api', 'at'],
          bad,
          'write places like data.data.key, $.data.keys[0] or rows[*].name',
        );
    }
    if (kind === 'text') {
      const src = q.pattern ?? (q.answer as string);
      const bad = badRegex(src);
      if (bad)
        add(
          ['quiz', i, q.pattern !== undefined ? 'pattern' : 'answer'],
          `not a valid regular expression: ${bad}`,
          'escape special characters such as ( [ { with a backslash',
        );
      if (n)
        add(
          ['quiz', i, 'choices'],
          'a free-text question has no choices',
          'remove choices:, or make answer a choice index',
        );
    }
  });
  if (problems.length) throw new LabLoadError(problems);
  return { lab, pos: (p) => pos(p) };
}

/**
 * Parses lab YAML text.
 * @throws LabLoadError listing every problem found, with positions.
 */
export function parseLab(text: string, file: string): Lab {
  return parseLabFile(text, file).lab;
}

/** Loads one lab file. @throws LabLoadError */
export function loadLabFile(file: string, displayName = file): LoadedLab {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabLoadError([
      {
        file: displayName,
        line: 1,
        column: 1,
        message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        hint: 'check the path and its permissions',
      },
    ]);
  }
  const { lab, pos } = parseLabFile(text, displayName);
  const dir = path.dirname(file);
  const missing: LabProblem[] = [];
  lab.setup.forEach((item, i) => {
    if (
      typeof item === 'object' &&
      'file' in item &&
      item.file.from !== undefined &&
      !fs.existsSync(path.resolve(dir, item.file.from))
    ) {
      const at = pos(['setup', i, 'file', 'from']);
      missing.push({
        file: displayName,
        line: at.line,
        column: at.column,
        message: `setup[${i}].file.from: there is no ${item.file.from} next to the lab file`,
        hint: 'put the file beside the lab YAML, or give its text under content:',
      });
    }
  });
  if (missing.length) throw new LabLoadError(missing);
  return { lab, file, dir, display: displayName, pos, text };
}

/** Lab files in a directory (or the one file given), sorted by name; a course manifest is not a lab. */
export function labFiles(target: string): string[] {
  const st = fs.statSync(target);
  if (st.isFile()) return [target];
  return fs
    .readdirSync(target)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'course.yaml')
    .sort()
    .map((f) => path.join(target, f));
}

/** Loads every lab in a directory; problems are collected, not thrown. */
export function loadLabDir(dir: string): { labs: LoadedLab[]; errors: LabLoadError[] } {
  const labs: LoadedLab[] = [];
  const errors: LabLoadError[] = [];
  for (const f of labFiles(dir)) {
    try {
      labs.push(loadLabFile(f, path.relative(process.cwd(), f) || f));
    } catch (e) {
      if (e instanceof LabLoadError) errors.push(e);
      else throw e;
    }
  }
  const ids = new Map<string, string>();
  for (const l of labs) {
    const prev = ids.get(l.lab.id);
    if (prev)
      errors.push(
        new LabLoadError([
          {
            file: l.display ?? l.file,
            line: l.pos?.(['id']).line ?? 1,
            column: l.pos?.(['id']).column ?? 1,
            message: `id: lab id "${l.lab.id}" is already used by ${prev}`,
            hint: 'every lab in a course needs its own id',
          },
        ]),
      );
    else ids.set(l.lab.id, l.display ?? l.file);
  }
  const dup = new Set(
    errors.flatMap((e) => e.problems.filter((p) => p.message.includes('is already used by')).map((p) => p.file)),
  );
  const kept = labs.filter((l) => !dup.has(l.display ?? l.file));
  kept.sort((a, b) => a.lab.order - b.lab.order || a.lab.id.localeCompare(b.lab.id));
  return { labs: kept, errors };
}
