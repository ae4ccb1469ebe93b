/**
 * SQL statement templates: how Vault accepts them (a JSON array, one `;`-separated
 * string, or base64 of either), how they split, and how placeholders are filled.
 *
 * Filling is context-aware so that no value can change the shape of a statement:
 * inside "…" a value has its `"` doubled, inside '…' its `'` doubled, and a bare
 * placeholder becomes a complete quoted identifier. Names with quotes, semicolons,
 * newlines or any unicode stay inside the literal or identifier they were put in.
 */

/** Quotes a PostgreSQL identifier. */
export const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** Quotes a PostgreSQL string literal (standard_conforming_strings is on since 9.1). */
export const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Vault's statement field: an array of strings, a JSON array in a string, base64 of either,
 * or one string. Returns the list as given (each element may hold several statements).
 */
export function parseStatementsField(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v.map(String).flatMap((s) => parseStatementsField(s));
  if (typeof v !== 'string') return [String(v)];
  let s = v.trim();
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(s) && s.length % 4 === 0 && s.length >= 8) {
    const decoded = Buffer.from(s, 'base64').toString('utf8');
    // Only believe the decoding when it reads as text (a bare word could be "valid base64").
    if (/^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]+$/.test(decoded) && /[\s;"'[]/.test(decoded)) s = decoded.trim();
  }
  if (s.startsWith('[')) {
    try {
      const arr = JSON.parse(s);
      if (Array.isArray(arr)) return arr.map(String);
    } catch {
      /* a statement that starts with "[" */
    }
  }
  return [s];
}

/**
 * Splits one element into statements on `;` outside quotes, comments and `$…$` bodies.
 * An element with a dollar-quoted body runs whole, as Vault does.
 */
export function splitStatements(el: string): string[] {
  if (/\$[A-Za-z_]*\$/.test(el)) return el.trim() ? [el.trim()] : [];
  const out: string[] = [];
  let cur = '';
  let q: '"' | "'" | null = null;
  for (let i = 0; i < el.length; i++) {
    const ch = el[i];
    if (q) {
      cur += ch;
      if (ch === q) q = null;
      continue;
    }
    if (ch === '"' || ch === "'") {
      q = ch;
      cur += ch;
      continue;
    }
    if (ch === '-' && el[i + 1] === '-') {
      const nl = el.indexOf('\n', i);
      const end = nl === -1 ? el.length : nl;
      cur += el.slice(i, end);
      i = end - 1;
      continue;
    }
    if (ch === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** All statements of a field, split and in order. */
export function statementList(v: unknown): string[] {
  return parseStatementsField(v).flatMap(splitStatements);
}

/**
 * Fills `{{name}}` (= `{{username}}`), `{{password}}`, `{{expiration}}` and any other
 * given key, escaping each value for the quoting context it lands in.
 * @throws Error for a placeholder with no value.
 */
export function renderStatement(tpl: string, values: Record<string, string>): string {
  let out = '';
  let q: '"' | "'" | null = null;
  let escapeString = false; // inside E'…', where a backslash escapes
  let i = 0;
  while (i < tpl.length) {
    if (tpl.startsWith('{{', i)) {
      const end = tpl.indexOf('}}', i + 2);
      if (end !== -1) {
        const key = tpl.slice(i + 2, end).trim();
        const val = key === 'username' && values.username === undefined ? values.name : values[key];
        if (val === undefined) throw new Error(`statement uses {{${key}}}, which has no value here`);
        out +=
          q === '"'
            ? val.replace(/"/g, '""')
            : q === "'"
              ? (escapeString ? val.replace(/\\/g, '\\\\') : val).replace(/'/g, "''")
              : quoteIdent(val);
        i = end + 2;
        continue;
      }
    }
    const ch = tpl[i];
    if (q) {
      if (ch === q) q = null;
    } else if (ch === '"' || ch === "'") {
      q = ch;
      escapeString = ch === "'" && /[eE]$/.test(out) && !/[A-Za-z0-9_][eE]$/.test(out);
    }
    out += ch;
    i++;
  }
  return out;
}

/** Go's `2006-01-02 15:04:05-0700` layout, in UTC, as Vault passes `{{expiration}}`. */
export function pgExpiration(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}+0000`;
}
