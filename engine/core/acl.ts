/**
 * The ACL evaluator: merges a token's policies and decides each request, following
 * Vault's rules — exact beats glob, among globs the highest-priority pattern wins and
 * only that one stanza counts, deny is per pattern, default deny.
 */
import type { Capability, PathRule, Policy } from './policy.js';

export interface MergedRule {
  path: string;
  capabilities: Set<Capability>;
  /** Which policies contributed (for audit and the activity feed). */
  policies: string[];
  allowedParameters?: Record<string, unknown[]>;
  deniedParameters?: Record<string, unknown[]>;
  requiredParameters?: string[];
  minWrappingTTL?: number;
  maxWrappingTTL?: number;
  kind: 'exact' | 'prefix' | 'segment';
}

export interface AclDecision {
  allowed: boolean;
  /** sudo present in the deciding stanza (or root). */
  sudo: boolean;
  /** Capabilities of the deciding stanza, sorted; `['root']` for root, `['deny']` for none. */
  capabilities: string[];
  /** Policies that granted (allowed) or whose stanza decided (denied); empty when nothing matched. */
  policies: string[];
  /** The deciding rule's pattern, or null when no rule matched (default deny). */
  rule: string | null;
  /** Why a match still denied: missing capability, explicit deny, parameter, sudo. */
  reason?: string;
}

export type AclOperation = 'read' | 'list' | 'create' | 'update' | 'delete' | 'patch';

export class ACL {
  readonly root: boolean;
  private exact = new Map<string, MergedRule>();
  private prefix = new Map<string, MergedRule>();
  private segment: MergedRule[] = [];

  constructor(policies: Policy[]) {
    this.root = policies.some((p) => p.name === 'root');
    for (const p of policies) for (const r of p.rules) this.add(p.name, r);
  }

  private add(policy: string, r: PathRule) {
    const isPrefix = r.path.endsWith('*');
    const hasPlus = r.path.split('/').includes('+') || r.path.split('/').some((s) => s === '+');
    const kind: MergedRule['kind'] = hasPlus ? 'segment' : isPrefix ? 'prefix' : 'exact';
    const key = kind === 'prefix' ? r.path.slice(0, -1) : r.path;
    const table = kind === 'exact' ? this.exact : kind === 'prefix' ? this.prefix : null;
    let existing = table ? table.get(key) : this.segment.find((s) => s.path === r.path);
    if (!existing) {
      existing = { path: r.path, capabilities: new Set(), policies: [], kind };
      if (table) table.set(key, existing); else this.segment.push(existing);
    }
    mergeInto(existing, policy, r);
  }

  /** The stanza that governs `path` for `op`, per Vault's matching order. */
  private find(path: string, op: AclOperation): MergedRule | undefined {
    const e = this.exact.get(path);
    if (e) return e;
    if (op === 'list' && path.endsWith('/')) {
      const e2 = this.exact.get(path.slice(0, -1));
      if (e2) return e2;
    }
    const r = this.nonExact(path);
    if (r) return r;
    if (op === 'list' && path.endsWith('/')) return this.nonExact(path.slice(0, -1));
    return undefined;
  }

  private nonExact(path: string): MergedRule | undefined {
    let best: MergedRule | undefined;
    let bestLen = -1;
    for (const [k, r] of this.prefix) {
      if (path.startsWith(k) && k.length > bestLen) { best = r; bestLen = k.length; }
    }
    for (const s of this.segment) {
      if (segmentMatch(s.path, path) && (!best || higherPriority(s.path, best.path))) best = s;
    }
    return best;
  }

  /**
   * Decides one operation on one path.
   * @param data request data, for parameter constraints
   * @param needSudo the path is a root path
   */
  allow(path: string, op: AclOperation, data?: Record<string, unknown> | null, needSudo = false): AclDecision {
    if (this.root) return { allowed: true, sudo: true, capabilities: ['root'], policies: ['root'], rule: null };
    const rule = this.find(path, op);
    if (!rule) return { allowed: false, sudo: false, capabilities: ['deny'], policies: [], rule: null, reason: 'no policy grants any capability on this path' };
    const caps = sortedCaps(rule.capabilities);
    const base = { capabilities: caps, policies: [...rule.policies].sort(), rule: rule.path, sudo: rule.capabilities.has('sudo') };
    if (rule.capabilities.has('deny')) return { ...base, allowed: false, reason: 'explicitly denied' };
    if (!rule.capabilities.has(op)) return { ...base, allowed: false, reason: `the rule grants ${caps.join(', ') || 'nothing'}, not ${op}` };
    if (needSudo && !rule.capabilities.has('sudo')) return { ...base, allowed: false, reason: 'this path also needs sudo' };
    if (op === 'read' || op === 'create' || op === 'update' || op === 'patch') {
      const bad = checkParameters(rule, data);
      if (bad) return { ...base, allowed: false, reason: bad };
    }
    return { ...base, allowed: true };
  }

  /** Capabilities on a path as `sys/capabilities` reports them (list-style matching). */
  capabilities(path: string): string[] {
    if (this.root) return ['root'];
    const rule = this.find(path, 'list');
    if (!rule || rule.capabilities.has('deny') || rule.capabilities.size === 0) return ['deny'];
    return sortedCaps(rule.capabilities);
  }

