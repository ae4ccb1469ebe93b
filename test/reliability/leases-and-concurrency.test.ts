/**
 * Reliability: 1,000 one-second leases are each revoked at its expiry, never early (the p99 is measured by bench/lease-expiry);
 * concurrent check-and-set writers never lose or duplicate an acknowledged version;
 * concurrent token create/revoke leaves no revoked token usable. Durations scale with
 * SOAK=1 (npm run test:soak).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../../engine/index.js';
import { http } from '../support/engine.js';

const SOAK = process.env.SOAK === '1';
let engine: Engine;
const revokedAt = new Map<string, number>();

beforeAll(async () => {
  engine = await startEngine({
    dev: true,
    rootTokenId: 'root',
    listen: '127.0.0.1:0',
    backends: {
      // A minimal leasing backend: what the core's expiration manager drives is what is measured.
      leasy: (ctx) => ({
        type: 'leasy',
        kind: 'secret',
        paths: [
          {
            pattern: 'creds/(?<id>.+)',
            operations: {
              read: (req) => ({
                data: { id: req.params.id },
                secret: {
                  type: 'cred',
                  ttl: 1,
                  renewable: false,
                  internal: { id: req.params.id, issued: ctx.clock.nowMs() },
                },
              }),
            },
          },
        ],
        secrets: {
          cred: {
            revoke: async (internal) => {
              revokedAt.set(String(internal.id), ctx.clock.nowMs() - Number(internal.issued) - 1000);
            },
          },
        },
      }),
    },
  });
  expect((await http(engine, 'POST', 'sys/mounts/leasy', { body: { type: 'leasy' } })).status).toBe(204);
});
afterAll(async () => {
  await engine.stop();
});

const pct = (a: number[], p: number) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

describe('lease expiry', () => {
  it('revokes 1,000 one-second leases at their expiry, none early (p99 printed)', async () => {
    const N = 1000;
    for (let i = 0; i < N; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          engine.request({ operation: 'read', path: `leasy/creds/c${i + j}`, token: 'root' }),
        ),
      );
    const t0 = Date.now();
    while (revokedAt.size < N && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(revokedAt.size).toBe(N);
    const lat = [...revokedAt.values()];
    console.log(
      `lease expiry: ${N} leases, revoke latency after expiry p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms, max ${Math.max(...lat)} ms`,
    );
    expect(Math.min(...lat)).toBeGreaterThanOrEqual(0); // never early
    // A correctness bound, not a speed target: each lease goes at its own expiry, not at some later sweep.
    // The 250 ms p99 figure is printed above and measured by bench/, where load does not fail a build.
    expect(pct(lat, 99)).toBeLessThanOrEqual(2000);
    const left = await http(engine, 'LIST', 'sys/leases/lookup/leasy/creds/');
    expect(left.status).toBe(404);
  }, 60_000);
});

describe('concurrency', () => {
  it('CAS writers: versions rise by exactly one per acknowledged write, nothing acknowledged is lost', async () => {
    const KEYS = 100,
      CLIENTS = 50,
      MS = SOAK ? 30_000 : 4_000;
    const acked = new Map<string, number[]>();
    const deadline = Date.now() + MS;
    let conflicts = 0,
      reads = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        let n = 0;
        while (Date.now() < deadline) {
          const key = `k${(c * 7 + n++) % KEYS}`;
          const cur = await http(engine, 'GET', `secret/data/cas/${key}`);
          reads++;
          const version = cur.status === 200 ? cur.body.data.metadata.version : 0;
          const w = await http(engine, 'POST', `secret/data/cas/${key}`, {
            body: { data: { writer: c, after: version }, options: { cas: version } },
          });
          if (w.status === 200) {
            expect(w.body.data.version).toBe(version + 1);
            acked.set(key, [...(acked.get(key) ?? []), w.body.data.version]);
          } else {
            expect(w.status).toBe(400);
            expect(w.body.errors).toEqual(['check-and-set parameter did not match the current version']);
            conflicts++;
          }
        }
      }),
    );
    let total = 0;
    for (const [key, versions] of acked) {
      total += versions.length;
      const sorted = [...versions].sort((a, b) => a - b);
      expect(sorted).toEqual(Array.from({ length: sorted.length }, (_, i) => i + 1)); // no duplicates, no gaps
      const meta = await http(engine, 'GET', `secret/metadata/cas/${key}`);
      expect(meta.body.data.current_version).toBe(sorted.length);
      const last = await http(engine, 'GET', `secret/data/cas/${key}`);
      expect(last.body.data.data.after).toBe(sorted.length - 1);
    }
    console.log(
      `concurrency: ${CLIENTS} clients for ${MS} ms on ${KEYS} keys: ${total} acknowledged CAS writes, ${conflicts} CAS conflicts, ${reads} reads`,
    );
    expect(total).toBeGreaterThan(0);
  }, 120_000);

  it('200 clients creating and revoking tokens: a revoked token is unusable as soon as its revoke returns', async () => {
    let checked = 0;
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        for (let i = 0; i < (SOAK ? 20 : 3); i++) {
          const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'], ttl: '10m' } }))
            .body.auth.client_token;
          expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: t })).status).toBe(200);
          expect((await http(engine, 'POST', 'auth/token/revoke-self', { token: t })).status).toBe(204);
          const after = await http(engine, 'GET', 'auth/token/lookup-self', { token: t });
          expect(after.status).toBe(403);
          checked++;
        }
      }),
    );
    console.log(`token churn: ${checked} tokens created, used, revoked and refused after revoke`);
  }, 120_000);
});
