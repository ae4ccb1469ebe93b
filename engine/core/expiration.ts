/**
 * The expiration manager: every lease a backend hands out is recorded here, tied to the
 * token that asked for it, and revoked through the backend's declared revoke function —
 * on request, with its token, with a prefix, or when the engine clock reaches its expiry.
 */
import type { Clock } from '../sdk/clock.js';
import { VaultError, userError } from '../sdk/errors.js';
import { base62, rfc3339Nano, sha256hex } from '../sdk/ids.js';
import type { StorageView } from '../sdk/storage.js';
import type { LeaseEntry } from '../sdk/types.js';

export type { LeaseEntry } from '../sdk/types.js';
import { SYSTEM_MAX_TTL } from './tokens.js';

export interface LeaseRevoker {
  /** Revokes through the owning backend; throws on backend failure. */
  revoke(lease: LeaseEntry): Promise<void>;
  renew(lease: LeaseEntry, increment: number): Promise<void>;
}

export class ExpirationManager {
  private timers = new Map<string, () => void>();
  revoker!: LeaseRevoker;
  /** Emitted after each revocation (labs watch DB users disappear). */
  onRevoked: Array<(l: LeaseEntry, why: 'expired' | 'revoked') => void> = [];

  constructor(
    private readonly view: StorageView,
    private readonly clock: Clock,
  ) {}

  private key(id: string) {
    return `id/${id}`;
  }
  private tokenKey(tokenHash: string, id: string) {
    return `token/${tokenHash}/${Buffer.from(id).toString('base64url')}`;
  }

  async register(opts: {
    path: string;
    mountPath: string;
    secretType: string;
    internal: Record<string, unknown>;
    ttl: number;
    maxTTL: number;
    renewable: boolean;
    token: string;
  }): Promise<LeaseEntry> {
    const now = this.clock.nowMs();
    const lease: LeaseEntry = {
      id: `${opts.path.replace(/\/$/, '')}/${base62(24)}`,
      path: opts.path,
      mountPath: opts.mountPath,
      secretType: opts.secretType,
      internal: opts.internal,
      issueTime: now,
      expireAt: now + opts.ttl * 1000,
      lastRenewal: null,
      renewable: opts.renewable,
      ttl: opts.ttl,
      maxTTL: Math.min(opts.maxTTL || SYSTEM_MAX_TTL, SYSTEM_MAX_TTL),
      tokenHash: sha256hex(opts.token),
    };
    await this.view.putJSON(this.key(lease.id), lease);
    await this.view.put(this.tokenKey(lease.tokenHash, lease.id), Buffer.from(lease.id));
    this.arm(lease);
    return lease;
  }

  private arm(lease: LeaseEntry) {
    this.timers.get(lease.id)?.();
    this.timers.set(
      lease.id,
      this.clock.at(lease.expireAt, async () => {
        this.timers.delete(lease.id);
        await this.revoke(lease.id, 'expired').catch(() => undefined);
      }),
    );
  }

  async get(id: string): Promise<LeaseEntry | undefined> {
    if (!id || id.includes('..')) return undefined;
    return this.view.getJSON<LeaseEntry>(this.key(id));
  }

  lookupData(l: LeaseEntry) {
    const ttl = Math.max(0, Math.round((l.expireAt - this.clock.nowMs()) / 1000));
    return {
      id: l.id,
      issue_time: rfc3339Nano(l.issueTime),
      expire_time: rfc3339Nano(l.expireAt),
      last_renewal: l.lastRenewal ? rfc3339Nano(l.lastRenewal) : null,
      renewable: l.renewable,
      ttl,
    };
  }

