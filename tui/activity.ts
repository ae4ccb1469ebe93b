/**
 * The activity feed: each of the learner's requests as the engine's audit log saw it,
 * with the ACL decision put into words — which policy and rule allowed it, or why it
 * was denied ("denied: policy read-only grants read only on secret/data/myapp/config").
 */
import type { AuditEvent } from '../labs/index.js';

export interface ActivityEntry {
  /** The request succeeded (2xx). */
  ok: boolean;
  /** `update secret/data/myapp/config → 403` */
  summary: string;
  /** The decision in words. */
  why: string;
  /** Who asked: token display name and policies. */
  who: string;
  /** Engine-clock time, HH:MM:SS. */
  time: string;
}

function list(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/**
 * The CLI's preflight (`sys/internal/ui/mounts/…`, which `vault kv` sends before each command
 * to learn the mount's KV version) is in the audit log as in Vault's, but in the feed it would
 * double every kv command, so the feed leaves it out.
 */
export function shownInFeed(e: AuditEvent): boolean {
  return !e.request.path.startsWith('sys/internal/ui/mounts/');
}

/**
 * Where a decision's grant came from when it was not the token's own policy text: a policy the
 * token's entity or one of its groups brings, or a templated rule rendered for this entity.
 */
function origin(d: NonNullable<AuditEvent['decision']>): string {
  const parts: string[] = [];
  for (const [p, from] of Object.entries(d.identity ?? {})) parts.push(`policy ${p} comes from ${list(from)}`);
  if (d.template) parts.push(`the rule is the template ${d.template} filled in for this entity`);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/** Explains one response event. */
export function describeEvent(e: AuditEvent): ActivityEntry {
  const status = e.status ?? (e.error ? 500 : 200);
  const ok = status < 400;
  const path = e.request.path;
  const d = e.decision;
  const policies = e.auth?.policies ?? [];
  const who = e.auth ? `${e.auth.display_name || 'token'} [${policies.join(', ')}]` : 'no token';
  const err = e.error ? e.error.replace(/^\d+\s*/, '').split('\n')[0] : '';
  let why: string;
  if (!d) {
    why = ok ? 'allowed: this path needs no token' : `failed: ${err || `status ${status}`}`;
  } else if (d.allowed) {
    const grant = d.capabilities.includes('root')
      ? 'allowed: root token (every capability everywhere)'
      : `allowed: policy ${list(d.policies)} grants ${d.capabilities.join(', ')} on ${d.rule}${origin(d)}`;
    why = ok ? grant : `${grant} — but the request failed: ${err || `status ${status}`}`;
  } else if (!d.rule) {
    why = `denied: no policy of this token (${list(policies.length ? policies : ['none'])}) grants anything on ${path}`;
  } else if (d.capabilities.includes('deny')) {
    why = `denied: policy ${list(d.policies)} explicitly denies ${d.rule}${origin(d)}`;
  } else if (d.reason?.startsWith('the rule grants')) {
    why = `denied: policy ${list(d.policies)} grants ${d.capabilities.join(', ') || 'nothing'} only on ${d.rule}${origin(d)}`;
  } else {
    why = `denied: ${d.reason ?? 'not allowed'} (policy ${list(d.policies)}, rule ${d.rule})`;
  }
  const time = /T(\d\d:\d\d:\d\d)/.exec(e.time)?.[1] ?? '';
  return { ok, summary: `${e.request.operation} ${path} → ${status}`, why, who, time };
}
