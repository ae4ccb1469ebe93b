/**
 * HTTP fuzz: ≥ 20,000 generated requests (fast-check, seeded) plus hand corpora — odd
 * verbs, traversal encodings, NUL bytes, double slashes, overlong and unicode paths,
 * invalid JSON, deep nesting, huge arrays, duplicate keys, wrong content types, huge
 * headers — against a dev engine with real mounts. Every answer must be < 500, every
 * error body `{"errors": [...]}`, the server must stay up, and memory must stay bounded.
 */
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http as api } from '../support/engine.js';

let engine: Engine;
let host = '',
  port = 0;
let limited = '';
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

beforeAll(async () => {
  engine = await devEngine();
  const u = new URL(engine.url);
  host = u.hostname;
  port = Number(u.port);
  for (const [p, type] of [
    ['transit', 'transit'],
    ['kv1', 'kv'],
    ['pki', 'pki'],
    ['database', 'database'],
  ] as const)
    await api(engine, 'POST', `sys/mounts/${p}`, { body: { type } });
  await api(engine, 'POST', 'sys/auth/userpass', { body: { type: 'userpass' } });
  await api(engine, 'POST', 'sys/auth/approle', { body: { type: 'approle' } });
  await api(engine, 'PUT', 'sys/policies/acl/fuzz', {
    body: {
      policy:
        'path "secret/data/fuzz/*" { capabilities = ["create", "read", "update", "list"] }\npath "transit/*" { capabilities = ["update"] }',
    },
  });
  limited = (await api(engine, 'POST', 'auth/token/create', { body: { policies: ['fuzz'] } })).body.auth.client_token;
});
afterAll(async () => {
  agent.destroy();
  await engine.stop();
});

interface Req {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

function send(r: Req): Promise<{ status: number; body: string; ctype: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host, port, method: r.method, path: r.path, agent, headers: r.headers, timeout: 20_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ctype: String(res.headers['content-type'] ?? ''),
          }),
        );
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server may close a connection on a request it refuses outright (oversized body); that is not a crash.
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') resolve({ status: 0, body: '', ctype: '' });
      else reject(e);
    });
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

const stats = { sent: 0, byStatus: new Map<number, number>(), bad: [] as string[] };
async function check(r: Req) {
  const res = await send(r);
  stats.sent++;
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  const where = `${r.method} ${r.path.slice(0, 120)}`;
  if (res.status >= 500) stats.bad.push(`${res.status} for ${where}: ${res.body.slice(0, 200)}`);
  if (res.status >= 400 && r.method !== 'HEAD' && res.body) {
    let ok = false;
    try {
      const j = JSON.parse(res.body);
      ok = Array.isArray(j.errors) || (j.data !== undefined && 'warnings' in j);
    } catch {
      ok = false;
    }
    if (!ok) stats.bad.push(`non-Vault error body (${res.status}) for ${where}: ${res.body.slice(0, 120)}`);
  }
}

const SEGMENTS = [
  'secret',
  'data',
  'metadata',
  'sys',
  'auth',
  'token',
  'transit',
  'pki',
  'kv1',
  'cubbyhole',
  'database',
  'userpass',
  'approle',
  'mounts',
  'policies',
  'acl',
  'leases',
  'lookup',
  'keys',
  'encrypt',
  'decrypt',
  'roles',
  'creds',
  'issue',
  'config',
  'fuzz',
  'x',
  '..',
  '.',
  '%2e%2e',
  '%2E%2e',
  '.%2e',
  '%2F',
  '%2f..',
  '%00',
  '',
  '%ff',
  '%',
  '%zz',
  'é',
  '💥',
  '\u202e',
  'a'.repeat(300),
  '*',
  '+',
  '?list=true',
  ';',
  '\\',
];
const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'LIST',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'FOO',
  'PROPFIND',
  'MKCOL',
  'SEARCH',
];
const TOKENS = () => [undefined, 'root', limited, 'hvs.nope', '', 'x'.repeat(5000), 'Bearer root'];

const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom(
        'data',
        'policy',
        'type',
        'plaintext',
        'ttl',
        'options',
        'paths',
        'token',
        'common_name',
        'versions',
        'cas',
        'password',
        'role_id',
        'secret_id',
        'input',
        'batch_input',
        'key_type',
        'max_versions',
      ),
      fc.jsonValue({ maxDepth: 3 }),
    )
    .map((o) => JSON.stringify(o)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '{"a":',
    '[1,2',
    'null',
    '[]',
    '"x"',
    '{"data": {"a": 1}, "data": 5}',
    '{"a":1,"a":2}',
    '\u0000',
    '{"options":{"cas":"x"},"data":{}}',
  ),
);

