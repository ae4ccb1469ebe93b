/** Diagnostics shared by checks: the learner's nearest request and what differs. */
import type { AuditEvent } from '../../engine/index.js';
import type { CheckContext } from './types.js';

const WRITES = new Set(['create', 'update', 'delete', 'patch']);

/** Names the KV v2 `data/` (or `metadata/`) prefix when `got` is the CLI-style spelling of `want`. */
export function pathAdvice(want: string, got: string): string {
  const w = want.replace(/^\/+/, '').replace(/\/+$/, '');
  const g = got.replace(/^\/+/, '').replace(/\/+$/, '');
  const m = /^([^/]+)\/(data|metadata)\/(.*)$/.exec(w);
  if (m && g === `${m[1]}/${m[3]}`)
    return `on KV v2 the API path has ${m[2]}/ after the mount (${w}), while \`vault kv\` commands take ${g}`;
  const n = /^([^/]+)\/(data|metadata)\/(.*)$/.exec(g);
  if (n && w === `${n[1]}/${n[3]}`) return `that mount is KV v2, so the API path is ${g}; the step names ${w}`;
  return '';
}

/** Why a request was refused, from the ACL decision the engine attached. */
export function denialReason(e: AuditEvent): string {
  const d = e.decision;
  if (!d || d.allowed) return '';
  if (!d.rule) return `no policy of the token (${(e.auth?.policies ?? []).join(', ') || 'none'}) grants anything there`;
  return `policy ${d.policies.join(', ')} rule "${d.rule}" decided it${d.reason ? `: ${d.reason}` : ''}`;
}

function lastSegment(p: string) {
  return p.replace(/\/+$/, '').split('/').pop() ?? '';
}

/**
 * The learner's latest write that looks aimed at `path` (same last segment, or the
 * KV v1/v2 spelling of it), described with what went differently.
 */
export function nearestWrite(ctx: Pick<CheckContext, 'events'>, path: string): string {
  const want = path.replace(/^\/+/, '');
  for (const e of ctx.events.slice(-100).reverse()) {
    if (!WRITES.has(e.request.operation)) continue;
    const got = e.request.path;
    if (got === want && (e.status ?? 0) < 400) continue;
    const advice = pathAdvice(want, got);
    if (!advice && lastSegment(got) !== lastSegment(want)) continue;
    const denied =
      e.status === 403
        ? ` and was denied (${denialReason(e)})`
        : e.status && e.status >= 400
          ? ` and was answered ${e.status}${e.error ? `: ${e.error}` : ''}`
          : '';
    return `your last write went to ${got}${denied}${advice ? `; ${advice}` : ''}`;
  }
  return '';
}
