/**
 * JSONPath-like places in JSON for expectations: `data.data.db_user`, `$.data.keys[0]`,
 * `rows[*].rolname`, `data["a.b"]`. `[*]` fans out over a list (or a mapping's values).
 */
import type { z } from 'zod';
import type { Expectation } from '../format/schema.js';

type Exp = z.infer<typeof Expectation>;
type Seg = { key: string } | { index: number } | { star: true };

export function parsePath(path: string): Seg[] {
  const segs: Seg[] = [];
  let s = path.trim().replace(/^\$\.?/, '');
  while (s.length) {
    let m: RegExpExecArray | null;
    if ((m = /^\[(\d+)\]/.exec(s))) segs.push({ index: Number(m[1]) });
    else if ((m = /^\[\*\]/.exec(s)) || (m = /^\*(?=\.|\[|$)/.exec(s))) segs.push({ star: true });
    else if ((m = /^\[(["'])(.*?)\1\]/.exec(s))) segs.push({ key: m[2] });
    else if ((m = /^\.+/.exec(s))) {
      s = s.slice(m[0].length);
      continue;
    } else if ((m = /^[^.[\]]+/.exec(s))) segs.push(/^\d+$/.test(m[0]) ? { index: Number(m[0]) } : { key: m[0] });
    else throw new Error(`cannot read the place "${path}"`);
    s = s.slice(m[0].length);
  }
  return segs;
}

/** The value at a place; with `[*]`, a list of every value found. */
export function select(obj: unknown, path: string): { found: boolean; value: unknown } {
  let cur: unknown[] = [obj];
  let fanned = false;
  for (const seg of parsePath(path)) {
    const next: unknown[] = [];
    for (const c of cur) {
      if ('star' in seg) {
        if (Array.isArray(c)) next.push(...c);
        else if (c && typeof c === 'object') next.push(...Object.values(c));
      } else if ('index' in seg) {
        if (Array.isArray(c) && seg.index < c.length) next.push(c[seg.index]);
        else if (c && typeof c === 'object' && String(seg.index) in c)
          next.push((c as Record<string, unknown>)[String(seg.index)]);
      } else if (c && typeof c === 'object' && !Array.isArray(c) && Object.hasOwn(c, seg.key)) {
        next.push((c as Record<string, unknown>)[seg.key]);
      }
    }
    if ('star' in seg) fanned = true;
    cur = next;
    if (!cur.length) return { found: false, value: undefined };
  }
  return { found: true, value: fanned ? cur : cur[0] };
}

const show = (v: unknown) => JSON.stringify(v) ?? 'nothing';
const same = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b) || (a !== null && typeof a !== 'object' && String(a) === String(b));

/** Checks one expectation; returns what is wrong, or null when it holds. */
export function expectation(body: unknown, e: Exp): string | null {
  const { found, value } = select(body, e.at);
  if (e.exists === false) return found ? `${e.at} should not exist` : null;
  if (!found) return `${e.at} is not there yet`;
  if (e.equals !== undefined && !same(value, e.equals)) return `${e.at} is ${show(value)}, expected ${show(e.equals)}`;
  if (e.contains !== undefined) {
    const ok = Array.isArray(value)
      ? value.some((x) => same(x, e.contains))
      : typeof value === 'string'
        ? value.includes(String(e.contains))
        : value && typeof value === 'object'
          ? String(e.contains) in value
          : false;
    if (!ok) return `${e.at} (${show(value)}) does not contain ${show(e.contains)}`;
  }
  if (e.matches !== undefined && !new RegExp(e.matches).test(typeof value === 'string' ? value : JSON.stringify(value)))
    return `${e.at} (${show(value)}) does not match /${e.matches}/`;
  if (e.length !== undefined) {
    const n =
      Array.isArray(value) || typeof value === 'string'
        ? value.length
        : value && typeof value === 'object'
          ? Object.keys(value).length
          : -1;
    if (n !== e.length) return `${e.at} has ${n < 0 ? 'no' : n} item(s), expected ${e.length}`;
  }
  return null;
}
