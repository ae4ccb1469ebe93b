/**
 * Output the way HashiCorp's CLI prints it: Key/Value tables joined by four spaces,
 * Go-style values (`n/a`, `<nil>`, `[a b]`, `map[k:v]`), humanised TTLs, banners,
 * and JSON / YAML of the whole response. Pure functions: no I/O here.
 */

import { toGoYaml } from './yaml.js';

/** Go's fmt %v rendering of a JSON value, as the CLI tables show it. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object).sort();
    return `map[${keys.map((k) => `${k}:${goValue((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return String(v);
}

const DURATION_KEY = /((^|_)(ttl|period|duration)|^lease_max|^ttl_max)$/;

/** Humanised Go duration for TTL-like keys (`768h`, `1h30m`, `45s`, `0s`). */
export function humanSeconds(sec: number): string {
  if (!Number.isFinite(sec)) return String(sec);
  if (sec === 0) return '0s';
  let s = Math.abs(Math.trunc(sec));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out = '';
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s || !out) out += `${s}s`;
  return (sec < 0 ? '-' : '') + out;
}

/** A table cell: `n/a` for empty strings, durations humanised for TTL-like keys. */
export function cell(key: string, v: unknown): string {
  if (v === '') return 'n/a';
  // Go humanises only numbers (json.Number) under TTL-like keys; strings print as they are.
  if (DURATION_KEY.test(key) && typeof v === 'number') return humanSeconds(v);
  return goValue(v);
}

/** Columns padded to the widest cell and joined by four spaces. */
export function columns(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      if (i < r.length - 1) widths[i] = Math.max(widths[i] ?? 0, [...c].length);
    });
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i < r.length - 1 ? c + ' '.repeat(widths[i] - [...c].length) : c))
          .join('    ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** A Key/Value table of rows already in order. */
export function kvTable(rows: Array<[string, string]>, headers: [string, string] = ['Key', 'Value']): string {
  return columns([headers, headers.map((h) => '-'.repeat(h.length)), ...rows]);
}

/** A Key/Value table of a map, keys sorted, values rendered Go-style. */
export function mapTable(data: Record<string, unknown>): string {
  return kvTable(
    Object.keys(data)
      .sort()
      .map((k) => [k, cell(k, data[k])]),
  );
}

/** `==== Title ====` padded to the given total width, Vault's way. */
export function banner(title: string, totalLen: number): string {
  let eq = totalLen - (title.length + 2);
  if (eq <= 0) eq = 4;
  if (eq % 2 !== 0) eq += 1;
  return `${'='.repeat(eq / 2)} ${title} ${'='.repeat(eq / 2)}`;
}

export function maxKeyLen(d: Record<string, unknown>): number {
  return Math.max(0, ...Object.keys(d).map((k) => k.length));
}

/** YAML of a JSON value as Vault's `-format=yaml` writes it (ghodss/yaml over go-yaml v2: see yaml.ts). */
export function toYaml(v: unknown): string {
  return toGoYaml(v);
}

/** Go's json.MarshalIndent with two spaces and HTML-safe escaping off. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

/** A headed table like Vault's `tableOutput`: dashes under each header, empty cells as `n/a`. */
export function columnsOf(headers: string[], rows: string[][]): string {
  return columns([
    headers,
    headers.map((h) => '-'.repeat(h.length)),
    ...rows.map((r) => r.map((c) => (c === '' ? 'n/a' : c))),
  ]);
}

/** Go marshals maps with sorted keys: the same value with every object's keys sorted. */
export function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sortDeep(o[k])]),
    );
  }
  return v;
}

const AUTH_ORDER = [
  'client_token',
  'accessor',
  'policies',
  'token_policies',
  'identity_policies',
  'metadata',
  'orphan',
  'entity_id',
  'lease_duration',
  'renewable',
  'mfa_requirement',
];
const WRAP_ORDER = ['token', 'accessor', 'ttl', 'creation_time', 'creation_path', 'wrapped_accessor'];

function ordered(o: Record<string, unknown>, order: string[], omitEmpty: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in o && !(omitEmpty.includes(k) && !o[k])) out[k] = sortDeep(o[k]);
  return out;
}

/**
 * A response as the Go client's `api.Secret` marshals it: its field order, `data`
 * maps sorted, `auth` and `wrap_info` left out when empty, `mount_type` when blank.
 */
export function secretShape(resp: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    request_id: resp.request_id ?? '',
    lease_id: resp.lease_id ?? '',
    lease_duration: resp.lease_duration ?? 0,
    renewable: resp.renewable ?? false,
    data: sortDeep(resp.data ?? null),
    warnings: resp.warnings ?? null,
  };
  if (resp.auth) out.auth = ordered(resp.auth as Record<string, unknown>, AUTH_ORDER);
  if (resp.wrap_info)
    out.wrap_info = ordered(resp.wrap_info as Record<string, unknown>, WRAP_ORDER, ['wrapped_accessor']);
  if (resp.mount_type) out.mount_type = resp.mount_type;
  return out;
}

/** Word-wraps at Vault's 78 columns with a left padding (the CLI's `wrapAtLengthWithPadding`). */
export function wrapAtLength(text: string, pad = 0, width = 78): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width - pad) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.map((l) => ' '.repeat(pad) + l).join('\n');
}
