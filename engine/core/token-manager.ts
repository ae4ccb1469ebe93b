/**
 * Token arithmetic and timers: creating tokens with Vault's TTL rules, renewing them,
 * the `auth` block and lookup data, and each token's expiry timer on the engine clock.
 * The token store (tokens.ts) keeps them; this decides their lifetimes.
 */
import type { Clock } from '../sdk/clock.js';
import { userError } from '../sdk/errors.js';
import { rfc3339Nano } from '../sdk/ids.js';
import { normalizePolicyName } from '../sdk/policy-name.js';
import type { CreateTokenParams, TokenHelpers } from '../sdk/system-view.js';
import type { TokenEntry } from '../sdk/types.js';
import type { Backend } from '../framework/backend.js';
import { SYSTEM_MAX_TTL, type TokenStore } from './tokens.js';

export class TokenManager implements TokenHelpers {
  private timers = new Map<string, () => void>();
  /** An entity's identity policies (entity + groups), live: set by the core once identity is mounted. */
  identityPolicies: (entityId: string) => string[] = () => [];

  /**
   * @param renewAuthOf the issuing auth method's re-validation on renew, by its mount path
   */
  constructor(
    readonly store: TokenStore,
    private readonly clock: Clock,
    private readonly renewAuthOf: (mountPath: string) => Backend['renewAuth'],
  ) {}

  /** Arms the expiry timer of a token on the engine clock. */
  arm(t: TokenEntry) {
    this.timers.get(t.id)?.();
    if (t.expireAt === null || t.type === 'batch') return;
    this.timers.set(
      t.id,
      this.clock.at(t.expireAt, async () => {
        this.timers.delete(t.id);
        await this.store.lookup(t.id); // revokes it (and its subtree) if expired
      }),
    );
  }

  async rearm() {
    for (const c of this.timers.values()) c();
    this.timers.clear();
    for (const t of await this.store.all()) this.arm(t);
  }

  /** Drops a token's expiry timer (it was revoked). */
  disarm(id: string) {
    this.timers.get(id)?.();
    this.timers.delete(id);
  }

  /** Drops every expiry timer (seal). */
  stop() {
    for (const c of this.timers.values()) c();
    this.timers.clear();
  }

  /**
   * Creates a token with TTL arithmetic done Vault's way.
   * @returns the entry and any capping warnings.
   */
  async create(p: CreateTokenParams): Promise<{ entry: TokenEntry; warnings: string[] }> {
    const warnings: string[] = [];
    const policies = sortUnique(p.policies.map(normalizePolicyName).filter(Boolean));
    const isRoot = policies.includes('root');
    const explicitMax = p.explicitMaxTTL ?? 0;
    const period = p.period ?? 0;
    let ttl = period > 0 ? period : (p.ttl ?? 0);
    let expireAt: number | null;
    const sysMax = Math.min(p.mountMaxTTL || SYSTEM_MAX_TTL, SYSTEM_MAX_TTL);
    if (isRoot && !ttl && !explicitMax && !period) {
      expireAt = null;
      ttl = 0;
    } else {
      if (!ttl) ttl = p.mountDefaultTTL || SYSTEM_MAX_TTL;
      let max = period > 0 ? 0 : Math.min(p.maxTTL || sysMax, sysMax);
      if (explicitMax > 0) max = max ? Math.min(max, explicitMax) : explicitMax;
      if (max > 0 && ttl > max) {
        warnings.push(
          `TTL of "${fmtDur(ttl)}" exceeded the effective max_ttl of "${fmtDur(max)}"; TTL value is capped accordingly`,
        );
        ttl = max;
      }
      expireAt = this.clock.nowMs() + ttl * 1000;
    }
    const entry = await this.store.create({
      id: p.id,
      policies,
      parent: p.parent,
      path: p.path,
      meta: p.meta && Object.keys(p.meta).length ? p.meta : null,
      displayName: p.displayName,
      numUses: p.numUses ?? 0,
      creationTTL: ttl,
      expireAt,
      explicitMaxTTL: explicitMax,
      period,
      ttl: p.ttl ?? 0,
      renewable: expireAt === null ? false : (p.renewable ?? true),
      type: p.type ?? 'service',
      orphan: !p.parent,
      lastRenewal: null,
      role: p.role,
      entityId: p.entityId ?? '',
      noDefault: p.noDefaultPolicy,
      internal: { ...(p.internal ?? {}), maxTTL: p.maxTTL ?? 0, mountMaxTTL: p.mountMaxTTL ?? 0 },
    });
    this.arm(entry);
    return { entry, warnings };
  }

  /** The `auth` block of a response for a token. */
  authBlock(t: TokenEntry, extra: { metadata?: Record<string, string> | null } = {}): Record<string, unknown> {
    const ttl = t.expireAt === null ? 0 : Math.max(0, Math.round((t.expireAt - this.clock.nowMs()) / 1000));
    const tokenPolicies = [...t.policies];
    const identity = t.entityId ? this.identityPolicies(t.entityId) : [];
    return {
      client_token: t.id,
      accessor: t.accessor,
      policies: identity.length ? [...new Set([...tokenPolicies, ...identity])].sort() : tokenPolicies,
      token_policies: tokenPolicies,
      ...(identity.length ? { identity_policies: identity } : {}),
      metadata: extra.metadata !== undefined ? extra.metadata : t.meta,
      lease_duration: ttl,
      renewable: t.renewable,
      entity_id: t.entityId,
      token_type: t.type,
      orphan: t.orphan,
      mfa_requirement: null,
      num_uses: t.numUses,
    };
  }

