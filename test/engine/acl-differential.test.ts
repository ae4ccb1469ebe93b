/**
 * Differential test: the engine's ACL evaluator (policies parsed from generated HCL)
 * against a small reference model written here from the rules in reference §4.4 and
 * Vault's acl.go, formulated differently (patterns compiled to regular expressions,
 * priorities compared as tuples). ≥ 10 000 generated cases, zero mismatches. Templated stanzas
 * (`{{identity.…}}`) are rendered by the model from a flat table and compared the same way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACL } from '../../engine/core/acl.js';
import { parsePolicy } from '../../engine/core/policy.js';
import { renderPolicy } from '../../engine/core/policy-template.js';
import type { ResolvedIdentity } from '../../engine/sdk/identity.js';

type Cap = 'create' | 'read' | 'update' | 'delete' | 'list' | 'patch' | 'sudo' | 'deny';
interface GenRule {
  path: string;
  caps: Cap[];
}
interface GenPolicy {
  name: string;
  rules: GenRule[];
}
type Op = 'read' | 'list' | 'create' | 'update' | 'delete' | 'patch';

// ---------------------------------------------------------------- the reference model

interface ModelStanza {
  pattern: string;
  caps: Set<Cap>;
}

/** Stanzas with the same pattern text merge; a deny anywhere makes the pattern deny-only. */
function modelMerge(policies: GenPolicy[]): Map<string, ModelStanza> {
  const out = new Map<string, ModelStanza>();
  for (const p of policies) {
    for (const r of p.rules) {
      const s = out.get(r.path) ?? { pattern: r.path, caps: new Set<Cap>() };
      out.set(r.path, s);
      if (s.caps.has('deny')) continue;
      if (r.caps.includes('deny')) s.caps = new Set(['deny']);
      else r.caps.forEach((c) => s.caps.add(c));
    }
  }
  return out;
}

const isSegmentPattern = (p: string) => p === '+' || p.startsWith('+/') || p.includes('/+');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern as a regular expression: `+` segments are `[^/]*`, a trailing `*` is `.*`. */
function patternRegex(p: string): RegExp {
  const prefix = p.endsWith('*');
  const body = prefix ? p.slice(0, -1) : p;
  if (!isSegmentPattern(p)) return new RegExp('^' + escapeRe(body) + (prefix ? '[\\s\\S]*' : '') + '$');
  const src = body
    .split('/')
    .map((seg) => (seg === '+' ? '[^/]*' : escapeRe(seg)))
    .join('/');
  return new RegExp('^' + src + (prefix ? '[\\s\\S]*' : '') + '$');
}

/** Priority key: larger wins, compared element by element. */
function priority(p: string): [number, number, number, number, string] {
  const prefix = p.endsWith('*');
  const body = prefix ? p.slice(0, -1) : p;
  const first = isSegmentPattern(p) ? p.indexOf('+') : body.length;
  const plusSegments = isSegmentPattern(p) ? body.split('/').filter((s) => s === '+').length : 0;
  return [first, prefix ? 0 : 1, -plusSegments, body.length, body];
}
function cmp(a: ReturnType<typeof priority>, b: ReturnType<typeof priority>): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a[4] === b[4] ? 0 : a[4] < b[4] ? -1 : 1;
}

function modelFind(stanzas: Map<string, ModelStanza>, path: string, list: boolean): ModelStanza | undefined {
  const all = [...stanzas.values()];
  const exactOf = (p: string) =>
    all.find((s) => !s.pattern.endsWith('*') && !isSegmentPattern(s.pattern) && s.pattern === p);
  const globOf = (p: string) => {
    // Only the longest matching plain glob competes with the `+` patterns.
    const plain = all
      .filter((s) => s.pattern.endsWith('*') && !isSegmentPattern(s.pattern) && patternRegex(s.pattern).test(p))
      .sort((a, b) => b.pattern.length - a.pattern.length)
      .slice(0, 1);
    const seg = all.filter((s) => isSegmentPattern(s.pattern) && patternRegex(s.pattern).test(p));
    const cands = [...plain, ...seg];
    cands.sort((a, b) => cmp(priority(b.pattern), priority(a.pattern)));
    return cands[0];
  };
  const e = exactOf(path) ?? (list ? exactOf(path.replace(/\/$/, '')) : undefined);
  if (e) return e;
  if (list && path.endsWith('/')) {
    const g = globOf(path.slice(0, -1));
    if (g) return g;
  }
  return globOf(path);
}

