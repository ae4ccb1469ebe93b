/**
 * YAML as HashiCorp's `vault … -format=yaml` writes it. Vault marshals with ghodss/yaml: the
 * value goes to JSON, is read back by go-yaml v2 and written by go-yaml v2's emitter (a port of
 * libyaml). What that means, and what this module reproduces for JSON values:
 * - block style, two-space indent; a sequence under a key is written at the key's own column
 *   (`policies:\n- default`); an empty map or list is `{}` / `[]`;
 * - keys sorted as go-yaml sorts them (letters after other characters, digit runs by value);
 * - a string is plain unless it would read back as something else (null, a bool like `yes`,
 *   a number, a timestamp, `1:30`), which is double-quoted; plain that the emitter cannot write
 *   (`- x`, `a: b`, a leading space …) is single-quoted; text with characters YAML cannot print
 *   (control characters, tabs, characters outside the BMP) is double-quoted with escapes;
 *   multi-line text is a literal block (`|`, `|-`, `|+`);
 * - lines of plain and quoted scalars fold at a space once past column 80, as libyaml does;
 * - floats as Go's strconv 'g' (1e+06), integers in full.
 * Pure functions: no I/O.
 */

const BEST_WIDTH = 80;

const isSpace = (c: string | undefined) => c === ' ';
const isBreak = (c: string | undefined) =>
  c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';

/** libyaml's is_printable, as go-yaml v2 has it (it leaves out everything past the BMP). */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

// ---- what a plain string would read back as (go-yaml v2's resolve) ----

const RESOLVED_WORDS = new Set(
  [
    'y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF',
    '~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF',
  ]
    .join(' ')
    .split(' '),
);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function goParseInt(s: string): boolean {
  // strconv.ParseInt/ParseUint with base 0: sign, 0x / 0o / 0b prefixes, a leading 0 for octal.
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/.exec(s);
  if (!m) return false;
  let body = m[2];
  let radix = 10;
  if (/^0[xX]/.test(body)) [body, radix] = [body.slice(2), 16];
  else if (/^0[bB]/.test(body)) [body, radix] = [body.slice(2), 2];
  else if (/^0[oO]/.test(body)) [body, radix] = [body.slice(2), 8];
  else if (body.length > 1 && body[0] === '0') [body, radix] = [body.slice(1), 8];
  let n = 0n;
  for (const ch of body) n = n * BigInt(radix) + BigInt(Number.parseInt(ch, radix));
  if (m[1] === '-') return n <= 2n ** 63n;
  return n < 2n ** 64n; // int64, else uint64
}

function validDate(y: string, mo: string, d: string): boolean {
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  return day <= days;
}

/** go-yaml v2's parseTimestamp: the four layouts it accepts for a plain scalar. */
function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(s);
  if (!m) return false;
  if (!validDate(m[1], m[2], m[3])) return false;
  if (m[5] === undefined) return true;
  if (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59) return false;
  // "T" needs a zone; " " must have none.
  return m[4] === ' ' ? m[9] === undefined : m[9] !== undefined;
}

/** True when a plain scalar with this text would read back as a string. */
function resolvesToString(s: string): boolean {
  if (s === '') return false;
  if (RESOLVED_WORDS.has(s)) return false;
  const c = s[0];
  if (c === '.') return !/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (isTimestamp(s)) return false;
    const plain = s.replace(/_/g, '');
    if (goParseInt(plain) || YAML_FLOAT.test(plain)) return false;
    if (/^-?0b[01]+$/.test(plain)) return false;
  }
  return true;
}

// ---- the emitter's analysis of a scalar (libyaml's yaml_emitter_analyze_scalar) ----

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function analyze(chars: string[]): Analysis {
  if (!chars.length) return { multiline: false, blockPlain: false, singleQuoted: true, block: false };
  let blockIndicators = false;
  let special = false;
  let lineBreaks = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  const head = chars.slice(0, 3).join('');
  if (head === '---' || head === '...') blockIndicators = true;
  let precededByWhitespace = true;
  chars.forEach((c, i) => {
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t' || isBreak(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) blockIndicators = true;
    } else if (c === ':' && followedByWhitespace) blockIndicators = true;
    else if (c === '#' && precededByWhitespace) blockIndicators = true;
    if (!isPrintable(c)) special = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWhitespace = c === ' ' || c === '\t' || isBreak(c) || c === '\0';
  });
  let blockPlain = true;
  let singleQuoted = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) blockPlain = singleQuoted = false;
  if (spaceBreak || special) blockPlain = singleQuoted = block = false;
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, singleQuoted, block };
}

// ---- writing scalars; `col` is the column of the scalar's first character ----

type Style = 'plain' | 'single' | 'double' | 'literal';

function styleOf(s: string, chars: string[], key: boolean): Style {
  const a = analyze(chars);
  let style: Style =
    s.includes('\n') && !key ? 'literal' : resolvesToString(s) && !BASE60_FLOAT.test(s) ? 'plain' : 'double';
  if (style === 'plain') {
    if ((key && a.multiline) || !a.blockPlain) style = 'single';
  }
  if (style === 'single' && (!a.singleQuoted || (key && a.multiline))) style = 'double';
  if (style === 'literal' && !a.block) style = 'double';
  return style;
}

const ESCAPES: Record<number, string> = {
  0: '0',
  7: 'a',
  8: 'b',
  9: 't',
  10: 'n',
  11: 'v',
  12: 'f',
  13: 'r',
  27: 'e',
  34: '"',
  92: '\\',
  133: 'N',
  160: '_',
  8232: 'L',
  8233: 'P',
};

function escapeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  if (ESCAPES[cp] !== undefined) return `\\${ESCAPES[cp]}`;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/** A scalar in one of the flow styles, folded at spaces past column 80 when `breaks` allows. */
function writeFlow(
  chars: string[],
  style: 'plain' | 'single' | 'double',
  col: number,
  indent: number,
  breaks: boolean,
) {
  let out = '';
  let column = col;
  const put = (t: string, width = t.length) => {
    out += t;
    column += width;
  };
  const newline = () => {
    out += `\n${' '.repeat(indent)}`;
    column = indent;
  };
  if (style !== 'plain') put(style === 'single' ? "'" : '"');
  let spaces = false;
  chars.forEach((c, i) => {
    const last = i === chars.length - 1;
    if (style === 'double' && (!isPrintable(c) || c === '\ufeff' || isBreak(c) || c === '"' || c === '\\')) {
      put(escapeChar(c));
      spaces = false;
    } else if (isSpace(c)) {
      const fold =
        breaks &&
        !spaces &&
        column > BEST_WIDTH &&
        (style === 'plain' ? !isSpace(chars[i + 1]) : i > 0 && !last && (style === 'double' || !isSpace(chars[i + 1])));
      if (fold) {
        newline();
        if (style === 'double' && isSpace(chars[i + 1])) put('\\');
      } else put(c, 1);
      spaces = true;
    } else {
      if (style === 'single' && c === "'") put("'");
      put(c, 1);
      spaces = false;
    }
  });
  if (style !== 'plain') put(style === 'single' ? "'" : '"');
  return out;
}

/** A literal block: `|` with its hints, then every line at `indent`. */
function writeLiteral(chars: string[], indent: number): string {
  let hints = '';
  if (isSpace(chars[0]) || isBreak(chars[0])) hints += '2';
  const n = chars.length;
  if (!isBreak(chars[n - 1])) hints += '-';
  else if (n === 1 || isBreak(chars[n - 2])) hints += '+';
  let out = `|${hints}\n`;
  let atLineStart = true;
  for (const c of chars) {
    if (isBreak(c)) {
      out += '\n';
      atLineStart = true;
    } else {
      if (atLineStart) out += ' '.repeat(indent);
      out += c;
      atLineStart = false;
    }
  }
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

function writeString(s: string, col: number, indent: number, key: boolean): string {
  const chars = Array.from(s);
  const style = styleOf(s, chars, key);
  return style === 'literal' ? writeLiteral(chars, indent) : writeFlow(chars, style, col, indent, !key);
}

/** strconv.FormatFloat(f, 'g', -1, 64). */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, e] = f.toExponential().split('e');
  const exp = Number(e);
  // Shortest digits; the exponent form below 1e-4 and from 1e6 on (Go decides with precision 6).
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(f);
}

function scalarText(v: unknown, col: number, indent: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 64) return BigInt(v).toString();
    return goFloat(v);
  }
  if (typeof v === 'bigint') return v.toString();
  return writeString(String(v), col, indent, false);
}

// ---- keys, in go-yaml v2's order ----

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** go-yaml v2's keyList.Less for two string keys. */
export function goKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
  }
  return ar.length < br.length;
}

const sortKeys = (keys: string[]) => keys.sort((x, y) => (goKeyLess(x, y) ? -1 : goKeyLess(y, x) ? 1 : 0));

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isEmptyCollection = (v: unknown) =>
  Array.isArray(v) ? v.length === 0 : isObject(v) ? Object.keys(v).length === 0 : false;

/**
 * A node written after something on the current line (`key:` or `-`), which ends at column `col`.
 * `indent` is the column of that key or dash; the node's own lines go below it.
 */
function inline(v: unknown, col: number, indent: number, parentIsMap: boolean): string {
  if (isEmptyCollection(v)) return ` ${Array.isArray(v) ? '[]' : '{}'}`;
  if (Array.isArray(v)) {
    // In a map: the dashes at the key's column. In a list: `- - x`.
    return parentIsMap ? `\n${seq(v, indent)}` : ` ${seq(v, indent + 2).trimStart()}`;
  }
  if (isObject(v)) return parentIsMap ? `\n${map(v, indent + 2)}` : ` ${map(v, indent + 2).trimStart()}`;
  return ` ${scalarText(v, col + 1, indent + 2)}`;
}

/** A block map, its keys at column `indent`; lines joined, no newline at the end. */
function map(v: Record<string, unknown>, indent: number): string {
  const pad = ' '.repeat(indent);
  return sortKeys(Object.keys(v))
    .map((k) => {
      const key = writeString(k, indent, indent, true);
      const head = `${pad}${key}:`;
      const col = head.length - head.lastIndexOf('\n') - 1;
      return `${head}${inline(v[k], col, indent, true)}`;
    })
    .join('\n');
}

/** A block sequence, its dashes at column `indent`; lines joined, no newline at the end. */
function seq(v: unknown[], indent: number): string {
  const pad = ' '.repeat(indent);
  return v.map((x) => `${pad}-${inline(x, indent + 1, indent, false)}`).join('\n');
}

/** YAML of a JSON value as `vault … -format=yaml` prints it (ending with one newline). */
export function toGoYaml(v: unknown): string {
  let text: string;
  if (isEmptyCollection(v)) text = Array.isArray(v) ? '[]' : '{}';
  else if (Array.isArray(v)) text = seq(v, 0);
  else if (isObject(v)) text = map(v, 0);
  else text = scalarText(v, 0, 2);
  // Vault prints strings.TrimSpace of the document.
  return `${text.trim()}\n`;
}
