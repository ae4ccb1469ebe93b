/**
 * Templated policy paths (`{{identity.entity.name}}` …), Vault's identity templating:
 * checked for balance when a policy is written, rendered per request from the token's
 * entity and groups. A directive that cannot be rendered makes the whole stanza vanish —
 * it never widens into a wildcard.
 */
import type { ResolvedIdentity } from '../sdk/identity.js';

export const hasTemplate = (path: string) => path.includes('{{');

/** Vault only checks that the braces balance when a policy is written. */
export function templateBalanced(path: string): boolean {
  let open = false;
  for (let i = 0; i < path.length - 1; i++) {
    const two = path.slice(i, i + 2);
    if (two === '{{') {
      if (open) return false;
      open = true;
      i++;
    } else if (two === '}}') {
      if (!open) return false;
      open = false;
      i++;
    }
  }
  return !open;
}

/** One directive's value, or undefined when it cannot be found (the stanza is then dropped). */
function directive(expr: string, id: ResolvedIdentity): string | undefined {
  const e = expr.trim();
  if (e === 'identity.entity.id') return id.entityId;
  if (e === 'identity.entity.name') return id.name;
  if (e.startsWith('identity.entity.metadata.')) return id.metadata[e.slice('identity.entity.metadata.'.length)];
  if (e.startsWith('identity.entity.aliases.')) {
    const rest = e.slice('identity.entity.aliases.'.length);
    const dot = rest.indexOf('.');
    if (dot < 0) return undefined;
    const alias = id.aliases.find((a) => a.mountAccessor === rest.slice(0, dot));
    if (!alias) return undefined;
    const field = rest.slice(dot + 1);
    if (field === 'id') return alias.id;
    if (field === 'name') return alias.name;
    if (field.startsWith('metadata.')) return alias.metadata[field.slice('metadata.'.length)];
    if (field.startsWith('custom_metadata.')) return alias.customMetadata[field.slice('custom_metadata.'.length)];
    return undefined;
  }
  for (const by of ['ids', 'names'] as const) {
    const head = `identity.groups.${by}.`;
    if (!e.startsWith(head)) continue;
    const rest = e.slice(head.length);
    const dot = rest.indexOf('.');
    if (dot < 0) return undefined;
    const key = rest.slice(0, dot);
    // Only a group the entity belongs to (directly or through a parent) can be named.
    const g = id.groups.find((x) => (by === 'ids' ? x.id === key : x.name.toLowerCase() === key.toLowerCase()));
    if (!g) return undefined;
    const field = rest.slice(dot + 1);
    if (field === 'id') return g.id;
    if (field === 'name') return g.name;
    if (field.startsWith('metadata.')) return g.metadata[field.slice('metadata.'.length)];
    return undefined;
  }
  return undefined;
}

/**
 * Renders a templated path for one identity.
 * @returns the path, or undefined when any directive fails (no entity, missing value, a
 *   value with a glob or `+` in it, which could otherwise widen the rule).
 */
export function renderPath(path: string, id: ResolvedIdentity | undefined): string | undefined {
  if (!id) return undefined;
  let out = '';
  let i = 0;
  while (i < path.length) {
    const start = path.indexOf('{{', i);
    if (start < 0) break;
    const end = path.indexOf('}}', start + 2);
    if (end < 0) return undefined;
    const v = directive(path.slice(start + 2, end), id);
    if (!v || v.includes('*') || v.includes('+')) return undefined;
    out += path.slice(i, start) + v;
    i = end + 2;
  }
  return out + path.slice(i);
}

/** A policy with its templated stanzas rendered for one identity (failing ones left out). */
export function renderPolicy<R extends { path: string; template?: string }, P extends { rules: R[] }>(
  p: P,
  id: ResolvedIdentity | undefined,
): P {
  if (!p.rules.some((r) => r.template)) return p;
  const rules: R[] = [];
  for (const r of p.rules) {
    if (!r.template) {
      rules.push(r);
      continue;
    }
    const path = renderPath(r.template, id);
    if (path !== undefined) rules.push({ ...r, path });
  }
  return { ...p, rules };
}
