/**
 * Traversal: ≥ 200 encodings of paths that climb out of an allowed prefix, against 10
 * policy sets; every one must be refused (400 for the "."/".." segment, or 403), and the
 * secret next door must never be read or written.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http as api } from '../support/engine.js';

let engine: Engine;
const tokens: string[] = [];

const POLICY_SETS = [
  'path "secret/data/team-a/*" { capabilities = ["read", "create", "update", "list"] }',
  'path "secret/data/team-a/app" { capabilities = ["read", "update"] }',
  'path "secret/data/+/app" { capabilities = ["read"] }\npath "secret/data/team-b/*" { capabilities = ["deny"] }',
  'path "secret/data/team-a/*" { capabilities = ["read"] }\npath "secret/data/team-a/x/*" { capabilities = ["update"] }',
  'path "secret/data/team-a*" { capabilities = ["read"] }\npath "secret/data/team-b" { capabilities = ["deny"] }\npath "secret/data/team-b/*" { capabilities = ["deny"] }',
  'path "secret/data/team-a/*" { capabilities = ["read"] }\npath "sys/mounts" { capabilities = ["deny"] }',
  'path "secret/+/team-a/*" { capabilities = ["read", "list"] }',
  'path "secret/data/team-a/app" { capabilities = ["read"] }\npath "secret/metadata/team-a/*" { capabilities = ["list"] }',
  '{"path": {"secret/data/team-a/*": {"capabilities": ["read", "update"]}}}',
  'path "secret/data/team-a/*" { capabilities = ["read"] }\npath "cubbyhole/*" { capabilities = ["read", "update"] }',
];

const DOTS = ['..', '%2e%2e', '%2E%2E', '%2e%2E', '.%2e', '%2e.', '.%2E'];
const SEPS = ['/', '%2f', '%2F'];
const TARGETS = ['team-b/secret', 'sys-data', '../sys/mounts', 'team-b'];

function variants(): string[] {
  const out = new Set<string>();
  for (const d of DOTS)
    for (const s of SEPS)
      for (const levels of [1, 2, 3])
        for (const t of TARGETS) {
          out.add(`secret/data/team-a/app${s}${Array(levels).fill(d).join(s)}${s}${t}`);
          out.add(`secret/data/team-a${s}${Array(levels).fill(d).join(s)}${s}${t}`);
        }
  for (const s of SEPS) {
    out.add(`secret/data/team-a/./..${s}team-b`);
    out.add(`secret/data/team-a/.${s}..${s}team-b`);
    out.add(`secret/data/team-a//..//team-b`);
  }
  return [...out];
}

function raw(method: string, path: string, token: string, body?: string): Promise<number> {
  const u = new URL(engine.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: Number(u.port),
        method,
        path: '/v1/' + path,
        headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  engine = await devEngine();
  await api(engine, 'POST', 'secret/data/team-b/secret', { body: { data: { k: 'team-b-only' } } });
  await api(engine, 'POST', 'secret/data/team-a/app', { body: { data: { k: 'team-a' } } });
  for (let i = 0; i < POLICY_SETS.length; i++) {
    const r = await api(engine, 'PUT', `sys/policies/acl/set-${i}`, { body: { policy: POLICY_SETS[i] } });
    expect(r.status).toBe(204);
    tokens.push(
      (await api(engine, 'POST', 'auth/token/create', { body: { policies: [`set-${i}`] } })).body.auth.client_token,
    );
  }
});
afterAll(async () => {
  await engine.stop();
});

describe('path traversal', () => {
  it('refuses every climbing encoding for every policy set, before any ACL match', async () => {
    const paths = variants();
    expect(paths.length).toBeGreaterThanOrEqual(200);
    const seen = new Map<number, number>();
    const leaks: string[] = [];
    for (const token of tokens) {
      for (const p of paths) {
        for (const [m, body] of [
          ['GET', undefined],
          ['PUT', '{"data":{"k":"pwned"}}'],
          ['LIST', undefined],
        ] as const) {
          const s = await raw(m, p, token, body);
          seen.set(s, (seen.get(s) ?? 0) + 1);
          if (s !== 400 && s !== 403) leaks.push(`${m} ${p} → ${s}`);
        }
      }
    }
    console.log(
      `traversal: ${paths.length} encodings × ${tokens.length} policy sets × 3 verbs; statuses ${JSON.stringify(Object.fromEntries(seen))}`,
    );
    expect(leaks.slice(0, 10)).toEqual([]);
    const b = await api(engine, 'GET', 'secret/data/team-b/secret');
    expect(b.body.data.data.k).toBe('team-b-only');
    expect(b.body.data.metadata.version).toBe(1);
  }, 300_000);

  it('policy names cannot smuggle root by a variant spelling', async () => {
    for (const name of ['ROOT', ' root', 'root ', 'Root', 'r%6fot']) {
      const r = await api(engine, 'PUT', `sys/policies/acl/${name.replace(/ /g, '%20')}`, {
        body: { policy: 'path "*" { capabilities = ["sudo", "read"] }' },
      });
      if (decodeURIComponent(name).trim().toLowerCase() === 'root') expect(r.status).toBe(400);
    }
    const t = await api(engine, 'POST', 'auth/token/create', { body: { policies: ['ROOT'] } });
    expect(t.body.auth.policies).toEqual(['root']); // root may mint root: normalised, not a new policy
    await api(engine, 'PUT', 'sys/policies/acl/minter', {
      body: { policy: 'path "auth/token/create" { capabilities = ["update"] }' },
    });
    const minter = (await api(engine, 'POST', 'auth/token/create', { body: { policies: ['minter'] } })).body.auth
      .client_token;
    for (const variant of ['Root', 'ROOT', ' root']) {
      const lim = await api(engine, 'POST', 'auth/token/create', { token: minter, body: { policies: [variant] } });
      expect(lim.status).toBe(400);
      expect(lim.body.errors[0]).toMatch(/root|subset/);
    }
  });
});