function modelAllowed(policies: GenPolicy[], path: string, op: Op, needSudo: boolean): boolean {
  if (policies.some((p) => p.name === 'root')) return true;
  const s = modelFind(modelMerge(policies), path, op === 'list');
  if (!s || s.caps.has('deny') || !s.caps.has(op)) return false;
  return !needSudo || s.caps.has('sudo');
}

function modelCapabilities(policies: GenPolicy[], path: string): string[] {
  const s = modelFind(modelMerge(policies), path, true);
  if (!s || s.caps.has('deny') || s.caps.size === 0) return ['deny'];
  return [...s.caps].sort();
}

// ---------------------------------------------------------------- generators

const SEGMENTS = ['secret', 'data', 'a', 'ab', 'b', 'foo', 'foobar', ''];
const PATTERN_SEGMENTS = [...SEGMENTS, '+', '+', 'f+', '+x'];
const CAPS: Cap[] = ['create', 'read', 'update', 'delete', 'list', 'patch', 'sudo', 'deny'];

const patternArb = fc
  .tuple(
    fc.array(fc.constantFrom(...PATTERN_SEGMENTS), { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', '', '*', 'a*', 'fo*'),
  )
  .map(([segs, tail]) => {
    let p = segs.join('/');
    if (tail === '*') p += '*';
    else if (tail) p += '/' + tail;
    return p;
  })
  .filter((p) => !p.includes('+*') && !p.startsWith('/') && p !== '');

const ruleArb = fc.record({
  path: patternArb,
  caps: fc.uniqueArray(fc.constantFrom(...CAPS), { minLength: 1, maxLength: 4 }),
});
const policyArb = (i: number) =>
  fc.array(ruleArb, { minLength: 1, maxLength: 5 }).map((rules) => ({ name: `p${i}`, rules }));
const policiesArb = fc
  .integer({ min: 1, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policyArb(i))));
const pathArb = fc
  .array(fc.constantFrom(...SEGMENTS, 'fooz', 'x'), { minLength: 1, maxLength: 5 })
  .map((s) => s.join('/'))
  .filter((p) => p !== '');
const opArb = fc.constantFrom<Op>('read', 'list', 'create', 'update', 'delete', 'patch');

function toHcl(p: GenPolicy): string {
  return p.rules
    .map((r) => `path "${r.path}" {\n  capabilities = [${r.caps.map((c) => `"${c}"`).join(', ')}]\n}\n`)
    .join('\n');
}

function engineACL(policies: GenPolicy[]): ACL {
  return new ACL(policies.map((p) => parsePolicy(p.name, toHcl(p))));
}

describe('ACL evaluator vs. reference model', () => {
  it('agrees on allow/deny for 10 000 generated (policies, path, operation, sudo) cases', () => {
    let cases = 0;
    fc.assert(
      fc.property(policiesArb, pathArb, opArb, fc.boolean(), (policies, rawPath, op, needSudo) => {
        const path = op === 'list' && !rawPath.endsWith('/') ? rawPath + '/' : rawPath;
        cases++;
        const got = engineACL(policies).allow(path, op, null, needSudo).allowed;
        return got === modelAllowed(policies, path, op, needSudo);
      }),
      { numRuns: 10_000, seed: 20261122 },
    );
    expect(cases).toBeGreaterThanOrEqual(10_000);
  });

  it('agrees on sys/capabilities answers for 3 000 more cases', () => {
    fc.assert(
      fc.property(policiesArb, pathArb, (policies, path) => {
        expect(engineACL(policies).capabilities(path)).toEqual(modelCapabilities(policies, path));
      }),
      { numRuns: 3_000, seed: 7 },
    );
  });

  it('root short-circuits everything', () => {
    fc.assert(
      fc.property(
        pathArb,
        opArb,
        (path, op) => new ACL([{ name: 'root', text: '', rules: [] }]).allow(path, op, null, true).allowed,
      ),
      { numRuns: 200 },
    );
  });

  // Hand-picked cases from the reference so a shared misreading cannot hide.
  it.each([
    [
      'exact beats glob',
      ['path "secret/*" { capabilities = ["deny"] }', 'path "secret/foo" { capabilities = ["read"] }'],
      'secret/foo',
      'read',
      true,
    ],
    [
      'deny on the same pattern wins across policies',
      ['path "secret/*" { capabilities = ["read"] }', 'path "secret/*" { capabilities = ["deny"] }'],
      'secret/x',
      'read',
      false,
    ],
    [
      'later first wildcard wins',
      ['path "secret/+/foo" { capabilities = ["read"] }', 'path "secret/a/*" { capabilities = ["deny"] }'],
      'secret/a/foo',
      'read',
      false,
    ],
    [
      'a non-glob beats a glob at the same position',
      ['path "secret/+" { capabilities = ["read"] }', 'path "secret/*" { capabilities = ["deny"] }'],
      'secret/x',
      'read',
      true,
    ],
    [
      'fewer + segments win',
      ['path "a/+/+/d" { capabilities = ["deny"] }', 'path "a/+/c/d" { capabilities = ["read"] }'],
      'a/b/c/d',
      'read',
      true,
    ],
    ['* is a raw prefix', ['path "secret/foo*" { capabilities = ["read"] }'], 'secret/foobar/baz', 'read', true],
    [
      '+ is exactly one segment',
      ['path "secret/+/teamb" { capabilities = ["read"] }'],
      'secret/x/y/teamb',
      'read',
      false,
    ],
    [
      'list matches the exact rule without the slash',
      ['path "secret/metadata/app" { capabilities = ["list"] }'],
      'secret/metadata/app/',
      'list',
      true,
    ],
    ['create is not update', ['path "secret/data/x" { capabilities = ["update"] }'], 'secret/data/x', 'create', false],
  ])('%s', (_name, policies, path, op, want) => {
    const acl = new ACL(policies.map((t, i) => parsePolicy(`p${i}`, t)));
    expect(acl.allow(path, op as Op).allowed).toBe(want);
  });
});

// ---------------------------------------------------------------- templated stanzas

/** The model's identity: directive text → value, as a flat table (missing = unresolvable). */
type ModelIdentity = Record<string, string> | null;

/**
 * Renders a templated pattern the model's way: every `{{…}}` looked up in the table; a miss,
 * an empty value or a value with `*` or `+` drops the stanza (never widens it).
 */
function modelRender(pattern: string, id: ModelIdentity): string | null {
  if (!pattern.includes('{{')) return pattern;
  if (!id) return null;
  let failed = false;
  const out = pattern.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, key: string) => {
    const v = id[key];
    if (!v || /[*+]/.test(v)) failed = true;
    return v ?? '';
  });
  return failed ? null : out;
}

