/**
 * The ACL evaluator: merges a token's policies and decides each request, following
 * Vault's rules — exact beats glob, among globs and `+` patterns the highest-priority
 * pattern wins and only that one stanza counts, deny is per pattern, default deny.
 */
import type { AclDecision, AclOperation } from '../sdk/audit.js';
import type { Capability, PathRule, Policy } from './policy.js';

export type { AclDecision, AclOperation } from '../sdk/audit.js';

export interface MergedRule {
  /** The pattern as written (with its trailing `*`, if any). */
  path: string;
  capabilities: Set<Capability>;
  /** Which policies contributed (for audit and the activity feed). */
  policies: string[];
  /** Capability → policies that granted it. */
  granting: Map<string, string[]>;
  allowedParameters?: Record<string, unknown[]>;
  deniedParameters?: Record<string, unknown[]>;
  requiredParameters?: string[];
  minWrappingTTL?: number;
  maxWrappingTTL?: number;
  kind: 'exact' | 'prefix' | 'segment';
  /** The pattern as written before rendering, when a templated stanza contributed. */
  template?: string;
}

/** Vault's test for a `+` pattern: `+`, `+/…`, or a segment starting with `+`. */
export function hasSegmentWildcards(pattern: string): boolean {
  return pattern === '+' || pattern.includes('/+') || pattern.startsWith('+/');
}

export class ACL {
  readonly root: boolean;
  private exact = new Map<string, MergedRule>();
  /** Keyed by the pattern without its trailing `*`. */
  private prefix = new Map<string, MergedRule>();
  private segment = new Map<string, MergedRule>();

  constructor(policies: Policy[]) {
    this.root = policies.some((p) => p.name === 'root');
    for (const p of policies) for (const r of p.rules) this.add(p.name, r);
  }

  private add(policy: string, r: PathRule) {
    const kind: MergedRule['kind'] = hasSegmentWildcards(r.path)
      ? 'segment'
      : r.path.endsWith('*')
        ? 'prefix'
        : 'exact';
    const key = kind === 'prefix' ? r.path.slice(0, -1) : r.path;
    const table = kind === 'exact' ? this.exact : kind === 'prefix' ? this.prefix : this.segment;
    let existing = table.get(key);
    if (!existing) {
      existing = { path: r.path, capabilities: new Set(), policies: [], granting: new Map(), kind };
      table.set(key, existing);
    }
    mergeInto(existing, policy, r);
    if (r.template) existing.template ??= r.template;
  }

  /** The stanza that governs `path` for `op`, in Vault's matching order. */
  private find(path: string, op: AclOperation): MergedRule | undefined {
    const e = this.exact.get(path);
    if (e) return e;
    if (op === 'list') {
      const e2 = this.exact.get(path.replace(/\/$/, ''));
      if (e2) return e2;
      // Lists try the path without its trailing slash first: `secret/foo*` should govern `secret/foo/`.
      if (path.endsWith('/')) {
        const r = this.nonExact(path.slice(0, -1));
        if (r) return r;
      }
    }
    return this.nonExact(path);
  }

  private nonExact(path: string): MergedRule | undefined {
    let best: { rule: MergedRule; d: WcDescr } | undefined;
    let bestLen = -1;
    for (const [k, r] of this.prefix) {
      if (path.startsWith(k) && k.length > bestLen) {
        best = { rule: r, d: { firstWild: k.length, wildcards: 0, isPrefix: true, wcPath: k } };
        bestLen = k.length;
      }
    }
    if (this.segment.size === 0) return best?.rule;
    const parts = path.split('/');
    for (const r of this.segment.values()) {
      const d = segmentDescr(r.path);
      if (!segmentMatches(d, parts)) continue;
      if (!best || lowerPriority(best.d, d)) best = { rule: r, d };
    }
    return best?.rule;
  }

  /**
   * Decides one operation on one path.
   * @param data request data, for parameter constraints
   * @param needSudo the path is a root path
   * @param wrapTTL the requested wrap TTL in seconds (0 = not wrapped), for min/max_wrapping_ttl
   */
  allow(
    path: string,
    op: AclOperation,
    data?: Record<string, unknown> | null,
    needSudo = false,
    wrapTTL = 0,
  ): AclDecision {
    if (this.root) return { allowed: true, sudo: true, capabilities: ['root'], policies: ['root'], rule: null };
    const rule = this.find(path, op);
    if (!rule)
      return {
        allowed: false,
        sudo: false,
        capabilities: ['deny'],
        policies: [],
        rule: null,
        reason: 'no policy grants any capability on this path',
      };
    const caps = sortedCaps(rule.capabilities);
    const base = {
      capabilities: caps,
      policies: [...rule.policies].sort(),
      rule: rule.path,
      sudo: rule.capabilities.has('sudo'),
      // Always present (undefined when not templated): one object shape keeps this path fast.
      template: rule.template,
      identity: undefined,
    };
    if (rule.capabilities.has('deny')) return { ...base, allowed: false, reason: 'explicitly denied' };
    if (!rule.capabilities.has(op))
      return { ...base, allowed: false, reason: `the rule grants ${caps.join(', ') || 'nothing'}, not ${op}` };
    const granted = { ...base, policies: [...(rule.granting.get(op) ?? rule.policies)].sort() };
    if (rule.maxWrappingTTL && (!wrapTTL || wrapTTL > rule.maxWrappingTTL))
      return {
        ...granted,
        allowed: false,
        reason: 'the response must be wrapped with a TTL no longer than max_wrapping_ttl',
      };
    if (rule.minWrappingTTL && (!wrapTTL || wrapTTL < rule.minWrappingTTL))
      return {
        ...granted,
        allowed: false,
        reason: 'the response must be wrapped with a TTL of at least min_wrapping_ttl',
      };
    if (rule.minWrappingTTL && rule.maxWrappingTTL && rule.maxWrappingTTL < rule.minWrappingTTL)
      return { ...granted, allowed: false, reason: 'max_wrapping_ttl is below min_wrapping_ttl' };
    if (op === 'read' || op === 'create' || op === 'update' || op === 'patch') {
      const bad = checkParameters(rule, data);
      if (bad) return { ...granted, allowed: false, reason: bad };
    }
    if (needSudo && !rule.capabilities.has('sudo'))
      return { ...granted, allowed: false, reason: 'this path also needs sudo' };
    return { ...granted, allowed: true };
  }

