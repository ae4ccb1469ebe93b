/**
 * Password policies (`sys/policies/password/<name>`): an HCL document with a `length`
 * and `rule "charset"` stanzas (`charset`, `min-chars`). Passwords are drawn uniformly
 * from the union of the charsets (rejection sampling, no modulo bias) and accepted only
 * when every rule's minimum is met.
 */
import { randomBytes } from 'node:crypto';
import { HclError, isObject, parseHcl } from './hcl.js';
import { userError } from '../sdk/errors.js';
import type { StorageView } from '../sdk/storage.js';

export interface PasswordPolicy {
  length: number;
  rules: Array<{ charset: string; minChars: number }>;
}

/** @throws a 400 naming what is wrong in the policy text. */
export function parsePasswordPolicy(text: string): PasswordPolicy {
  let src = text;
  if (/^[A-Za-z0-9+/=\s]+$/.test(src.trim()) && !/length\s*=/.test(src)) {
    const dec = Buffer.from(src.trim(), 'base64').toString('utf8');
    if (/length\s*=/.test(dec)) src = dec;
  }
  let root;
  try {
    root = parseHcl(src);
  } catch (e) {
    if (e instanceof HclError) throw userError(`unable to parse policy: ${e.message}`);
    throw e;
  }
  const policy: PasswordPolicy = { length: 0, rules: [] };
  for (const it of root.items) {
    if (it.key === 'length') {
      if (typeof it.value !== 'number' || !Number.isInteger(it.value))
        throw userError(`unable to parse policy: length must be a whole number (line ${it.pos.line})`);
      policy.length = it.value;
    } else if (it.key === 'rule') {
      if (it.labels[0] !== 'charset')
        throw userError(
          `unable to parse policy: unrecognized rule type "${it.labels[0] ?? ''}" (line ${it.pos.line}); the only rule type is "charset"`,
        );
      if (!isObject(it.value))
        throw userError(`unable to parse policy: rule "charset" needs a block (line ${it.pos.line})`);
      let charset = '';
      let minChars = 0;
      for (const f of it.value.items) {
        if (f.key === 'charset' && typeof f.value === 'string') charset = f.value;
        else if (f.key === 'min-chars' && typeof f.value === 'number') minChars = f.value;
        else throw userError(`unable to parse policy: unknown field "${f.key}" in rule "charset" (line ${f.pos.line})`);
      }
      if (!charset)
        throw userError(`unable to parse policy: rule "charset" needs a non-empty charset (line ${it.pos.line})`);
      policy.rules.push({ charset: [...new Set(charset)].join(''), minChars });
    } else {
      throw userError(`unable to parse policy: unknown key "${it.key}" (line ${it.pos.line})`);
    }
  }
  if (policy.length < 4 || policy.length > 100)
    throw userError('unable to parse policy: length must be >= 4 and <= 100');
  if (!policy.rules.length) throw userError('unable to parse policy: at least one rule "charset" is required');
  const minTotal = policy.rules.reduce((n, r) => n + r.minChars, 0);
  if (minTotal > policy.length)
    throw userError(
      `unable to parse policy: the rules need at least ${minTotal} characters but length is ${policy.length}`,
    );
  return policy;
}

/** Draws one password that satisfies every rule. @throws when none is found in 10,000 tries. */
export function generateFromPolicy(p: PasswordPolicy): string {
  const chars = [...new Set(p.rules.flatMap((r) => [...r.charset]))];
  const limit = 256 - (256 % chars.length);
  for (let attempt = 0; attempt < 10_000; attempt++) {
    let out = '';
    while (out.length < p.length) {
      for (const b of randomBytes(p.length * 2)) {
        if (b < limit) out += chars[b % chars.length];
        if (out.length === p.length) break;
      }
    }
    const ok = p.rules.every((r) => [...out].filter((c) => r.charset.includes(c)).length >= r.minChars);
    if (ok) return out;
  }
  throw new Error('unable to generate a password that satisfies the policy');
}

export class PasswordPolicyStore {
  constructor(private readonly view: StorageView) {}
  async get(name: string): Promise<string | undefined> {
    return (await this.view.getJSON<{ policy: string }>(`password/${name}`))?.policy;
  }
  async put(name: string, text: string) {
    const p = parsePasswordPolicy(text);
    // As Vault does, prove the policy can be satisfied before saving it.
    for (let i = 0; i < 10; i++) generateFromPolicy(p);
    await this.view.putJSON(`password/${name}`, { policy: text });
  }
  delete(name: string) {
    return this.view.delete(`password/${name}`);
  }
  list() {
    return this.view.list('password/');
  }
  /** A password from the named policy. @throws a 400 when the policy does not exist. */
  async generate(name: string): Promise<string> {
    const text = await this.get(name);
    if (text === undefined) throw userError(`password policy "${name}" does not exist`);
    return generateFromPolicy(parsePasswordPolicy(text));
  }
}