const DIRECTIVES = [
  'identity.entity.name',
  'identity.entity.id',
  'identity.entity.metadata.team',
  'identity.entity.aliases.auth_userpass_1.name',
  'identity.groups.names.devs.id',
  'identity.groups.ids.g-1.name',
];
const VALUES = ['a', 'ab', 'foo', 'x', '', '*', 'fo+'];

const identityArb: fc.Arbitrary<ModelIdentity> = fc
  .option(
    fc.record({
      name: fc.constantFrom(...VALUES.filter(Boolean)),
      id: fc.constantFrom('a', 'foo', 'ab'),
      team: fc.option(fc.constantFrom(...VALUES), { nil: undefined }),
      alias: fc.option(fc.constantFrom(...VALUES.filter(Boolean)), { nil: undefined }),
      devs: fc.option(fc.constantFrom('foo', 'x', 'ab'), { nil: undefined }),
      g1: fc.option(fc.constantFrom('a', 'foobar', 'b'), { nil: undefined }),
    }),
    { nil: null },
  )
  .map((r) => {
    if (!r) return null;
    const t: Record<string, string> = { 'identity.entity.name': r.name, 'identity.entity.id': r.id };
    if (r.team !== undefined) t['identity.entity.metadata.team'] = r.team;
    if (r.alias !== undefined) t['identity.entity.aliases.auth_userpass_1.name'] = r.alias;
    if (r.devs !== undefined) t['identity.groups.names.devs.id'] = r.devs;
    if (r.g1 !== undefined) t['identity.groups.ids.g-1.name'] = r.g1;
    return t;
  });

