// Benchmark: what entity resolution adds to a KV read.
//
// Run: node --import tsx bench/identity-kv-read.bench.mjs   (or: node bench/run.mjs identity)
//
// One engine, in process, requests through its full pipeline (token lookup, ACL, KV v2
// read, audit) without HTTP, so the identity work is not diluted by sockets. Tokens of the
// same shape (both children made by auth/token/create, so the stored entries are alike) read
// the same secret, secret/data/users/bench/cfg:
//   A. baseline: a child of root, no entity, its policy naming the path plainly;
//   B. identity: a child of a userpass login, so it carries the login's entity (named bench),
//      which is in 2 groups — one nested in the other — whose policy grants the path through
//      a template (secret/data/users/{{identity.entity.name}}/*).
// For information it also times the userpass login token itself (L), whose stored entry is
// larger (metadata, the auth method's renewal data): that difference is the token's, not
// the entity's.
// The tokens take turns read by read (shuffled each time), so a busy moment on a shared host
// lands on all of them alike; the verdict compares median reads. A second entity-less token
// (A2) shows the harness's own noise in the same run. Pass: B / A ≤ 1.05.
import { startEngine } from '../engine/index.ts';

const READS = Number(process.env.READS ?? 30000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const engine = await startEngine({ dev: true, rootTokenId: 'root', listen: false });
const req = async (operation, path, data, token = 'root') => {
  const r = await engine.request({ operation, path, data, token });
  if (r.status >= 300) throw new Error(`${operation} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

await req('write', 'secret/data/users/bench/cfg', { data: { url: 'postgres://db:5432/app', pool: '8' } });
await req('write', 'sys/policies/acl/plain', {
  policy: 'path "secret/data/users/bench/*" { capabilities = ["read"] }',
});
await req('write', 'sys/policies/acl/own', {
  policy: 'path "secret/data/users/{{identity.entity.name}}/*" { capabilities = ["read"] }',
});
const plain = (await req('write', 'auth/token/create', { policies: ['plain'] })).auth.client_token;
const control = (await req('write', 'auth/token/create', { policies: ['plain'] })).auth.client_token;

await req('write', 'sys/auth/userpass', { type: 'userpass' });
await req('write', 'sys/policies/acl/mint', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
await req('write', 'auth/userpass/users/bench', { password: 'pw-bench', token_policies: 'mint' });
const login = (await req('write', 'auth/userpass/login/bench', { password: 'pw-bench' }, '')).auth;
await req('write', `identity/entity/id/${login.entity_id}`, { name: 'bench' });
const child = (await req('write', 'identity/group', { name: 'team', member_entity_ids: [login.entity_id] })).data;
await req('write', 'identity/group', { name: 'org', policies: ['own'], member_group_ids: [child.id] });
const loginToken = login.client_token;
const withEntity = (await req('write', 'auth/token/create', { policies: ['default'] }, loginToken)).auth.client_token;

const look = (await req('read', 'auth/token/lookup-self', null, withEntity)).data;
if (JSON.stringify(look.identity_policies) !== '["own"]' || look.entity_id !== login.entity_id)
  throw new Error('identity policies not applied');

/** One read, timed on the wall clock (µs). */
async function once(token) {
  const t0 = process.hrtime.bigint();
  await req('read', 'secret/data/users/bench/cfg', null, token);
  return Number(process.hrtime.bigint() - t0) / 1e3;
}

const tokens = { A: plain, A2: control, B: withEntity, L: loginToken };
const keys = Object.keys(tokens);
// Warm-up: JIT, caches (token keys, ACL, entity resolution).
for (let i = 0; i < 3000; i++) for (const k of keys) await once(tokens[k]);

// The tokens take turns read by read, in a shuffled order each time, so a busy moment on a
// shared host lands on all of them alike; each token's median read is compared.
let seed = 20261203;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const times = { A: [], A2: [], B: [], L: [] };
for (let i = 0; i < READS; i++) {
  const order = [...keys].sort(() => rand() - 0.5);
  for (const k of order) times[k].push(await once(tokens[k]));
}
await engine.stop();

const med = (k) => median(times[k]);
const ratioB = med('B') / med('A');
const us = (k) => med(k).toFixed(2).padStart(8);
const x = (k) => (med(k) / med('A')).toFixed(3).padStart(8);
console.log(`KV v2 read through the pipeline, ${READS} reads per token, interleaved (median µs/read)`);
console.log(`  A   no entity, plain policy                          ${us('A')}`);
console.log(`  A2  control: another token like A                    ${us('A2')}   ×${x('A2')}`);
console.log(`  B   entity in 2 groups (nested), templated policy    ${us('B')}   ×${x('B')}`);
console.log(`  L   the userpass login token itself (same entity)    ${us('L')}   ×${x('L')}`);
console.log(`  budget: B / A ≤ 1.050 (A2 / A shows the harness's own noise) — ${ratioB <= 1.05 ? 'pass' : 'FAIL'}`);
process.exit(ratioB <= 1.05 ? 0 : 1);
