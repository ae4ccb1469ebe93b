/**
 * `request`: did the engine see a matching request since the step began? Judged on
 * audit events, so any client counts. When none matches, the nearest event explains
 * what differs (path, operation, status, identity).
 */
import type { AuditEvent } from '../../engine/index.js';
import type { Evaluator } from './types.js';
import { expectation } from './state.js';
import type { RequestCheck } from '../schema.js';
import type { z } from 'zod';

type Spec = z.infer<typeof RequestCheck>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Path glob: `*` within a segment, `**` across segments; trailing slashes ignored. */
export function globToRegex(glob: string): RegExp {
  const g = glob.replace(/^\/+/, '').replace(/\/+$/, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') { re += '.*'; i++; }
    else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}/?$`);
}

interface Diff { field: string; text: string }

function differences(spec: Spec, e: AuditEvent): Diff[] {
  const diffs: Diff[] = [];
  const path = e.request.path;
  if (!globToRegex(spec.path).test(path)) diffs.push({ field: 'path', text: `went to ${path}, not ${spec.path}` });
  const ops = list(spec.operation);
  if (ops.length && !ops.includes(e.request.operation as never)) diffs.push({ field: 'operation', text: `was a ${e.request.operation}, the step wants ${ops.join(' or ')}` });
  const statuses = list(spec.status);
  if (statuses.length && !statuses.includes(e.status ?? 0)) {
    const why = e.status === 403 && e.decision && !e.decision.allowed
      ? (e.decision.rule ? ` (policy ${e.decision.policies.join(', ')} rule "${e.decision.rule}": ${e.decision.reason})` : ' (no policy grants anything there)')
      : '';
    diffs.push({ field: 'status', text: `was answered ${e.status}${why}, the step wants ${statuses.join(' or ')}` });
  }
  const pol = e.auth?.policies ?? [];
  const inc = list(spec.policies?.includes);
  const exc = list(spec.policies?.excludes);
  const missing = inc.filter((p) => !pol.includes(p));
  const forbidden = exc.filter((p) => pol.includes(p));
  if (missing.length || forbidden.length) {
    const who = pol.length ? `a token with policies [${pol.join(', ')}]` : 'no token';
    const want = [inc.length ? `with ${inc.join(', ')}` : '', exc.length ? `without ${exc.join(', ')}` : ''].filter(Boolean).join(' and ');
    diffs.push({ field: 'identity', text: `used ${who}; the step wants a token ${want}` });
  }
  if (spec.token_type && e.auth?.token_type !== spec.token_type) diffs.push({ field: 'token_type', text: `used a ${e.auth?.token_type ?? 'missing'} token, the step wants ${spec.token_type}` });
  if (spec.display_name && e.auth?.display_name !== spec.display_name) diffs.push({ field: 'display_name', text: `came from ${e.auth?.display_name ?? 'nobody'}, the step wants ${spec.display_name}` });
  if (spec.auth_mount && !(e.auth?.display_name ?? '').startsWith(spec.auth_mount.replace(/\/$/, '').replace(/\//g, '-'))) diffs.push({ field: 'auth_mount', text: `used a token from ${e.auth?.display_name ?? 'nowhere'}, the step wants one from auth/${spec.auth_mount}` });
  for (const exp of spec.response ?? []) {
    const bad = expectation(e.response ?? {}, exp);
    if (bad) diffs.push({ field: 'response', text: `answered with ${bad}` });
  }
  return diffs;
}

/** Mentions the KV v2 `data/` prefix when the learner's path is the v1-style spelling. */
function pathAdvice(spec: Spec, e: AuditEvent): string {
  const want = spec.path.replace(/^\/+/, '');
  const got = e.request.path;
  const m = /^([^/]+)\/data\/(.*)$/.exec(want);
  if (m && got === `${m[1]}/${m[2]}`) return ` — on KV v2 the API path has data/ after the mount (${m[1]}/data/${m[2]})`;
  return '';
}

export const requestCheck: Evaluator<Spec> = async (spec, ctx) => {
  const matches = ctx.events.filter((e) => differences(spec, e).length === 0);
  if (matches.length >= spec.count) {
    return { pass: true, kind: 'edge', message: `seen: ${describe(spec)}${matches.length > 1 ? ` (${matches.length}×)` : ''}` };
  }
  if (!ctx.events.length) return { pass: false, kind: 'edge', message: `No requests yet in this step; waiting for ${describe(spec)}.` };
  if (matches.length) return { pass: false, kind: 'edge', message: `Seen ${matches.length} of the ${spec.count} requests wanted: ${describe(spec)}.` };
  // Nearest event: fewest differences, latest first; a path difference weighs most.
  let best: { e: AuditEvent; d: Diff[] } | undefined;
  for (const e of [...ctx.events].reverse()) {
    const d = differences(spec, e);
    const score = d.length + (d.some((x) => x.field === 'path') ? 2 : 0);
    const bestScore = best ? best.d.length + (best.d.some((x) => x.field === 'path') ? 2 : 0) : Infinity;
    if (score < bestScore) best = { e, d };
  }
  const b = best!;
  const advice = b.d.some((x) => x.field === 'path') ? pathAdvice(spec, b.e) : '';
  return { pass: false, kind: 'edge', message: `Not yet: your closest request (${b.e.request.operation} ${b.e.request.path}) ${b.d.map((x) => x.text).join('; ')}${advice}.` };
};

export function describe(spec: Spec): string {
  const ops = list(spec.operation).join('/') || 'a request';
  const st = list(spec.status);
  const pol = [list(spec.policies?.includes).length ? `as ${list(spec.policies?.includes).join(', ')}` : '', list(spec.policies?.excludes).length ? `not as ${list(spec.policies?.excludes).join(', ')}` : ''].filter(Boolean).join(', ');
  return `${ops} on ${spec.path}${st.length ? ` answered ${st.join('/')}` : ''}${pol ? ` (${pol})` : ''}`;
}