/** The same identity as the engine's resolver would hand it to the renderer. */
function engineIdentity(t: ModelIdentity): ResolvedIdentity | undefined {
  if (!t) return undefined;
  const team = t['identity.entity.metadata.team'];
  const alias = t['identity.entity.aliases.auth_userpass_1.name'];
  const groups = [];
  if (t['identity.groups.names.devs.id'] !== undefined)
    groups.push({ id: t['identity.groups.names.devs.id'], name: 'devs', metadata: {}, policies: [] });
  if (t['identity.groups.ids.g-1.name'] !== undefined)
    groups.push({ id: 'g-1', name: t['identity.groups.ids.g-1.name'], metadata: {}, policies: [] });
  return {
    entityId: t['identity.entity.id'],
    name: t['identity.entity.name'],
    disabled: false,
    metadata: team === undefined ? {} : { team },
    aliases:
      alias === undefined
        ? []
        : [{ id: 'al-1', name: alias, mountAccessor: 'auth_userpass_1', metadata: {}, customMetadata: {} }],
    groups,
    policies: [],
    sources: {},
    version: 'v',
  };
}

const templatedPatternArb = fc
  .tuple(patternArb, fc.constantFrom(...DIRECTIVES), fc.integer({ min: 0, max: 3 }), fc.boolean())
  .map(([p, dir, at, spaced]) => {
    // Put the directive in place of one segment (or append it), keeping any trailing glob.
    const glob = p.endsWith('*') ? '*' : '';
    const segs = (glob ? p.slice(0, -1) : p).split('/');
    const d = spaced ? `{{ ${dir} }}` : `{{${dir}}}`;
    segs[Math.min(at, segs.length - 1)] = d;
    return segs.join('/') + glob;
  })
  .filter((p) => !p.includes('+*'));

const templatedPolicyArb = (i: number) =>
  fc
    .array(
      fc.record({
        path: fc.oneof(patternArb, templatedPatternArb),
        caps: fc.uniqueArray(fc.constantFrom(...CAPS), { minLength: 1, maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 5 },
    )
    .map((rules) => ({ name: `t${i}`, rules }));
const templatedPoliciesArb = fc
  .integer({ min: 1, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => templatedPolicyArb(i))));

describe('templated stanzas vs. reference model', () => {
  it('agrees on allow/deny for 5 000 generated (templated policies, identity, path, op) cases', () => {
    let rendered = 0;
    fc.assert(
      fc.property(templatedPoliciesArb, identityArb, pathArb, opArb, (policies, id, rawPath, op) => {
        const path = op === 'list' && !rawPath.endsWith('/') ? rawPath + '/' : rawPath;
        const modelPolicies = policies.map((p) => ({
          name: p.name,
          rules: p.rules.flatMap((r) => {
            const path2 = modelRender(r.path, id);
            if (path2 !== null && path2 !== r.path) rendered++;
            return path2 === null ? [] : [{ path: path2, caps: r.caps }];
          }),
        }));
        const acl = new ACL(policies.map((p) => renderPolicy(parsePolicy(p.name, toHcl(p)), engineIdentity(id))));
        return acl.allow(path, op, null, false).allowed === modelAllowed(modelPolicies, path, op, false);
      }),
      { numRuns: 5_000, seed: 20261203 },
    );
    // The generator really exercised rendered stanzas, not only dropped ones.
    expect(rendered).toBeGreaterThan(1_000);
  });

  it.each([
    ['no entity: the stanza matches nothing', null, 'secret/data/users/a/x', false],
    ['own name: allowed', { 'identity.entity.name': 'a' }, 'secret/data/users/a/x', true],
    ['another name: denied', { 'identity.entity.name': 'a' }, 'secret/data/users/b/x', false],
    [
      'the raw directive text is not a path that matches',
      { 'identity.entity.name': 'a' },
      'secret/data/users/{{identity.entity.name}}/x',
      false,
    ],
    ['a glob value does not widen', { 'identity.entity.name': '*' }, 'secret/data/users/b/x', false],
  ])('%s', (_name, id, path, want) => {
    const p = parsePolicy('own', 'path "secret/data/users/{{identity.entity.name}}/*" { capabilities = ["read"] }');
    const t = id ? { 'identity.entity.id': 'e1', ...id } : null;
    expect(new ACL([renderPolicy(p, engineIdentity(t))]).allow(path, 'read').allowed).toBe(want);
  });
});
