/**
 * Property tests of TTL arithmetic through the engine's request pipeline (in-process,
 * frozen engine clock): token and lease TTLs never exceed max_ttl, explicit_max_ttl or
 * the 768h system max, never become non-expiring, renewals never pass the cap, expiry
 * happens on the clock, and num_uses is exact.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, startEngine, type Engine } from '../../engine/index.js';
import { leaseBackendFactory, type LeaseLog } from './lease-backend.js';

const SYS_MAX = 768 * 3600;
const log: LeaseLog = { revoked: [], renewed: [], failRevoke: new Set() };
let engine: Engine;
const req = (
  operation: 'read' | 'write' | 'list' | 'delete',
  path: string,
  data?: Record<string, unknown>,
  token = engine.rootToken,
) => engine.request({ operation, path, data, token });

beforeAll(async () => {
  engine = await startEngine({
    dev: true,
    rootTokenId: 'root',
    listen: false,
    clock: new Clock({ frozen: true }),
    backends: { 'test-leases': leaseBackendFactory(log) },
  });
  await req('write', 'sys/policies/acl/p', { policy: 'path "auth/token/lookup-self" { capabilities = ["read"] }' });
  await req('write', 'sys/mounts/leasy', { type: 'test-leases' });
});
afterAll(async () => {
  await engine.stop({ revokeLeases: false });
});

const secs = fc.oneof(fc.integer({ min: 1, max: 3600 }), fc.integer({ min: 3600, max: 2000 * 3600 }));
const maybe = (a: fc.Arbitrary<number>) => fc.oneof(fc.constant(0), a);

describe('token TTLs', () => {
  it('creation TTL = min(requested or default, mount max, explicit max, 768h), never 0', async () => {
    await fc.assert(
      fc.asyncProperty(
        maybe(secs),
        maybe(secs),
        maybe(fc.integer({ min: 60, max: 1000 * 3600 })),
        async (ttl, explicit, mountMax) => {
          await req('write', 'sys/auth/token/tune', { max_lease_ttl: mountMax || 'system' });
          const r = await req('write', 'auth/token/create', { policies: ['p'], ttl, explicit_max_ttl: explicit });
          expect(r.status).toBe(200);
          const got = (r.body!.auth as any).lease_duration as number;
          const cap = Math.min(SYS_MAX, mountMax || SYS_MAX, explicit || Infinity);
          expect(got).toBe(Math.min(ttl || SYS_MAX, cap));
          expect(got).toBeGreaterThan(0);
          expect(got).toBeLessThanOrEqual(SYS_MAX);
        },
      ),
      { numRuns: 150, seed: 1 },
    );
    await req('write', 'sys/auth/token/tune', { max_lease_ttl: 'system' });
  });

  it('renewals never move expiry past issue time + the effective max, and expiry happens on the clock', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 60, max: 48 * 3600 }),
        maybe(fc.integer({ min: 60, max: 72 * 3600 })),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 * 3600 }), maybe(fc.integer({ min: 1, max: 100 * 3600 }))), {
          minLength: 1,
          maxLength: 6,
        }),
        async (ttl, explicit, steps) => {
          const a = (await req('write', 'auth/token/create', { policies: ['p'], ttl, explicit_max_ttl: explicit }))
            .body!.auth as any;
          const issued = engine.clock.nowMs();
          const cap = Math.min(SYS_MAX, explicit || Infinity);
          let expireAt = issued + Math.min(ttl, cap) * 1000;
          for (const [wait, increment] of steps) {
            await engine.clock.advance(wait);
            const now = engine.clock.nowMs();
            const r = await req('write', 'auth/token/renew-self', { increment }, a.client_token);
            if (now >= expireAt) {
              expect(r.status).toBe(403);
              return;
            } // already expired: the token is gone
            if (now >= issued + cap * 1000) {
              expect(r.status).toBe(400);
              continue;
            }
            expect(r.status).toBe(200);
            const d = (r.body!.auth as any).lease_duration as number;
            expect(d).toBeGreaterThan(0);
            expect(now + d * 1000).toBeLessThanOrEqual(issued + cap * 1000);
            expect(d).toBe(Math.min(increment || ttl, Math.floor((issued + cap * 1000 - now) / 1000)));
            expireAt = now + d * 1000;
          }
          await engine.clock.advance(Math.ceil((expireAt - engine.clock.nowMs()) / 1000) + 1);
          expect((await req('read', 'auth/token/lookup-self', undefined, a.client_token)).status).toBe(403);
        },
      ),
      { numRuns: 120, seed: 2 },
    );
  });

  it('periodic tokens always renew to exactly their period (unless an explicit max cuts in)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 60, max: 24 * 3600 }),
        fc.array(fc.integer({ min: 1, max: 3600 }), { minLength: 1, maxLength: 5 }),
        async (period, waits) => {
          const a = (await req('write', 'auth/token/create', { policies: ['p'], period })).body!.auth as any;
          expect(a.lease_duration).toBe(period);
          for (const w of waits) {
            await engine.clock.advance(Math.min(w, period - 1));
            const r = await req('write', 'auth/token/renew-self', { increment: period * 10 }, a.client_token);
            expect((r.body!.auth as any).lease_duration).toBe(period);
          }
        },
      ),
      { numRuns: 60, seed: 3 },
    );
  });

  it('num_uses allows exactly n requests', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), async (n) => {
        const t = ((await req('write', 'auth/token/create', { policies: ['p'], num_uses: n })).body!.auth as any)
          .client_token;
        for (let i = 0; i < n; i++) {
          const r = await req('read', 'auth/token/lookup-self', undefined, t);
          expect(r.status).toBe(200);
          expect((r.body!.data as any).num_uses).toBe(n - i - 1);
        }
        expect((await req('read', 'auth/token/lookup-self', undefined, t)).status).toBe(403);
      }),
      { numRuns: 40, seed: 4 },
    );
  });
});

describe('lease TTLs', () => {
  it('lease duration = min(backend ttl or mount default, backend max, mount max, 768h); renewals capped; expiry revokes', async () => {
    await fc.assert(
      fc.asyncProperty(
        maybe(secs),
        maybe(secs),
        maybe(fc.integer({ min: 60, max: 1000 * 3600 })),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 * 3600 }), maybe(secs)), { maxLength: 4 }),
        async (ttl, maxTTL, mountMax, steps) => {
          await req('write', 'sys/mounts/leasy/tune', { max_lease_ttl: mountMax || 'system' });
          const r = await req('read', 'leasy/creds/app', { ttl, max_ttl: maxTTL });
          expect(r.status).toBe(200);
          const body = r.body as any;
          const effMax = Math.min(maxTTL || SYS_MAX, mountMax || SYS_MAX, SYS_MAX);
          const want = Math.min(ttl || SYS_MAX, effMax);
          expect(body.lease_duration).toBe(want);
          expect(body.lease_id).toMatch(/^leasy\/creds\/app\/[A-Za-z0-9]{24}$/);
          const issued = engine.clock.nowMs();
          let expireAt = issued + want * 1000;
          for (const [wait, inc] of steps) {
            await engine.clock.advance(wait);
            const now = engine.clock.nowMs();
            const rr = await req('write', 'sys/leases/renew', { lease_id: body.lease_id, increment: inc });
            if (now >= expireAt) {
              expect(rr.status).toBe(400);
              return;
            }
            if (now >= issued + effMax * 1000) {
              expect(rr.status).toBe(400);
              continue;
            }
            expect(rr.status).toBe(200);
            const d = (rr.body as any).lease_duration as number;
            expect(now + d * 1000).toBeLessThanOrEqual(issued + effMax * 1000);
            expireAt = now + d * 1000;
          }
          await engine.clock.advance(Math.ceil((expireAt - engine.clock.nowMs()) / 1000) + 1);
          expect(log.revoked).toContain(body.data.username);
          expect((await req('write', 'sys/leases/lookup', { lease_id: body.lease_id })).status).toBe(400);
        },
      ),
      { numRuns: 120, seed: 5 },
    );
  });
});
