/**
 * `request` (edge): did the engine see a matching request since the step began? Judged
 * on audit events, so any client counts. When none matches, the nearest event explains
 * what differs: the path (KV v2 `data/`), the operation, the status and which policy
 * decided a denial, the identity (root where a limited token was asked for).
 */
import type { AuditEvent } from '../../engine/index.js';
import type { Evaluator } from './types.js';
import { expectation } from './jsonpath.js';
import { denialReason, pathAdvice } from './near.js';
import type { RequestCheck } from '../format/schema.js';
import type { z } from 'zod';

type Spec = z.infer<typeof RequestCheck>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const compiled = new Map<string, RegExp>();

/** Path glob: `*` within a segment, `**` across segments; trailing slashes ignored. Compiled once per glob. */
export function globToRegex(glob: string): RegExp {
  const hit = compiled.get(glob);
  if (hit) return hit;
  const re = compileGlob(glob);
  if (compiled.size < 1000) compiled.set(glob, re);
  return re;
}

function compileGlob(glob: string): RegExp {
  const g = glob.replace(/^\/+/, '').replace(/\/+$/, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}/?$`);
}

interface Diff {
  field:
    | 'path'
    | 'operation'
    | 'status'
    | 'identity'
    | 'token_type'
    | 'display_name'
    | 'auth_mount'
    | 'error'
    | 'response';
  text: string;
}

function differences(spec: Spec, e: AuditEvent): Diff[] {
  const diffs: Diff[] = [];
  const path = e.request.path;
  if (!globToRegex(spec.path).test(path)) {
    const advice = pathAdvice(spec.path, path);
    diffs.push({ field: 'path', text: `went to ${path}, not ${spec.path}${advice ? ` — ${advice}` : ''}` });
  }
  const ops = list(spec.operation);
  if (ops.length && !ops.includes(e.request.operation as never))
    diffs.push({ field: 'operation', text: `was a ${e.request.operation}, the step wants ${ops.join(' or ')}` });
  const statuses = list(spec.status);
  if (statuses.length && !statuses.includes(e.status ?? 0)) {
    const why = e.status === 403 ? ` (${denialReason(e) || 'permission denied'})` : e.error ? ` (${e.error})` : '';
    diffs.push({ field: 'status', text: `was answered ${e.status}${why}, the step wants ${statuses.join(' or ')}` });
  }
  const pol = e.auth?.policies ?? [];
  const inc = list(spec.policies?.includes);
  const exc = list(spec.policies?.excludes);
  const missing = inc.filter((p) => !pol.includes(p));
  const forbidden = exc.filter((p) => pol.includes(p));
  if (missing.length || forbidden.length) {
    const who = pol.includes('root')
      ? 'the root token'
      : pol.length
        ? `a token with policies [${pol.join(', ')}]`
        : 'no token';
    const want = [inc.length ? `with ${inc.join(', ')}` : '', exc.length ? `without ${exc.join(', ')}` : '']
      .filter(Boolean)
      .join(' and ');
    diffs.push({
      field: 'identity',
      text: `used ${who}; the step wants a token ${want}${pol.includes('root') ? ' — switch VAULT_TOKEN (or pass it for that one command)' : ''}`,
    });
  }
  if (spec.token_type && e.auth?.token_type !== spec.token_type)
    diffs.push({
      field: 'token_type',
      text: `used a ${e.auth?.token_type || 'missing'} token, the step wants a ${spec.token_type} token`,
    });
  if (spec.display_name && e.auth?.display_name !== spec.display_name)
    diffs.push({
      field: 'display_name',
      text: `came from ${e.auth?.display_name || 'nobody'}, the step wants ${spec.display_name}`,
    });
  if (spec.auth_mount) {
    const prefix = spec.auth_mount
      .replace(/^auth\//, '')
      .replace(/\/$/, '')
      .replace(/\//g, '-');
    const dn = e.auth?.display_name ?? '';
    if (dn !== prefix && !dn.startsWith(`${prefix}-`))
      diffs.push({
        field: 'auth_mount',
        text: `used a token from ${dn || 'nowhere'}, the step wants one issued by auth/${prefix}`,
      });
  }
  if (spec.error !== undefined && !new RegExp(spec.error).test(e.error ?? ''))
    diffs.push({
      field: 'error',
      text: e.error
        ? `was refused with "${e.error}", the step wants an error matching /${spec.error}/`
        : `succeeded, the step wants an error matching /${spec.error}/`,
    });
  for (const exp of spec.response ?? []) {
    const bad = expectation(e.response ?? {}, exp);
    if (bad) diffs.push({ field: 'response', text: `answered with ${bad}` });
  }
  return diffs;
}

/** How far an event is from what the step wants: a path difference weighs most, another mount more still. */
function weight(spec: Spec, e: AuditEvent, d: Diff[]): number {
  if (!d.some((x) => x.field === 'path')) return d.length;
  const mount = (p: string) => p.replace(/^\/+/, '').split('/')[0];
  return d.length + 2 + (mount(spec.path) === mount(e.request.path) ? 0 : 2);
}

/** Requests the CLI makes on its own (the KV preflight) say nothing about what the learner meant. */
const plumbing = (spec: Spec, e: AuditEvent) =>
  e.request.path.startsWith('sys/internal/ui/mounts') && !spec.path.startsWith('sys/internal');

/** How many recent requests the nearest-request diagnostic looks at: the learner's mistake is recent. */
const NEAREST_WINDOW = 100;

export const requestCheck: Evaluator<Spec> = async (spec, ctx) => {
  const re = globToRegex(spec.path);
  const ops = list(spec.operation);
  const statuses = list(spec.status);
  // Cheap tests first: most events differ in path, operation or status.
  const matches = ctx.events.filter(
    (e) =>
      re.test(e.request.path) &&
      (!ops.length || ops.includes(e.request.operation as never)) &&
      (!statuses.length || statuses.includes(e.status ?? 0)) &&
      differences(spec, e).length === 0,
  );
  if (matches.length >= spec.count) {
    return {
      pass: true,
      kind: 'edge',
      first: ctx.seqOf(matches[spec.count - 1]),
      last: ctx.seqOf(matches[matches.length - 1]),
      message: `seen: ${describe(spec)}${matches.length > 1 ? ` (${matches.length}×)` : ''}`,
    };
  }
  if (!ctx.events.length)
    return { pass: false, kind: 'edge', message: `No requests yet in this step; waiting for ${describe(spec)}.` };
  if (matches.length)
    return {
      pass: false,
      kind: 'edge',
      message: `Seen ${matches.length} of the ${spec.count} requests wanted: ${describe(spec)}.`,
    };
  // Nearest event: fewest differences, latest first; a path difference weighs most.
  let best: { e: AuditEvent; d: Diff[]; w: number } | undefined;
  for (const e of ctx.events.slice(-NEAREST_WINDOW).reverse()) {
    if (plumbing(spec, e)) continue;
    const d = differences(spec, e);
    const w = weight(spec, e, d);
    if (!best || w < best.w) best = { e, d, w };
  }
  if (!best)
    return { pass: false, kind: 'edge', message: `No requests yet in this step; waiting for ${describe(spec)}.` };
  const b = best;
  return {
    pass: false,
    kind: 'edge',
    message: `Not yet: your closest request (${b.e.request.operation} ${b.e.request.path}) ${b.d.map((x) => x.text).join('; ')}.`,
  };
};

export function describe(spec: Spec): string {
  const ops = list(spec.operation).join('/') || 'a request';
  const st = list(spec.status);
  const pol = [
    list(spec.policies?.includes).length ? `as ${list(spec.policies?.includes).join(', ')}` : '',
    list(spec.policies?.excludes).length ? `not as ${list(spec.policies?.excludes).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${ops} on ${spec.path}${st.length ? ` answered ${st.join('/')}` : ''}${pol ? ` (${pol})` : ''}`;
}
