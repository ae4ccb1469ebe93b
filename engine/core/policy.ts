/**
 * ACL policies: parsing (HCL1 or JSON, optionally base64) into path rules.
 */
import { HclError, type HclObject, type HclValue, isObject, jsonToHcl, parseHcl, type Pos } from './hcl.js';
import { parseDuration } from '../sdk/duration.js';
import { normalizePolicyName } from '../sdk/policy-name.js';
import { hasTemplate, templateBalanced } from './policy-template.js';

export const CAPABILITIES = [
  'deny',
  'create',
  'read',
  'update',
  'delete',
  'list',
  'sudo',
  'patch',
  'root',
  'subscribe',
  'recover',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface PathRule {
  /** The pattern as written, leading `/` stripped. */
  path: string;
  capabilities: Capability[];
  allowedParameters?: Record<string, unknown[]>;
  deniedParameters?: Record<string, unknown[]>;
  requiredParameters?: string[];
  minWrappingTTL?: number;
  maxWrappingTTL?: number;
  /** The pattern with its `{{…}}` directives, when templated: rendered per request (policy-template.ts). */
  template?: string;
  pos: Pos;
}

export interface Policy {
  name: string;
  text: string;
  rules: PathRule[];
}

export class PolicyParseError extends Error {
  constructor(
    msg: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(msg);
  }
}

const LEGACY: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

function at(pos: Pos) {
  return ` on line ${pos.line}, column ${pos.column}`;
}

/**
 * Parses policy text. Accepts HCL, JSON, or base64 of either.
 * @throws PolicyParseError with Vault-like wording and a line:column.
 */
export function parsePolicy(name: string, text: string): Policy {
  let src = text;
  const trimmed = src.trim();
  if (trimmed && /^[A-Za-z0-9+/=\s]+$/.test(trimmed) && !/^\s*path\b/.test(trimmed) && trimmed.length % 4 === 0) {
    const dec = Buffer.from(trimmed, 'base64').toString('utf8');
    if (/^\s*(path|name|\{|#)/.test(dec)) src = dec;
  }
  let root: HclObject;
  try {
    if (src.trim().startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(src);
      } catch (e) {
        throw new PolicyParseError(`invalid JSON: ${(e as Error).message}`);
      }
      root = jsonToHcl(json) as HclObject;
      if (!isObject(root)) throw new PolicyParseError('a JSON policy must be an object');
    } else {
      root = parseHcl(src);
    }
  } catch (e) {
    if (e instanceof HclError)
      throw new PolicyParseError(`${e.msg} at line ${e.line}, column ${e.column}`, e.line, e.column);
    throw e;
  }
  const rules: PathRule[] = [];
  for (const item of root.items) {
    if (item.key === 'name') continue;
    if (item.key !== 'path')
      throw new PolicyParseError(`invalid key "${item.key}"${at(item.pos)}`, item.pos.line, item.pos.column);
    if (item.labels.length === 1) {
      rules.push(parseRule(item.labels[0], item.value, item.pos));
    } else if (item.labels.length === 0 && isObject(item.value)) {
      for (const sub of item.value.items) rules.push(parseRule(sub.key, sub.value, sub.pos));
    } else if (item.labels.length === 0 && Array.isArray(item.value) && item.value.every(isObject)) {
      // JSON policies may list path objects: {"path": [{"a": {...}}, {"b": {...}}]}.
      for (const obj of item.value as HclObject[])
        for (const sub of obj.items) rules.push(parseRule(sub.key, sub.value, sub.pos));
    } else {
      throw new PolicyParseError(
        `path stanza needs exactly one quoted path${at(item.pos)}`,
        item.pos.line,
        item.pos.column,
      );
    }
  }
  return { name, text, rules };
}

function strList(v: HclValue, what: string, pos: Pos): string[] {
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new PolicyParseError(`${what} must be a list of strings${at(pos)}`, pos.line, pos.column);
  return v as string[];
}

function paramMap(v: HclValue, what: string, pos: Pos): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const objs = Array.isArray(v) ? v : [v];
  for (const o of objs) {
    if (!isObject(o)) throw new PolicyParseError(`${what} must be a map${at(pos)}`, pos.line, pos.column);
    for (const it of o.items) {
      const val = it.value;
      out[it.key.toLowerCase()] = Array.isArray(val) ? (val as unknown[]) : [val];
    }
  }
  return out;
}

function parseRule(rawPath: string, body: HclValue, pos: Pos): PathRule {
  const path = rawPath.replace(/^\/+/, '');
  if (!isObject(body)) throw new PolicyParseError(`path "${path}": expected a block${at(pos)}`, pos.line, pos.column);
  if (path.includes('+*'))
    throw new PolicyParseError(
      `path "${path}": invalid use of wildcards ('+*' is forbidden)${at(pos)}`,
      pos.line,
      pos.column,
    );
  if (hasTemplate(path) && !templateBalanced(path))
    throw new PolicyParseError('failed to validate policy templating: unbalanced templating characters');
  const rule: PathRule = { path, capabilities: [], pos };
  if (hasTemplate(path)) rule.template = path;
  const caps = new Set<Capability>();
  for (const it of body.items) {
    switch (it.key) {
      case 'capabilities':
        for (const c of strList(it.value, 'capabilities', it.pos)) {
          const lc = c.toLowerCase();
          if (!(CAPABILITIES as readonly string[]).includes(lc) || lc === 'root') {
            throw new PolicyParseError(
              `path "${path}": invalid capability "${c}"${at(it.pos)}`,
              it.pos.line,
              it.pos.column,
            );
          }
          caps.add(lc as Capability);
        }
        break;
      case 'policy': {
        const v = typeof it.value === 'string' ? it.value.toLowerCase() : '';
        if (!LEGACY[v])
          throw new PolicyParseError(
            `path "${path}": invalid policy "${String(it.value)}"${at(it.pos)}`,
            it.pos.line,
            it.pos.column,
          );
        LEGACY[v].forEach((c) => caps.add(c));
        break;
      }
      case 'allowed_parameters':
        rule.allowedParameters = paramMap(it.value, 'allowed_parameters', it.pos);
        break;
      case 'denied_parameters':
        rule.deniedParameters = paramMap(it.value, 'denied_parameters', it.pos);
        break;
      case 'required_parameters':
        rule.requiredParameters = strList(it.value, 'required_parameters', it.pos);
        break;
      case 'min_wrapping_ttl':
      case 'max_wrapping_ttl': {
        let secs: number;
        try {
          secs = parseDuration(it.value as string | number);
        } catch {
          throw new PolicyParseError(
            `path "${path}": error parsing ${it.key}${at(it.pos)}`,
            it.pos.line,
            it.pos.column,
          );
        }
        if (it.key === 'min_wrapping_ttl') rule.minWrappingTTL = secs;
        else rule.maxWrappingTTL = secs;
        break;
      }
      case 'mfa_methods':
      case 'control_group':
      case 'subscribe_event_types':
        break;
      default:
        throw new PolicyParseError(`path "${path}": invalid key "${it.key}"${at(it.pos)}`, it.pos.line, it.pos.column);
    }
  }
  rule.capabilities = caps.has('deny') ? ['deny'] : [...caps];
  return rule;
}

export { normalizePolicyName };