  /** True when some non-deny rule sits at or below `prefix` (the UI mounts preflight). */
  hasAnyUnder(prefix: string): boolean {
    if (this.root) return true;
    const rules = [...this.exact.values(), ...this.prefix.values(), ...this.segment];
    return rules.some((r) => {
      if (r.capabilities.has('deny') || r.capabilities.size === 0) return false;
      const pat = r.kind === 'prefix' ? r.path.slice(0, -1) : r.path;
      if (r.kind === 'segment') return segmentCouldBeUnder(r.path, prefix);
      return pat.startsWith(prefix) || (r.kind === 'prefix' && prefix.startsWith(pat));
    });
  }
}

function mergeInto(m: MergedRule, policy: string, r: PathRule) {
  if (!m.policies.includes(policy)) m.policies.push(policy);
  if (m.capabilities.has('deny')) return;
  if (r.capabilities.includes('deny')) { m.capabilities = new Set(['deny']); return; }
  r.capabilities.forEach((c) => m.capabilities.add(c));
  if (r.allowedParameters) m.allowedParameters = mergeParams(m.allowedParameters, r.allowedParameters);
  if (r.deniedParameters) m.deniedParameters = mergeParams(m.deniedParameters, r.deniedParameters);
  if (r.requiredParameters) m.requiredParameters = [...new Set([...(m.requiredParameters ?? []), ...r.requiredParameters])];
  if (r.minWrappingTTL !== undefined) m.minWrappingTTL = m.minWrappingTTL === undefined ? r.minWrappingTTL : Math.min(m.minWrappingTTL, r.minWrappingTTL);
  if (r.maxWrappingTTL !== undefined) m.maxWrappingTTL = m.maxWrappingTTL === undefined ? r.maxWrappingTTL : Math.min(m.maxWrappingTTL, r.maxWrappingTTL);
}

function mergeParams(a: Record<string, unknown[]> | undefined, b: Record<string, unknown[]>) {
  const out: Record<string, unknown[]> = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b)) {
    // An empty list means "any value"; merging with it keeps "any".
    if (out[k] && (out[k].length === 0 || v.length === 0)) out[k] = [];
    else out[k] = [...(out[k] ?? []), ...v];
  }
  return out;
}

const CAP_ORDER = ['create', 'delete', 'list', 'patch', 'read', 'recover', 'subscribe', 'sudo', 'update'];
function sortedCaps(caps: Set<Capability>): string[] {
  if (caps.has('deny')) return ['deny'];
  return [...caps].filter((c) => CAP_ORDER.includes(c)).sort();
}

/** Does a `+` pattern (optionally ending in `*`) match the path? */
export function segmentMatch(pattern: string, path: string): boolean {
  const isPrefix = pattern.endsWith('*');
  const pat = (isPrefix ? pattern.slice(0, -1) : pattern).split('/');
  const segs = path.split('/');
  if (isPrefix ? segs.length < pat.length : segs.length !== pat.length) return false;
  for (let i = 0; i < pat.length; i++) {
    const last = i === pat.length - 1;
    if (pat[i] === '+') { if (segs[i] === '' && !(isPrefix && last)) return false; continue; }
    if (isPrefix && last) { if (!segs[i].startsWith(pat[i])) return false; continue; }
    if (pat[i] !== segs[i]) return false;
  }
  return true;
}

function segmentCouldBeUnder(pattern: string, prefix: string): boolean {
  const pat = pattern.replace(/\*$/, '').split('/');
  const pre = prefix.replace(/\/$/, '').split('/');
  for (let i = 0; i < Math.min(pat.length, pre.length); i++) {
    if (pat[i] !== '+' && pat[i] !== pre[i]) return false;
  }
  return true;
}

/** Vault's priority between two matching non-exact patterns: true when `a` beats `b`. */
export function higherPriority(a: string, b: string): boolean {
  const firstWild = (s: string) => {
    const i = s.search(/[+*]/);
    return i === -1 ? s.length : i;
  };
  const fa = firstWild(a), fb = firstWild(b);
  if (fa !== fb) return fa > fb;
  const sa = a.endsWith('*'), sb = b.endsWith('*');
  if (sa !== sb) return !sa;
  const pa = a.split('+').length, pb = b.split('+').length;
  if (pa !== pb) return pa < pb;
  if (a.length !== b.length) return a.length > b.length;
  return a > b;
}

function valueMatches(allowed: unknown, v: unknown): boolean {
  if (typeof allowed === 'string' && typeof v === 'string') {
    if (allowed === '*') return true;
    if (allowed.endsWith('*') && v.startsWith(allowed.slice(0, -1))) return true;
    if (allowed.startsWith('*') && v.endsWith(allowed.slice(1))) return true;
  }
  return JSON.stringify(allowed) === JSON.stringify(v) || String(allowed) === String(v);
}

function checkParameters(rule: MergedRule, data?: Record<string, unknown> | null): string | undefined {
  const d = data ?? {};
  for (const req of rule.requiredParameters ?? []) if (!(req in d)) return `parameter "${req}" is required`;
  if (!data || Object.keys(data).length === 0) return undefined;
  const denied = rule.deniedParameters;
  const allowed = rule.allowedParameters;
  for (const [k, v] of Object.entries(data)) {
    const key = k.toLowerCase();
    if (denied) {
      const dv = denied[key] ?? denied['*'];
      if (dv && (dv.length === 0 || (Array.isArray(v) ? v : [v]).some((x) => dv.some((a) => valueMatches(a, x))))) return `parameter "${k}" is denied`;
    }
    if (allowed) {
      const av = allowed[key] ?? allowed['*'];
      if (!av) return `parameter "${k}" is not allowed`;
      if (av.length && !(Array.isArray(v) ? v : [v]).every((x) => av.some((a) => valueMatches(a, x)))) return `value of parameter "${k}" is not allowed`;
    }
  }
  return undefined;
}