  /** Renews a token per Vault's rules (increment, periods, explicit and mount max). */
  async renew(t: TokenEntry, increment: number): Promise<{ entry: TokenEntry; warnings: string[]; renewed?: false }> {
    if (t.type === 'batch') throw userError('batch tokens cannot be renewed');
    if (t.expireAt === null) throw userError('invalid lease ID');
    if (!t.renewable) throw userError('lease is not renewable');
    // The auth method that issued a login token re-validates it (user still there, same policies).
    const renewAuth = this.renewAuthOf(String(t.internal?.mountPath ?? ''));
    if (renewAuth) {
      const r = await renewAuth(t);
      if (r === false) return { entry: t, warnings: [], renewed: false };
      if (r) {
        if (r.ttl !== undefined) t.ttl = r.ttl;
        if (r.period !== undefined) t.period = r.period;
        if (r.maxTTL !== undefined) t.internal = { ...(t.internal ?? {}), maxTTL: r.maxTTL };
      }
    }
    const now = this.clock.nowMs();
    const warnings: string[] = [];
    let ttl: number;
    if (t.period > 0) {
      ttl = t.period;
      if (t.explicitMaxTTL > 0) {
        const left = Math.floor(((t.issueMs ?? t.creationTime * 1000) + t.explicitMaxTTL * 1000 - now) / 1000);
        if (left <= 0) throw userError('past the max TTL, cannot renew');
        if (ttl > left) {
          ttl = left;
          warnings.push(
            `TTL of "${fmtDur(t.period)}" exceeded the effective max_ttl of "${fmtDur(left)}"; TTL value is capped accordingly`,
          );
        }
      }
    } else {
      const want = increment > 0 ? increment : t.ttl || (t.internal?.mountDefaultTTL as number) || SYSTEM_MAX_TTL;
      const mountMax = Math.min((t.internal?.mountMaxTTL as number) || SYSTEM_MAX_TTL, SYSTEM_MAX_TTL);
      let max = Math.min((t.internal?.maxTTL as number) || mountMax, mountMax);
      if (t.explicitMaxTTL > 0) max = Math.min(max, t.explicitMaxTTL);
      const left = Math.floor(((t.issueMs ?? t.creationTime * 1000) + max * 1000 - now) / 1000);
      if (left <= 0) throw userError('past the max TTL, cannot renew');
      ttl = want;
      if (ttl > left) {
        ttl = left;
        warnings.push(
          `TTL of "${fmtDur(want)}" exceeded the effective max_ttl of "${fmtDur(left)}"; TTL value is capped accordingly`,
        );
      }
    }
    t.expireAt = now + ttl * 1000;
    t.lastRenewal = Math.floor(now / 1000);
    await this.store.save(t);
    this.arm(t);
    return { entry: t, warnings };
  }

  /** Lookup data for a token (auth/token/lookup*). */
  lookupData(t: TokenEntry, viaAccessor = false): Record<string, unknown> {
    const now = this.clock.nowMs();
    const d: Record<string, unknown> = {
      accessor: t.accessor,
      creation_time: t.creationTime,
      creation_ttl: t.creationTTL,
      display_name: t.displayName,
      entity_id: t.entityId,
      expire_time: t.expireAt === null ? null : rfc3339Nano(t.expireAt),
      explicit_max_ttl: t.explicitMaxTTL,
      id: viaAccessor ? '' : t.id,
      meta: t.meta,
      num_uses: t.numUses,
      orphan: t.orphan,
      path: t.path,
      policies: t.policies,
      ttl: t.expireAt === null ? 0 : Math.max(0, Math.round((t.expireAt - now) / 1000)),
      type: t.type,
    };
    if (t.expireAt !== null) {
      d.issue_time = rfc3339Nano(t.issueMs ?? t.creationTime * 1000);
      d.renewable = t.renewable;
    }
    if (t.period) d.period = t.period;
    if (t.role) d.role = t.role;
    // Recomputed at every lookup: a group's new policy shows without a new login.
    const identity = t.entityId ? this.identityPolicies(t.entityId) : [];
    if (identity.length) {
      d.identity_policies = identity;
      d.external_namespace_policies = {};
    }
    if (t.lastRenewal) {
      d.last_renewal_time = t.lastRenewal;
      d.last_renewal = rfc3339Nano(t.lastRenewal * 1000);
    }
    return d;
  }

  lookup(id: string | undefined) {
    return this.store.lookup(id);
  }
  lookupAccessor(accessor: string) {
    return this.store.lookupAccessor(accessor);
  }
  revokeTree(id: string) {
    return this.store.revokeTree(id);
  }
  revokeOrphan(id: string) {
    return this.store.revokeOrphan(id);
  }
  accessors() {
    return this.store.accessors();
  }
  all() {
    return this.store.all();
  }
}

function sortUnique(a: string[]) {
  return [...new Set(a)].sort();
}

function fmtDur(s: number) {
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  return h ? `${h}h${m}m${r}s` : m ? `${m}m${r}s` : `${r}s`;
}