describe('HTTP fuzz', () => {
  it('survives ≥ 20,000 generated requests plus hand corpora with no 5xx and Vault-shaped errors', async () => {
    const rss0 = process.memoryUsage().rss;
    // Hand corpora.
    const corpus: Req[] = [];
    for (const m of METHODS)
      for (const p of [
        '/v1/secret/data/%2e%2e/sys/mounts',
        '/v1/secret//data//x',
        '/v1/%00',
        '/v1/sys/health?standbycode=abc',
        '/v1/secret/data/x%2F..%2F..%2Fsys',
        '/v1/' + 'a/'.repeat(2000),
        '/v1/sys/mounts/%ZZ',
        '/',
        '/v2/x',
        '/v1',
        '/v1/',
        '/v1/secret/data/' + encodeURIComponent('é💥\u202e'),
        '/v1/secret/data/%F0%9F%92',
        '/v1/sys/policies/acl/ROOT',
        '/v1/sys/policies/acl/%20root%20',
      ])
        corpus.push({ method: m, path: p, headers: { 'X-Vault-Token': 'root' } });
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    for (const body of [
      deep,
      '{"a":' + '{"a":'.repeat(3000) + '1' + '}'.repeat(3001),
      JSON.stringify({ data: { list: Array.from({ length: 200_000 }, (_, i) => i) } }),
      '{"data":{"k":"v"},"data":null}',
    ])
      for (const [m, p] of [
        ['PUT', '/v1/secret/data/fuzz/deep'],
        ['POST', '/v1/transit/encrypt/k'],
        ['PATCH', '/v1/secret/data/fuzz/deep'],
      ])
        corpus.push({
          method: m,
          path: p,
          body,
          headers: {
            'X-Vault-Token': 'root',
            'Content-Type': m === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
          },
        });
    for (const ct of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '',
    ])
      corpus.push({
        method: 'POST',
        path: '/v1/secret/data/fuzz/ct',
        body: 'data=x&y=%zz',
        headers: { 'X-Vault-Token': 'root', 'Content-Type': ct },
      });
    corpus.push({ method: 'GET', path: '/v1/sys/health', headers: { 'X-Big': 'x'.repeat(60 * 1024) } });
    corpus.push({
      method: 'POST',
      path: '/v1/secret/data/fuzz/w',
      headers: { 'X-Vault-Token': 'root', 'X-Vault-Wrap-TTL': 'banana' },
      body: '{"data":{}}',
    });
    corpus.push({
      method: 'POST',
      path: '/v1/secret/data/fuzz/w',
      headers: { 'X-Vault-Token': 'root', 'X-Vault-Wrap-TTL': '-5s' },
      body: '{"data":{}}',
    });
    corpus.push({
      method: 'GET',
      path: '/v1/secret/data/fuzz/w',
      headers: { 'X-Vault-Namespace': 'team-a/', 'X-Vault-Token': 'root' },
    });
    for (const r of corpus) await check(r);

    // Generated requests, seeded so a failure reproduces.
    const reqArb = fc.record({
      method: fc.constantFrom(...METHODS),
      segs: fc.array(
        fc.oneof(
          fc.constantFrom(...SEGMENTS),
          fc.string({ maxLength: 12 }).map(encodeURIComponent),
          fc.string({ maxLength: 6 }),
        ),
        { minLength: 0, maxLength: 7 },
      ),
      body: bodyArb,
      token: fc.constantFrom(...TOKENS()),
      ctype: fc.constantFrom('application/json', 'application/merge-patch+json', 'text/plain', undefined),
      wrap: fc.constantFrom(undefined, undefined, undefined, '30s', '0', 'x'),
    });
    const samples = fc.sample(reqArb, { numRuns: 20_000, seed: 20261122 });
    const toReq = (s: (typeof samples)[number]): Req => {
      const headers: Record<string, string> = {};
      if (s.token !== undefined) headers[s.token.startsWith('Bearer') ? 'Authorization' : 'X-Vault-Token'] = s.token;
      if (s.ctype) headers['Content-Type'] = s.ctype;
      if (s.wrap !== undefined) headers['X-Vault-Wrap-TTL'] = s.wrap;
      // Node's client refuses control characters in a path; percent-encode them as a real client would.
      const p =
        '/v1/' +
        s.segs.join('/').replace(/[\u0000-\u0020\u007f-\u{10ffff}]/gu, (c) => {
          try {
            return encodeURIComponent(c);
          } catch {
            return '%EF%BF%BD';
          }
        });
      return {
        method: s.method,
        path: p,
        body: s.method === 'GET' || s.method === 'HEAD' || s.method === 'TRACE' ? undefined : s.body,
        headers,
      };
    };
    const CONCURRENCY = 16;
    for (let i = 0; i < samples.length; i += CONCURRENCY)
      await Promise.all(samples.slice(i, i + CONCURRENCY).map((s) => check(toReq(s))));

    // Still alive and still right.
    const h = await api(engine, 'GET', 'sys/health');
    expect(h.status).toBe(200);
    const growthMB = (process.memoryUsage().rss - rss0) / 1024 / 1024;
    console.log(
      `fuzz: ${stats.sent} requests; statuses ${JSON.stringify(Object.fromEntries([...stats.byStatus].sort((a, b) => a[0] - b[0])))}; RSS growth ${growthMB.toFixed(1)} MB; problems ${stats.bad.length}`,
    );
    expect(stats.sent).toBeGreaterThanOrEqual(20_000);
    expect(stats.bad.slice(0, 20)).toEqual([]);
    expect(growthMB).toBeLessThan(400);
  }, 600_000);
});
