/**
 * Lab 10 (policies-and-tokens), issue 17: a wildcard policy must fail where it is written
 * (it used to pass and leave denied-other-path impossible), a token must carry the 1h TTL the
 * step asks for, and what the lab says of the `default` policy is what the engine grants.
 * Each "before" case runs the lab with the step's checks as they were, and must fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http } from '../support/engine.js';
import { checks, type RawLab, rawLab, stepOf, upTo, walk } from './lab-walks.js';

const LAB = '10-policies-and-tokens.yaml';

const OLD_WRITE_POLICY = checks(`
- state: { path: sys/policies/acl/read-only }
  message: Upload a policy named read-only.
- capabilities:
    policy: read-only
    path: secret/data/myapp/config
    includes: [read]
    excludes: [create, update, patch, delete]
  message: The read-only policy should allow reading secret/data/myapp/config and nothing more.
`);

const OLD_CREATE_TOKEN = checks(`
- request:
    path: auth/token/create
    status: 200
    response:
      - { at: auth.policies, contains: read-only }
  message: Create a token with -policy=read-only.
`);

const WILDCARD = [
  'printf \'path "secret/data/*" {\\n  capabilities = ["read"]\\n}\\n\' > read-only.hcl',
  'vault policy write read-only read-only.hcl',
];

/** Keeps, in one step, only the anti-solutions whose diagnostic contains `word`. */
function onlyAnti(raw: RawLab, id: string, word: string) {
  const s = stepOf(raw, id);
  s.anti_solutions = (s.anti_solutions as { diagnostic: string }[]).filter((a) => a.diagnostic.includes(word));
  expect(s.anti_solutions).toHaveLength(1);
}

describe('lab 10: a wildcard policy', () => {
  it('fails at write-policy with a diagnostic naming the other path (it used to pass there)', async () => {
    const now = upTo(rawLab(LAB), 'write-policy');
    onlyAnti(now, 'write-policy', 'secret/data/another/path');
    expect((await walk(now, LAB, { kind: 'main' })).failed).toEqual([]);

    const before = upTo(rawLab(LAB), 'write-policy');
    onlyAnti(before, 'write-policy', 'secret/data/another/path');
    stepOf(before, 'write-policy').check = OLD_WRITE_POLICY;
    const { failed } = await walk(before, LAB, { kind: 'main' });
    expect(failed.map((f) => f.step)).toEqual(['write-policy']);
    expect(failed[0].detail).toContain('passes the checks');
  }, 120_000);

  it('left denied-other-path a dead end before; now the step where it is written refuses it', async () => {
    const before = upTo(rawLab(LAB), 'denied-other-path');
    stepOf(before, 'write-policy').check = OLD_WRITE_POLICY;
    stepOf(before, 'write-policy').alternatives = [{ name: 'wildcard', run: WILDCARD }];
    const old = await walk(before, LAB, { kind: 'alt', k: 0 });
    expect(old.failed.map((f) => f.step)).toEqual(['denied-other-path [after write-policy [wildcard]]']);
    expect(old.failed[0].detail).toContain('dead end');

    const now = upTo(rawLab(LAB), 'write-policy');
    stepOf(now, 'write-policy').alternatives = [{ name: 'wildcard', run: WILDCARD }];
    const { failed } = await walk(now, LAB, { kind: 'alt', k: 0 });
    expect(failed.map((f) => f.step)).toEqual(['write-policy [wildcard]']);
    expect(failed[0].detail).toContain('also opens');
  }, 120_000);
});

describe('lab 10: create-token', () => {
  it('refuses a token without the 1h TTL (it used to pass)', async () => {
    const now = upTo(rawLab(LAB), 'create-token');
    onlyAnti(now, 'create-token', 'lease_duration');
    expect((await walk(now, LAB, { kind: 'main' })).failed).toEqual([]);

    const before = upTo(rawLab(LAB), 'create-token');
    onlyAnti(before, 'create-token', 'lease_duration');
    stepOf(before, 'create-token').check = OLD_CREATE_TOKEN;
    const { failed } = await walk(before, LAB, { kind: 'main' });
    expect(failed.map((f) => f.step)).toEqual(['create-token']);
    expect(failed[0].detail).toContain('passes the checks');
  }, 120_000);
});

describe('lab 10: what the text says of the default policy', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await devEngine();
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('names more than lookup and renew, and the engine grants each of them', async () => {
    const body = String(stepOf(rawLab(LAB), 'create-token').body);
    for (const word of ['revoke', 'capabilities-self', 'cubbyhole/', 'sys/wrapping', 'leases', 'sys/tools/hash'])
      expect(body).toContain(word);
    expect(body).not.toMatch(/look itself up and renew itself, nothing more/);
    const created = await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } });
    const token = created.body.auth.client_token as string;
    const caps = async (p: string) =>
      (await http(engine, 'POST', 'sys/capabilities-self', { token, body: { paths: [p] } })).body.capabilities;
    expect(await caps('auth/token/revoke-self')).toContain('update');
    expect(await caps('cubbyhole/notes')).toEqual(expect.arrayContaining(['create', 'read', 'update', 'delete']));
    expect(await caps('sys/wrapping/unwrap')).toContain('update');
    expect(await caps('sys/leases/renew')).toContain('update');
    expect(await caps('sys/tools/hash/sha2-256')).toContain('update');
    expect(await caps('secret/data/myapp/config')).toEqual(['deny']);
    expect(await caps('auth/token/create')).toEqual(['deny']);
  });
});
