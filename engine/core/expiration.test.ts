import { beforeEach, describe, expect, it } from 'vitest';
import { ExpirationManager } from './expiration.js';
import { Clock } from '../sdk/clock.js';
import { type Storage, StorageView } from '../sdk/storage.js';
import { VaultError } from '../sdk/errors.js';
import type { LeaseEntry } from '../sdk/types.js';

/** A plain map with folder-style listing (core tests stay off physical/). */
class MapStorage implements Storage {
  readonly kind = 'test';
  private m = new Map<string, Buffer>();
  async get(k: string) {
    return this.m.get(k);
  }
  async put(k: string, v: Buffer) {
    this.m.set(k, Buffer.from(v));
  }
  async delete(k: string) {
    this.m.delete(k);
  }
  async list(prefix: string) {
    const out = new Set<string>();
    for (const k of this.m.keys()) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const i = rest.indexOf('/');
      out.add(i === -1 ? rest : rest.slice(0, i + 1));
    }
    return [...out].sort();
  }
  async entries() {
    return [...this.m];
  }
  async replaceAll(e: Array<[string, Buffer]>) {
    this.m = new Map(e);
  }
}

let clock: Clock;
let storage: MapStorage;
let leases: ExpirationManager;
let revoked: Array<{ id: string; why: string }>;
let renewedWith: number[];
let failRevoke: boolean;

function manager() {
  const m = new ExpirationManager(new StorageView(storage, 'sys/expire/'), clock);
  m.revoker = {
    revoke: async (l: LeaseEntry) => {
      if (failRevoke) throw new Error('database unreachable');
      void l;
    },
    renew: async (_l, ttl) => {
      renewedWith.push(ttl);
    },
  };
  m.onRevoked.push((l, why) => revoked.push({ id: l.id, why }));
  return m;
}

const register = (path: string, ttl: number, maxTTL = 0, token = 'tok-a', renewable = true) =>
  leases.register({
    path,
    mountPath: 'database/',
    secretType: 'creds',
    internal: { user: path },
    ttl,
    maxTTL,
    renewable,
    token,
  });

beforeEach(() => {
  clock = new Clock({ frozen: true, start: new Date('2026-01-01T00:00:00Z') });
  storage = new MapStorage();
  revoked = [];
  renewedWith = [];
  failRevoke = false;
  leases = manager();
});

describe('ExpirationManager', () => {
  it('registers a lease under its path, stored with its TTL and expiry on the engine clock', async () => {
    const l = await register('database/creds/ro', 3600, 7200);
    expect(l.id).toMatch(/^database\/creds\/ro\/[A-Za-z0-9]{24}$/);
    expect(l.expireAt - clock.nowMs()).toBe(3600_000);
    const stored = await leases.get(l.id);
    expect(stored).toMatchObject({ ttl: 3600, maxTTL: 7200, renewable: true, internal: { user: 'database/creds/ro' } });
    expect(leases.lookupData(stored!)).toMatchObject({ id: l.id, ttl: 3600, renewable: true, last_renewal: null });
    expect(await leases.get('../escape')).toBeUndefined();
  });

  it('revokes a lease when the engine clock passes its expiry, not before', async () => {
    const l = await register('database/creds/ro', 60);
    await clock.advance(59);
    expect(await leases.get(l.id)).toBeDefined();
    await clock.advance(1);
    expect(await leases.get(l.id)).toBeUndefined();
    expect(revoked).toEqual([{ id: l.id, why: 'expired' }]);
  });

  it('renews by the increment, caps at the max TTL with a warning, and refuses past it', async () => {
    const l = await register('database/creds/ro', 600, 1800);
    await clock.advance(300);
    const r1 = await leases.renew(l.id, 900);
    expect(r1.warnings).toEqual([]);
    expect(r1.lease.expireAt - clock.nowMs()).toBe(900_000);
    expect(renewedWith).toEqual([900]);
    const r2 = await leases.renew(l.id, 3600);
    expect(r2.lease.expireAt).toBe(l.issueTime + 1800_000);
    expect(r2.warnings[0]).toBe(
      'TTL of "1h0m0s" exceeded the effective max_ttl of "25m0s"; TTL value is capped accordingly',
    );
    expect(renewedWith).toEqual([900, 1500]);
    // The renewed expiry is what the timer now waits for.
    await clock.advance(1499);
    expect(await leases.get(l.id)).toBeDefined();
    await clock.advance(1);
    expect(await leases.get(l.id)).toBeUndefined();
    await expect(leases.renew(l.id, 60)).rejects.toMatchObject({ status: 400, message: 'invalid lease ID' });
  });

  it('renew without an increment reuses the lease TTL; a non-renewable lease refuses', async () => {
    const l = await register('database/creds/ro', 120, 3600);
    await clock.advance(100);
    const r = await leases.renew(l.id, 0);
    expect(r.lease.expireAt - clock.nowMs()).toBe(120_000);
    const fixed = await register('database/creds/fixed', 120, 3600, 'tok-a', false);
    await expect(leases.renew(fixed.id, 60)).rejects.toBeInstanceOf(VaultError);
    await expect(leases.renew(fixed.id, 60)).rejects.toMatchObject({ message: 'lease is not renewable' });
  });

  it('revokeByToken revokes exactly the leases its token asked for', async () => {
    const a1 = await register('database/creds/ro', 3600, 0, 'tok-a');
    const a2 = await register('database/creds/rw', 3600, 0, 'tok-a');
    const b = await register('database/creds/ro', 3600, 0, 'tok-b');
    await leases.revokeByToken('tok-a');
    expect(revoked.map((r) => r.id).sort()).toEqual([a1.id, a2.id].sort());
    expect(await leases.get(b.id)).toBeDefined();
    // Their timers went with them: time passing revokes nothing more.
    await clock.advance(3600);
    expect(revoked.map((r) => r.id)).toContain(b.id);
    expect(revoked).toHaveLength(3);
  });

  it('revokePrefix takes a path and everything under it, not its siblings by name', async () => {
    const ro = await register('database/creds/ro', 3600);
    const ro2 = await register('database/creds/ro', 3600);
    const rox = await register('database/creds/ro-extra', 3600);
    await leases.revokePrefix('database/creds/ro/');
    expect(revoked.map((r) => r.id).sort()).toEqual([ro.id, ro2.id].sort());
    expect(await leases.get(rox.id)).toBeDefined();
    await leases.revokePrefix('database/');
    expect(await leases.all()).toEqual([]);
  });

  it('a failing backend revoke keeps the lease (400) unless forced', async () => {
    const l = await register('database/creds/ro', 3600);
    failRevoke = true;
    await expect(leases.revoke(l.id)).rejects.toMatchObject({
      status: 400,
      message: 'failed to revoke lease: database unreachable',
    });
    expect(await leases.get(l.id)).toBeDefined();
    await leases.revoke(l.id, 'revoked', true);
    expect(await leases.get(l.id)).toBeUndefined();
  });

  it('restoreTimers re-arms leases from storage; the overdue ones expire on the next tick', async () => {
    const soon = await register('database/creds/ro', 60);
    const later = await register('database/creds/rw', 7200);
    leases.stop();
    await clock.advance(120); // stopped: nothing fires
    expect(revoked).toEqual([]);
    const fresh = manager(); // as after a restart or unseal, from the same storage
    await fresh.restoreTimers();
    await clock.advance(0);
    expect(revoked).toEqual([{ id: soon.id, why: 'expired' }]);
    await clock.advance(7200);
    expect(revoked.map((r) => r.id)).toEqual([soon.id, later.id]);
    expect(clock.pending()).toBe(0);
  });
});