  /** Capabilities on a path as `sys/capabilities` reports them (list-style matching). */
  capabilities(path: string): string[] {
    if (this.root) return ['root'];
    const rule = this.find(path, 'list');
    if (!rule) return ['deny'];
    return sortedCaps(rule.capabilities);
  }

  /**
   * True when the token can reach something under a mount (the `sys/internal/ui/mounts`
   * preflight): a non-deny capability on the mount path itself, or any exact or prefix
   * rule below it, or a `+` rule that could match below it.
   */
  hasAnyUnder(mountPath: string): boolean {
    if (this.root) return true;
    if (this.capabilities(mountPath)[0] !== 'deny') return true;
    const grants = (r: MergedRule) => !r.capabilities.has('deny') && sortedCaps(r.capabilities)[0] !== 'deny';
    for (const [k, r] of this.exact) if (k.startsWith(mountPath) && grants(r)) return true;
    for (const [k, r] of this.prefix) if (k.startsWith(mountPath) && grants(r)) return true;
    const mountParts = mountPath.split('/'); // ends with '' because mountPath ends in '/'
    for (const r of this.segment.values()) {
      if (!grants(r)) continue;
      const d = segmentDescr(r.path);
      const pat = d.wcPath.split('/');
      let ok = true;
      for (let i = 0; i < Math.min(pat.length, mountParts.length - 1); i++) {
        if (pat[i] === '+' || pat[i] === mountParts[i]) continue;
        if (d.isPrefix && i === pat.length - 1 && mountParts[i].startsWith(pat[i])) continue;
        ok = false;
        break;
      }
      if (ok) return true;
    }
    return false;
  }
}

interface WcDescr {
  firstWild: number;
  wildcards: number;
  isPrefix: boolean;
  wcPath: string;
}

function segmentDescr(pattern: string): WcDescr {
  const isPrefix = pattern.endsWith('*');
  const wcPath = isPrefix ? pattern.slice(0, -1) : pattern;
  return {
    firstWild: pattern.indexOf('+'),
    wildcards: wcPath.split('/').filter((s) => s === '+').length,
    isPrefix,
    wcPath,
  };
}

/** Segment matching as Vault does it: `+` takes any one segment (even an empty one). */
function segmentMatches(d: WcDescr, parts: string[]): boolean {
  const pat = d.wcPath.split('/');
  if (parts.length < pat.length) return false;
  if (!d.isPrefix && parts.length !== pat.length) return false;
  for (let i = 0; i < pat.length; i++) {
    if (pat[i] === '+' || pat[i] === parts[i]) continue;
    if (d.isPrefix && i === pat.length - 1 && parts[i].startsWith(pat[i])) continue;
    return false;
  }
  return true;
}

/** Vault's ordering between two matching non-exact patterns: true when `a` ranks below `b`. */
function lowerPriority(a: WcDescr, b: WcDescr): boolean {
  if (a.firstWild !== b.firstWild) return a.firstWild < b.firstWild;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix;
  if (a.wildcards !== b.wildcards) return a.wildcards > b.wildcards;
  if (a.wcPath.length !== b.wcPath.length) return a.wcPath.length < b.wcPath.length;
  return a.wcPath < b.wcPath;
}

/** True when pattern `a` beats pattern `b` (both assumed to match); exposed for tests and tooling. */
export function higherPriority(a: string, b: string): boolean {
  const da = hasSegmentWildcards(a)
    ? segmentDescr(a)
    : {
        firstWild: a.endsWith('*') ? a.length - 1 : a.length,
        wildcards: 0,
        isPrefix: a.endsWith('*'),
        wcPath: a.replace(/\*$/, ''),
      };
  const db = hasSegmentWildcards(b)
    ? segmentDescr(b)
    : {
        firstWild: b.endsWith('*') ? b.length - 1 : b.length,
        wildcards: 0,
        isPrefix: b.endsWith('*'),
        wcPath: b.replace(/\*$/, ''),
      };
  return lowerPriority(db, da);
}

