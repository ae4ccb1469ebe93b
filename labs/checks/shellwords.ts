/**
 * A small reader of shell lines, enough to judge a typed command by meaning: words with
 * quotes and escapes, `;` `&&` `||` `&` and newlines between commands, `|` between the
 * stages of a pipeline, redirections and here-documents skipped, and command
 * substitutions — `$(…)` and backticks — read recursively as commands of their own
 * (`export T=$(vault token create -field=token)` contains `vault token create`).
 * It never expands anything: `$VAR` stays as typed.
 */

/** One simple command: leading `NAME=value` assignments and wrappers (`env`, `command`, `time`, `exec`) removed. */
export interface SimpleCommand {
  /** The program's base name (`/usr/bin/vault` reads `vault`). */
  program: string;
  /** The words after the program. */
  args: string[];
}

/** The stages of one pipeline, in order. */
export type Pipeline = SimpleCommand[];

interface Raw {
  words: string[];
}

const WRAPPERS = new Set(['env', 'command', 'time', 'exec']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Index of the `)` closing a `$(` whose body starts at `i`, or -1. */
function closeParen(s: string, i: number): number {
  let depth = 1;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === "'") {
      const e = s.indexOf("'", i + 1);
      if (e < 0) return -1;
      i = e;
    } else if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Reads a line into pipelines. Pipelines found inside command substitutions come first
 * (the shell runs them first), then the line's own.
 */
export function parseShell(line: string): Pipeline[] {
  const inner: Pipeline[] = [];
  const pipelines: Raw[][] = [[]];
  let cmd: Raw = { words: [] };
  let word: string | null = null;
  let skipNext = false; // the next word is a redirection's target
  const heredocs: string[] = [];
  const endWord = () => {
    if (word === null) return;
    if (skipNext) skipNext = false;
    else cmd.words.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (cmd.words.length) pipelines[pipelines.length - 1].push(cmd);
    cmd = { words: [] };
  };
  const endPipeline = () => {
    endCommand();
    if (pipelines[pipelines.length - 1].length) pipelines.push([]);
  };
  const substitution = (body: string) => {
    inner.push(...parseShell(body));
  };
  const s = line;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      if (s[i + 1] === '\n') i++;
      else {
        word = (word ?? '') + (s[i + 1] ?? '');
        i++;
      }
    } else if (c === "'") {
      const e = s.indexOf("'", i + 1);
      const end = e < 0 ? s.length : e;
      word = (word ?? '') + s.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let w: string = word ?? '';
      for (i++; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && '$`"\\\n'.includes(s[i + 1] ?? '')) {
          if (s[i + 1] !== '\n') w += s[i + 1];
          i++;
        } else if (s[i] === '$' && s[i + 1] === '(') {
          const e = closeParen(s, i + 2);
          const end = e < 0 ? s.length : e;
          substitution(s.slice(i + 2, end));
          w += s.slice(i, end + 1);
          i = end;
        } else if (s[i] === '`') {
          const e = s.indexOf('`', i + 1);
          const end = e < 0 ? s.length : e;
          substitution(s.slice(i + 1, end));
          w += s.slice(i, end + 1);
          i = end;
        } else w += s[i];
      }
      word = w;
    } else if (c === '$' && s[i + 1] === '(') {
      const e = closeParen(s, i + 2);
      const end = e < 0 ? s.length : e;
      substitution(s.slice(i + 2, end));
      word = (word ?? '') + s.slice(i, end + 1);
      i = end;
    } else if (c === '`') {
      const e = s.indexOf('`', i + 1);
      const end = e < 0 ? s.length : e;
      substitution(s.slice(i + 1, end));
      word = (word ?? '') + s.slice(i, end + 1);
      i = end;
    } else if (c === '#' && word === null) {
      while (i + 1 < s.length && s[i + 1] !== '\n') i++;
    } else if (c === '\n') {
      endPipeline();
      // Here-document bodies follow the line that opened them.
      for (const delim of heredocs.splice(0)) {
        let j = i + 1;
        for (;;) {
          const nl = s.indexOf('\n', j);
          const text = s.slice(j, nl < 0 ? s.length : nl);
          j = nl < 0 ? s.length : nl + 1;
          if (text.replace(/^\t+/, '') === delim || nl < 0) break;
        }
        i = j - 1;
      }
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '|' && s[i + 1] !== '|') {
      endCommand();
      if (s[i + 1] === '&') i++;
    } else if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '{' || c === '}') {
      if ((c === '{' || c === '}') && (word !== null || !/[\s;]|$/.test(s[i + 1] ?? ''))) {
        word = (word ?? '') + c;
        continue;
      }
      if (c === '&' && s[i + 1] === '>') {
        endWord();
        i += s[i + 2] === '>' ? 2 : 1;
        skipNext = true;
        continue;
      }
      endPipeline();
      if ((c === '&' && s[i + 1] === '&') || (c === '|' && s[i + 1] === '|') || (c === ';' && s[i + 1] === ';')) i++;
    } else if (c === '>' || c === '<') {
      // A redirection: `2>&1`, `>file`, `>> file`, `< in`, `<<EOF` (here-document), `<<<word`.
      if (word !== null && /^\d+$/.test(word)) word = null;
      endWord();
      if (c === '<' && s[i + 1] === '<' && s[i + 2] !== '<') {
        i += s[i + 2] === '-' ? 2 : 1;
        const m = /^\s*(['"]?)([^\s'";|&<>]+)\1/.exec(s.slice(i + 1));
        if (m) {
          heredocs.push(m[2]);
          i += m[0].length;
        }
        continue;
      }
      while (s[i + 1] === '>' || s[i + 1] === '<' || s[i + 1] === '|') i++;
      if (s[i + 1] === '&') {
        i++;
        const m = /^[\d-]+/.exec(s.slice(i + 1));
        if (m) i += m[0].length;
        continue;
      }
      skipNext = true;
    } else {
      word = (word ?? '') + c;
    }
  }
  endPipeline();
  const own = pipelines
    .filter((p) => p.length)
    .map((p) => p.map(simplify).filter((x): x is SimpleCommand => x !== undefined));
  return [...inner, ...own.filter((p) => p.length)];
}

/** Drops assignments and wrappers; the program by its base name. */
function simplify(raw: Raw): SimpleCommand | undefined {
  const w = [...raw.words];
  for (;;) {
    while (w.length && ASSIGNMENT.test(w[0])) w.shift();
    if (!w.length) return undefined;
    const base = w[0].split('/').pop()!;
    if (!WRAPPERS.has(base)) break;
    w.shift();
    // The wrapper's own options (`env -i`, `env -u NAME`, `command -p`, `time -p`).
    while (w.length && w[0].startsWith('-')) {
      const opt = w.shift()!;
      if (base === 'env' && (opt === '-u' || opt === '--unset' || opt === '-C' || opt === '--chdir')) w.shift();
    }
  }
  return { program: w[0].split('/').pop()!, args: w.slice(1) };
}
