/**
 * A small HCL1 parser — enough of the language that Vault policies (and Vault's server
 * config) use: comments (#, //, /* *\/), `key = value`, `key "label" { … }` blocks,
 * strings with escapes, heredocs, numbers, booleans, lists and objects. The npm HCL
 * parsers are HCL2 and reject HCL1, hence this file. Errors carry line:column.
 */

export class HclError extends Error {
  constructor(
    readonly msg: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${msg} at line ${line}, column ${column}`);
  }
}

export interface Pos {
  line: number;
  column: number;
}
export type HclValue = string | number | boolean | HclValue[] | HclObject;
/** Items keep their order and duplicates (`path "a" {}` twice). */
export interface HclObject {
  kind: 'object';
  items: HclItem[];
  pos: Pos;
}
export interface HclItem {
  key: string;
  labels: string[];
  value: HclValue;
  pos: Pos;
}

type Tok =
  | { t: 'str' | 'ident' | 'num' | 'heredoc'; v: string; pos: Pos }
  | { t: 'punct'; v: string; pos: Pos }
  | { t: 'eof'; v: ''; pos: Pos };

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0,
    line = 1,
    col = 1;
  const adv = (n = 1) => {
    for (let k = 0; k < n; k++) {
      if (src[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < src.length) {
    const c = src[i];
    const pos = { line, column: col };
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      adv();
      continue;
    }
    if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') adv();
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      adv(2);
      while (i < src.length && !(src[i] === '*' && src[i + 1] === '/')) adv();
      if (i >= src.length) throw new HclError('unterminated comment', pos.line, pos.column);
      adv(2);
      continue;
    }
    if ('{}[]=,:'.includes(c)) {
      toks.push({ t: 'punct', v: c, pos });
      adv();
      continue;
    }
    if (c === '"') {
      adv();
      let out = '';
      for (;;) {
        if (i >= src.length || src[i] === '\n') throw new HclError('unterminated string', pos.line, pos.column);
        const ch = src[i];
        if (ch === '"') {
          adv();
          break;
        }
        if (ch === '\\') {
          const n = src[i + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
          if (n in map) {
            out += map[n];
            adv(2);
            continue;
          }
          if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
            out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
            adv(6);
            continue;
          }
          throw new HclError(`invalid escape sequence "\\${n ?? ''}"`, line, col);
        }
        // HCL1 allows ${…} interpolation text inside strings; keep it literally.
        out += ch;
        adv();
      }
      toks.push({ t: 'str', v: out, pos });
      continue;
    }
    if (c === '<' && src[i + 1] === '<') {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(src.slice(i));
      if (!m) throw new HclError('invalid heredoc', pos.line, pos.column);
      adv(m[0].length);
      const lines: string[] = [];
      for (;;) {
        if (i >= src.length) throw new HclError(`heredoc "${m[2]}" is not terminated`, pos.line, pos.column);
        const end = src.indexOf('\n', i);
        const ln = src.slice(i, end === -1 ? src.length : end).replace(/\r$/, '');
        adv((end === -1 ? src.length : end + 1) - i);
        if (ln.trim() === m[2]) break;
        lines.push(ln);
      }
      let text = lines;
      if (m[1]) {
        const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
        text = lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0));
      }
      toks.push({ t: 'heredoc', v: text.join('\n') + (text.length ? '\n' : ''), pos });
      continue;
    }
    if (/[0-9-]/.test(c)) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
      if (m) {
        toks.push({ t: 'num', v: m[0], pos });
        adv(m[0].length);
        continue;
      }
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(src.slice(i))!;
      toks.push({ t: 'ident', v: m[0], pos });
      adv(m[0].length);
      continue;
    }
    throw new HclError(`illegal character ${JSON.stringify(c)}`, pos.line, pos.column);
  }
  toks.push({ t: 'eof', v: '', pos: { line, column: col } });
  return toks;
}

/** Parses HCL1 text into an ordered object. @throws HclError with line and column. */
export function parseHcl(src: string): HclObject {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const next = () => toks[p++];
  const describe = (t: Tok) =>
    t.t === 'eof' ? 'end of file' : t.t === 'str' ? `string ${JSON.stringify(t.v)}` : `"${t.v}"`;
  const expect = (v: string) => {
    const t = next();
    if (t.t !== 'punct' || t.v !== v)
      throw new HclError(`expected "${v}" but found ${describe(t)}`, t.pos.line, t.pos.column);
    return t;
  };

  function parseObjectBody(end: 'eof' | '}', pos: Pos): HclObject {
    const items: HclItem[] = [];
    for (;;) {
      const t = peek();
      if (end === 'eof' && t.t === 'eof') break;
      if (end === '}' && t.t === 'punct' && t.v === '}') break;
      if (t.t === 'eof') throw new HclError('unexpected end of file: a "{" was not closed', t.pos.line, t.pos.column);
      if (t.t !== 'ident' && t.t !== 'str')
        throw new HclError(`expected a key but found ${describe(t)}`, t.pos.line, t.pos.column);
      next();
      const labels: string[] = [];
      while (peek().t === 'str' || peek().t === 'ident') labels.push(next().v);
      const n = peek();
      let value: HclValue;
      if (n.t === 'punct' && (n.v === '=' || n.v === ':')) {
        if (labels.length) throw new HclError(`unexpected ${describe(n)} after block labels`, n.pos.line, n.pos.column);
        next();
        value = parseValue();
      } else if (n.t === 'punct' && n.v === '{') {
        next();
        value = parseObjectBody('}', n.pos);
        expect('}');
      } else {
        throw new HclError(`expected "=" or "{" after key "${t.v}" but found ${describe(n)}`, n.pos.line, n.pos.column);
      }
      items.push({ key: t.v, labels, value, pos: t.pos });
      if (peek().t === 'punct' && peek().v === ',') next();
    }
    return { kind: 'object', items, pos };
  }

  function parseValue(): HclValue {
    const t = next();
    switch (t.t) {
      case 'str':
      case 'heredoc':
        return t.v;
      case 'num':
        return Number(t.v);
      case 'ident':
        if (t.v === 'true') return true;
        if (t.v === 'false') return false;
        throw new HclError(`unknown token ${describe(t)}: strings must be quoted`, t.pos.line, t.pos.column);
      case 'punct':
        if (t.v === '[') {
          const list: HclValue[] = [];
          for (;;) {
            const n = peek();
            if (n.t === 'punct' && n.v === ']') {
              next();
              break;
            }
            if (n.t === 'eof')
              throw new HclError('unexpected end of file: a "[" was not closed', t.pos.line, t.pos.column);
            list.push(parseValue());
            const a = peek();
            if (a.t === 'punct' && a.v === ',') {
              next();
              continue;
            }
            if (a.t === 'punct' && a.v === ']') {
              next();
              break;
            }
            throw new HclError(`expected "," or "]" in list but found ${describe(a)}`, a.pos.line, a.pos.column);
          }
          return list;
        }
        if (t.v === '{') {
          const o = parseObjectBody('}', t.pos);
          expect('}');
          return o;
        }
        throw new HclError(`unexpected ${describe(t)}`, t.pos.line, t.pos.column);
      default:
        throw new HclError('unexpected end of file', t.pos.line, t.pos.column);
    }
  }

  return parseObjectBody('eof', { line: 1, column: 1 });
}

/** Converts parsed JSON into the same item form, so one validator serves HCL and JSON. */
export function jsonToHcl(v: unknown, pos: Pos = { line: 1, column: 1 }): HclValue {
  if (Array.isArray(v)) return v.map((x) => jsonToHcl(x, pos));
  if (v && typeof v === 'object') {
    return {
      kind: 'object',
      pos,
      items: Object.entries(v).map(([k, x]) => ({ key: k, labels: [], value: jsonToHcl(x, pos), pos })),
    };
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return '';
}

export const isObject = (v: HclValue): v is HclObject =>
  typeof v === 'object' && !Array.isArray(v) && (v as HclObject).kind === 'object';