function mergeInto(m: MergedRule, policy: string, r: PathRule) {
  if (!m.policies.includes(policy)) m.policies.push(policy);
  if (m.capabilities.has('deny')) return;
  if (r.capabilities.includes('deny')) {
    m.capabilities = new Set(['deny']);
    m.allowedParameters = undefined;
    m.deniedParameters = undefined;
    return;
  }
  for (const c of r.capabilities) {
    m.capabilities.add(c);
    const g = m.granting.get(c) ?? [];
    if (!g.includes(policy)) g.push(policy);
    m.granting.set(c, g);
  }
  if (r.allowedParameters && Object.keys(r.allowedParameters).length)
    m.allowedParameters = mergeParams(m.allowedParameters, r.allowedParameters);
  if (r.deniedParameters && Object.keys(r.deniedParameters).length)
    m.deniedParameters = mergeParams(m.deniedParameters, r.deniedParameters);
  if (r.requiredParameters?.length)
    m.requiredParameters = [...new Set([...(m.requiredParameters ?? []), ...r.requiredParameters])];
  // The shorter lifetime wins for both bounds.
  if (r.minWrappingTTL)
    m.minWrappingTTL = m.minWrappingTTL ? Math.min(m.minWrappingTTL, r.minWrappingTTL) : r.minWrappingTTL;
  if (r.maxWrappingTTL)
    m.maxWrappingTTL = m.maxWrappingTTL ? Math.min(m.maxWrappingTTL, r.maxWrappingTTL) : r.maxWrappingTTL;
}

function mergeParams(a: Record<string, unknown[]> | undefined, b: Record<string, unknown[]>) {
  if (!a) return structuredClone(b);
  const out: Record<string, unknown[]> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    // An empty list means "any value" and absorbs whatever it is merged with.
    if (v.length === 0 || (out[k] && out[k].length === 0)) out[k] = [];
    else out[k] = [...v, ...(out[k] ?? [])];
  }
  return out;
}

const CAP_ORDER = ['create', 'delete', 'list', 'patch', 'read', 'recover', 'subscribe', 'sudo', 'update'];
function sortedCaps(caps: Set<Capability>): string[] {
  if (caps.has('deny')) return ['deny'];
  const out = [...caps].filter((c) => CAP_ORDER.includes(c)).sort();
  return out.length ? out : ['deny'];
}

/** Vault's GlobbedStringsMatch: `*` at the start and/or end of an allowed value. */
function globbedMatch(item: string, val: string): boolean {
  if (item.length < 2) return val === item;
  const pre = item.startsWith('*'),
    suf = item.endsWith('*');
  if (pre && suf) return val.includes(item.slice(1, -1));
  if (pre) return val.endsWith(item.slice(1));
  if (suf) return val.startsWith(item.slice(0, -1));
  return val === item;
}

function inList(v: unknown, list: unknown[]): boolean {
  for (const el of list) {
    if (el == null || v == null) {
      if (el == null && v == null) return true;
      continue;
    }
    if (typeof el === 'string') {
      if (typeof v === 'string' && globbedMatch(el, v)) return true;
      continue;
    }
    if (typeof v !== 'string' && JSON.stringify(el) === JSON.stringify(v)) return true;
  }
  return false;
}

/** Strings are also read as comma lists, slices element by element (Vault ≥1.16 matching). */
function elements(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return v === '' ? [] : v.split(',').map((s) => s.trim());
  return undefined;
}

function allowedValue(v: unknown, list: unknown[]): boolean {
  if (list.length === 0 || inList(v, list)) return true;
  const els = elements(v);
  return els?.every((x) => inList(x, list)) ?? false;
}

function deniedValue(v: unknown, list: unknown[]): boolean {
  if (list.length === 0 || inList(v, list)) return true;
  const els = elements(v);
  return els?.some((x) => inList(x, list)) ?? false;
}

function checkParameters(rule: MergedRule, data?: Record<string, unknown> | null): string | undefined {
  const d = data ?? {};
  for (const req of rule.requiredParameters ?? [])
    if (!(req.toLowerCase() in d)) return `parameter "${req}" is required`;
  const entries = Object.entries(d);
  if (entries.length === 0) return undefined;
  const denied = rule.deniedParameters;
  if (denied && Object.keys(denied).length) {
    if ('*' in denied) return 'every parameter is denied';
    for (const [k, v] of entries) {
      const list = denied[k.toLowerCase()];
      if (list && deniedValue(v, list)) return `parameter "${k}" is denied`;
    }
  }
  const allowed = rule.allowedParameters;
  if (!allowed || Object.keys(allowed).length === 0) return undefined;
  const allowAll = '*' in allowed;
  if (allowAll && Object.keys(allowed).length === 1) return undefined;
  for (const [k, v] of entries) {
    const list = allowed[k.toLowerCase()];
    if (!list && !allowAll) return `parameter "${k}" is not allowed`;
    if (list && !allowedValue(v, list)) return `value of parameter "${k}" is not allowed`;
  }
  return undefined;
}
