/**
 * Password policies (`sys/policies/password`) and the database engine's
 * `password_policy`: generated passwords follow the policy, and the credential logs in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import type { PostgresSystem } from '../../labs/providers/postgres/index.js';
import { devEngine, http } from '../support/engine.js';
import { asUser, engineWithDb, labPostgres, ok } from './support.js';

const POLICY = `length = 24
rule "charset" {
  charset = "abcdefghijklmnopqrstuvwxyz"
  min-chars = 2
}
rule "charset" {
  charset = "0123456789"
  min-chars = 3
}
rule "charset" {
  charset = "!@#%^*"
  min-chars = 1
}
`;
const follows = (p: string) =>
  p.length === 24 &&
  /^[a-z0-9!@#%^*]+$/.test(p) &&
  (p.match(/[a-z]/g) ?? []).length >= 2 &&
  (p.match(/[0-9]/g) ?? []).length >= 3 &&
  /[!@#%^*]/.test(p);

describe('sys/policies/password', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await devEngine();
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('stores, reads, lists, generates and deletes a policy', async () => {
    expect((await http(engine, 'PUT', 'sys/policies/password/strong', { body: { policy: POLICY } })).status).toBe(204);
    expect((await http(engine, 'GET', 'sys/policies/password/strong')).body.data.policy).toBe(POLICY);
    expect((await http(engine, 'LIST', 'sys/policies/password')).body.data.keys).toEqual(['strong']);
    for (let i = 0; i < 50; i++) {
      const g = await http(engine, 'GET', 'sys/policies/password/strong/generate');
      expect(follows(g.body.data.password)).toBe(true);
    }
    expect((await http(engine, 'DELETE', 'sys/policies/password/strong')).status).toBe(204);
    expect((await http(engine, 'GET', 'sys/policies/password/strong')).status).toBe(404);
    expect((await http(engine, 'GET', 'sys/policies/password/strong/generate')).status).toBe(400);
  });

  it('refuses a policy that cannot be parsed or satisfied, with a 400 that says why', async () => {
    const bad = async (policy: string) =>
      (await http(engine, 'PUT', 'sys/policies/password/bad', { body: { policy } })).body.errors[0] as string;
    expect(await bad('length = 2\nrule "charset" { charset = "ab" }')).toContain('length must be >= 4');
    expect(await bad('length = 8\nrule "charset" { charset = "ab"\n min-chars = 9 }')).toContain(
      'need at least 9 characters',
    );
    expect(await bad('length = 8\nrule "nope" { charset = "ab" }')).toContain('unrecognized rule type "nope"');
    expect(await bad('length = 8')).toContain('at least one rule');
    expect(await bad('length = "x" {')).toMatch(/^unable to parse policy: /);
    expect((await http(engine, 'PUT', 'sys/policies/password/bad', { body: {} })).body.errors).toEqual([
      'missing policy',
    ]);
  });
});

describe('database password_policy on real PostgreSQL', () => {
  let pgs: PostgresSystem;
  let engine: Engine;
  beforeAll(async () => {
    pgs = await labPostgres();
    engine = await engineWithDb(pgs);
  });
  afterAll(async () => {
    await engine?.stop();
    await pgs?.stop();
  });

  it('generates credentials from the named policy, and they log in', async () => {
    await ok(http(engine, 'PUT', 'sys/policies/password/strong', { body: { policy: POLICY } }));
    const cfg = (await ok(http(engine, 'GET', 'database/config/labdb'))).body.data;
    expect(cfg).toBeTruthy();
    await ok(http(engine, 'POST', 'database/config/labdb', { body: { password_policy: 'strong' } }));
    const r = await ok(http(engine, 'GET', 'database/creds/readonly'));
    expect(follows(r.body.data.password)).toBe(true);
    expect(await asUser(pgs, r.body.data.username, r.body.data.password, 'SELECT 1')).toBeNull();
    await ok(http(engine, 'POST', 'database/config/labdb', { body: { password_policy: 'missing-policy' } }));
    const miss = await http(engine, 'GET', 'database/creds/readonly');
    expect(miss.status).toBe(400);
    expect(miss.body.errors[0]).toContain('password policy "missing-policy" does not exist');
  });
});