  async renew(id: string, increment: number): Promise<{ lease: LeaseEntry; warnings: string[] }> {
    const l = await this.get(id);
    if (!l) throw userError('invalid lease ID');
    if (!l.renewable) throw userError('lease is not renewable');
    const now = this.clock.nowMs();
    if (l.expireAt <= now) throw userError('lease expired');
    const maxAt = l.issueTime + l.maxTTL * 1000;
    if (now >= maxAt) throw userError('past the max TTL, cannot renew');
    const want = increment > 0 ? increment : l.ttl;
    const warnings: string[] = [];
    let expireAt = now + want * 1000;
    if (expireAt > maxAt) {
      expireAt = maxAt;
      warnings.push(
        `TTL of "${fmt(want)}" exceeded the effective max_ttl of "${fmt(Math.round((maxAt - now) / 1000))}"; TTL value is capped accordingly`,
      );
    }
    await this.revoker.renew(l, Math.round((expireAt - now) / 1000));
    l.expireAt = expireAt;
    l.lastRenewal = now;
    await this.view.putJSON(this.key(l.id), l);
    this.arm(l);
    return { lease: l, warnings };
  }

  /** Revokes one lease through its backend. Unknown ids are a no-op. */
  async revoke(id: string, why: 'expired' | 'revoked' = 'revoked', force = false): Promise<void> {
    const l = await this.get(id);
    if (!l) return;
    try {
      await this.revoker.revoke(l);
    } catch (e) {
      if (!force) throw new VaultError(400, `failed to revoke lease: ${(e as Error).message}`);
    }
    await this.view.delete(this.key(l.id));
    await this.view.delete(this.tokenKey(l.tokenHash, l.id));
    this.timers.get(l.id)?.();
    this.timers.delete(l.id);
    for (const h of this.onRevoked) h(l, why);
  }

  async revokeByToken(tokenId: string): Promise<void> {
    const prefix = `token/${sha256hex(tokenId)}/`;
    for (const k of await this.view.list(prefix)) {
      const b = await this.view.get(prefix + k);
      if (b) await this.revoke(b.toString()).catch(() => this.revoke(b.toString(), 'revoked', true));
    }
  }

  /** All lease ids starting with the prefix (slash optional at the end). */
  async idsWithPrefix(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (p: string) => {
      for (const k of await this.view.list(`id/${p}`)) {
        if (k.endsWith('/')) await walk(p + k);
        else out.push(p + k);
      }
    };
    await walk('');
    const norm = prefix.replace(/\/$/, '');
    return out.filter(
      (id) => id === norm || id.startsWith(norm + '/') || (prefix.endsWith('/') ? false : id.startsWith(prefix)),
    );
  }

  async revokePrefix(prefix: string, force = false): Promise<void> {
    for (const id of await this.idsWithPrefix(prefix)) await this.revoke(id, 'revoked', force);
  }

  /** Keys one level below a prefix, for `LIST sys/leases/lookup/<prefix>`. */
  listLevel(prefix: string) {
    return this.view.list(`id/${prefix}`);
  }

  /** Re-arms timers from storage (after restore or unseal); overdue leases expire now. */
  async restoreTimers(): Promise<void> {
    this.stop();
    const now = this.clock.nowMs();
    for (const id of await this.idsWithPrefix('')) {
      const l = await this.get(id);
      if (!l) continue;
      // Overdue leases are revoked before unseal returns, so nobody sees a lease that should be gone;
      // if the backend cannot revoke right now, the timer retries as for any other lease.
      if (
        l.expireAt <= now &&
        (await this.revoke(l.id, 'expired').then(
          () => true,
          () => false,
        ))
      )
        continue;
      this.arm(l);
    }
  }

  async all(): Promise<LeaseEntry[]> {
    const out: LeaseEntry[] = [];
    for (const id of await this.idsWithPrefix('')) {
      const l = await this.get(id);
      if (l) out.push(l);
    }
    return out;
  }

  stop() {
    for (const c of this.timers.values()) c();
    this.timers.clear();
  }
}

function fmt(s: number) {
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  return h ? `${h}h${m}m${r}s` : m ? `${m}m${r}s` : `${r}s`;
}
