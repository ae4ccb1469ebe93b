/**
 * The core: mount table, routing, token checks, ACL, leases, wrapping and audit around
 * every request, in one place. Backends only see requests that were allowed.
 */
import type { AclDecision, AclOperation } from './acl.js';
import { AuditBroker, AuditEvent } from './audit.js';
import { Clock } from '../sdk/clock.js';
import { ExpirationManager, LeaseEntry } from './expiration.js';
import { permissionDenied, toVaultError, unsupportedOperation, unsupportedPath, userError, VaultError } from '../sdk/errors.js';

export { toVaultError };
import { rfc3339Nano, sha256hex, shortHex, uuid } from '../sdk/ids.js';
import { PolicyStore } from './policies.js';
import { PasswordPolicyStore } from './password-policy.js';
import { normalizePolicyName } from './policy.js';
import { ResponseWrapper } from './wrapping.js';
import { Storage, StorageView } from '../sdk/storage.js';
import { SYSTEM_MAX_TTL, TokenStore } from './tokens.js';
import type { BackendResponse, EngineRequest, EngineResponse, Operation, TokenEntry } from '../sdk/types.js';
import { Backend, BackendFactory, BackendRequest, compilePaths, CompiledPath, FieldData, globMatch, matchPath, pathHelp, pathOpenAPI } from '../framework/backend.js';
import { addressAllowed } from '../sdk/net.js';

export interface MountConfig {
  default_lease_ttl: number;
  max_lease_ttl: number;
  force_no_cache: boolean;
  [k: string]: unknown;
}

export interface MountEntry {
  /** With trailing slash, relative to its table (`secret/`, `userpass/`). */
  path: string;
  type: string;
  description: string;
  accessor: string;
  uuid: string;
  config: MountConfig;
  options: Record<string, string> | null;
  local: boolean;
  seal_wrap: boolean;
  table: 'mounts' | 'auth';
  pluginVersion?: string;
}

interface LiveMount {
  entry: MountEntry;
  backend: Backend;
  paths: CompiledPath[];
  /** Full logical prefix: `secret/` or `auth/userpass/`. */
  prefix: string;
}

export interface HandleInput extends EngineRequest {
  contentType?: string;
  /** Set by the HTTP layer when the body could not be parsed. */
  parseError?: string;
}

const SINGLETON_MOUNTS = new Set(['sys/', 'cubbyhole/', 'identity/', 'auth/token/']);

/** Routes that copy `data` to the top level of the envelope (reference §1.4). */
const INJECT_RE = /^sys\/(audit(\/.*)?|audit-hash\/.*|auth(\/.*)?|capabilities|capabilities-accessor|capabilities-self|config\/cors|ha-status|key-status|mounts(\/.*)?|policy(\/.*)?|remount|rotate|wrapping\/wrap)$/;

export class Core {
  readonly clock: Clock;
  readonly audit: AuditBroker;
  readonly storage: Storage;
  readonly tokens: TokenStore;
  readonly expiration: ExpirationManager;
  readonly policies: PolicyStore;
  /** Password generation policies (`sys/policies/password`), used by secrets engines. */
  readonly passwordPolicies: PasswordPolicyStore;
  /** Response wrapping (X-Vault-Wrap-TTL, sys/wrapping/*). */
  readonly wrapping: ResponseWrapper;
  readonly factories = new Map<string, BackendFactory>();
  private mounts = new Map<string, LiveMount>();
  private tokenTimers = new Map<string, () => void>();
  sealed = false;
  initialized = true;
  version = '1.15.6';
  clusterName = 'vault-lab-cluster';
  clusterId = uuid();
  /** Shamir parameters and unseal progress; replaced by the seal when one is configured. */
  sealInfo: () => { t: number; n: number; progress: number } = () => ({ t: 1, n: 1, progress: 0 });

  constructor(opts: { storage: Storage; clock: Clock; audit?: AuditBroker }) {
    this.storage = opts.storage;
    this.clock = opts.clock;
    this.audit = opts.audit ?? new AuditBroker();
    this.tokens = new TokenStore(this.view('sys/token/'), this.clock);
    this.expiration = new ExpirationManager(this.view('sys/expire/'), this.clock);
    this.policies = new PolicyStore(this.view('sys/policy/'));
    this.passwordPolicies = new PasswordPolicyStore(this.view('sys/policy/'));
    this.wrapping = new ResponseWrapper(this);
    this.expiration.revoker = {
      revoke: async (l) => {
        const m = this.mountForLease(l);
        const st = m?.backend.secrets?.[l.secretType];
        if (st) await st.revoke(l.internal);
      },
      renew: async (l, ttl) => {
        const m = this.mountForLease(l);
        const st = m?.backend.secrets?.[l.secretType];
        if (!st?.renew) throw userError('lease is not renewable');
        await st.renew(l.internal, { ttl, increment: ttl, expireAt: this.clock.nowMs() + ttl * 1000 });
      },
    };
    this.tokens.onRevoke.push(async (t) => {
      this.tokenTimers.get(t.id)?.();
      this.tokenTimers.delete(t.id);
      await this.expiration.revokeByToken(t.id);
      await this.view(`sys/cubbyhole/${sha256hex(t.id)}/`).clear();
    });
  }

  view(prefix: string) { return new StorageView(this.storage, prefix); }

  private mountForLease(l: LeaseEntry) { return this.mounts.get(l.mountPath); }

  // ---------------------------------------------------------------- mounts

  registerBackend(type: string, f: BackendFactory) { this.factories.set(type, f); }

  mountTable(table: 'mounts' | 'auth'): MountEntry[] {
    return [...this.mounts.values()].filter((m) => m.entry.table === table).map((m) => m.entry);
  }

  /** System-wide TTLs (a server config's `default_lease_ttl` and `max_lease_ttl`). */
  systemTTLs = { defaultTTL: SYSTEM_MAX_TTL, maxTTL: SYSTEM_MAX_TTL };

  /** Effective TTLs of a mount: its own, or the system's. */
  mountTTLs(e: MountEntry) {
    return {
      defaultTTL: e.config.default_lease_ttl || this.systemTTLs.defaultTTL,
      maxTTL: e.config.max_lease_ttl || this.systemTTLs.maxTTL,
    };
  }

  private async instantiate(entry: MountEntry): Promise<LiveMount> {
    const factoryType = entry.type === 'kv' && entry.options?.version === '2' ? 'kv' : entry.type;
    const f = this.factories.get(factoryType);
    if (!f) throw userError(`plugin not found in the catalog: ${entry.type}`);
    const prefix = entry.table === 'auth' ? `auth/${entry.path}` : entry.path;
    const storagePrefix = entry.type === 'cubbyhole' ? 'sys/cubbyhole/' : `logical/${entry.uuid}/`;
    const backend = await f({
      storage: this.view(storagePrefix),
      clock: this.clock,
      mountPath: prefix,
      mountType: entry.type,
      mountAccessor: entry.accessor,
      options: entry.options,
      ttls: () => this.mountTTLs(this.mounts.get(prefix)?.entry ?? entry),
      core: this,
    });
    return { entry, backend, paths: compilePaths(backend.paths), prefix };
  }

  /** Mounts a backend and persists the mount table. */
  async mount(e: Partial<MountEntry> & { path: string; type: string; table: 'mounts' | 'auth' }, builtin = false): Promise<MountEntry> {
    let path = e.path.replace(/^\/+/, '');
    if (!path.endsWith('/')) path += '/';
    const prefix = e.table === 'auth' ? `auth/${path}` : path;
    for (const existing of this.mounts.keys()) {
      if (existing === prefix) throw userError(`path is already in use at ${path}`);
      if (prefix.startsWith(existing) || existing.startsWith(prefix)) throw userError(`path is already in use at ${existing.startsWith('auth/') && e.table === 'auth' ? existing.slice(5) : existing}`);
    }
    if (!builtin && e.table === 'mounts' && (prefix.startsWith('auth/') || ['sys/', 'cubbyhole/', 'identity/'].includes(prefix))) {
      throw userError(`cannot mount under reserved path "${prefix}"`);
    }
    const entry: MountEntry = {
      path,
      type: e.type,
      description: e.description ?? '',
      accessor: `${e.table === 'auth' ? 'auth_' : ''}${e.type.replace(/-/g, '_')}_${shortHex(4)}`,
      uuid: uuid(),
      config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false, ...(e.config ?? {}) },
      options: e.options ?? null,
      local: e.local ?? false,
      seal_wrap: e.seal_wrap ?? false,
      table: e.table,
    };
    const live = await this.instantiate(entry);
    this.mounts.set(prefix, live);
    await this.saveMounts();
    return entry;
  }

  async unmount(table: 'mounts' | 'auth', path: string): Promise<void> {
    let p = path.replace(/^\/+/, '');
    if (!p.endsWith('/')) p += '/';
    const prefix = table === 'auth' ? `auth/${p}` : p;
    if (SINGLETON_MOUNTS.has(prefix)) throw userError(table === 'auth' ? 'token credential backend cannot be disabled' : `cannot unmount "${p}"`);
    const live = this.mounts.get(prefix);
    if (!live) return;
    await this.expiration.revokePrefix(prefix, true);
    if (table === 'auth') {
      for (const t of await this.tokens.all()) if (t.path.startsWith(prefix)) await this.tokens.revokeTree(t.id);
    }
    await live.backend.cleanup?.();
    this.mounts.delete(prefix);
    await this.view(`logical/${live.entry.uuid}/`).clear();
    await this.saveMounts();
  }

  async remount(from: string, to: string): Promise<void> {
    const norm = (s: string) => (s.replace(/^\/+/, '').endsWith('/') ? s.replace(/^\/+/, '') : s.replace(/^\/+/, '') + '/');
    const f = norm(from), t = norm(to);
    const live = this.mounts.get(f);
    if (!live) throw userError(`no matching mount at "${f}"`);
    if (SINGLETON_MOUNTS.has(f)) throw userError(`cannot remount "${f}"`);
    if (this.mounts.has(t)) throw userError(`path already in use at "${t}"`);
    const isAuth = f.startsWith('auth/');
    if (isAuth !== t.startsWith('auth/')) throw userError('cannot remount between secrets engines and auth methods');
    await this.expiration.revokePrefix(f, true);
    this.mounts.delete(f);
    live.entry.path = isAuth ? t.slice(5) : t;
    const fresh = await this.instantiate(live.entry);
    this.mounts.set(fresh.prefix, fresh);
    await this.saveMounts();
  }

  async tune(prefix: string, changes: { description?: string; config?: Partial<MountConfig>; options?: Record<string, string> }): Promise<void> {
    const live = this.mounts.get(prefix);
    if (!live) throw userError(`cannot fetch mount entry for path "${prefix}"`);
    if (changes.description !== undefined) live.entry.description = changes.description;
    if (changes.config) Object.assign(live.entry.config, changes.config);
    if (changes.options) {
      const before = live.entry.options?.version;
      live.entry.options = { ...(live.entry.options ?? {}), ...changes.options };
      if (live.entry.type === 'kv' && before !== live.entry.options.version) {
        const fresh = await this.instantiate(live.entry);
        this.mounts.set(prefix, fresh);
        await fresh.backend.invalidate?.();
      }
    }
    await this.saveMounts();
  }

  getMount(prefix: string): MountEntry | undefined { return this.mounts.get(prefix)?.entry; }

  /** The mount serving a logical path (longest prefix). */
  matchMount(path: string): LiveMount | undefined {
    let best: LiveMount | undefined;
    for (const [p, m] of this.mounts) {
      if ((path.startsWith(p) || path + '/' === p) && (!best || p.length > best.prefix.length)) best = m;
    }
    return best;
  }

  private async saveMounts() {
    const entries = [...this.mounts.values()].map((m) => m.entry);
    await this.view('core/').putJSON('mounts', entries);
  }

  /** Rebuilds the live mount table from storage (after restore or unseal). */
  async loadMounts(): Promise<boolean> {
    const entries = await this.view('core/').getJSON<MountEntry[]>('mounts');
    if (!entries) return false;
    for (const m of this.mounts.values()) m.backend.invalidate?.();
    this.mounts.clear();
    for (const e of entries) {
      const live = await this.instantiate(e);
      this.mounts.set(live.prefix, live);
    }
    this.policies.invalidate();
    return true;
  }

  // ---------------------------------------------------------------- tokens

  /** Arms the expiry timer of a token on the engine clock. */
  armToken(t: TokenEntry) {
    this.tokenTimers.get(t.id)?.();
    if (t.expireAt === null || t.type === 'batch') return;
    this.tokenTimers.set(t.id, this.clock.at(t.expireAt, async () => {
      this.tokenTimers.delete(t.id);
      await this.tokens.lookup(t.id); // revokes it (and its subtree) if expired
    }));
  }

  async rearmTokens() {
    for (const c of this.tokenTimers.values()) c();
    this.tokenTimers.clear();
    for (const t of await this.tokens.all()) this.armToken(t);
  }

  /**
   * Seal: stops token and lease timers and drops every live mount but an in-memory
   * `sys/` (a sealed core can neither read nor write its mount table).
   */
  async enterSealed(): Promise<void> {
    for (const c of this.tokenTimers.values()) c();
    this.tokenTimers.clear();
    this.expiration.stop();
    this.policies.invalidate();
    this.mounts.clear();
    const entry: MountEntry = {
      path: 'sys/', type: 'system', description: 'system endpoints used for control, policy and debugging', accessor: `system_${shortHex(4)}`, uuid: uuid(),
      config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false }, options: null, local: false, seal_wrap: false, table: 'mounts',
    };
    const live = await this.instantiate(entry);
    this.mounts.set(live.prefix, live);
  }

  /**
   * Creates a token with TTL arithmetic done Vault's way.
   * @returns the entry and any capping warnings.
   */
  async createToken(p: {
    policies: string[]; parent: string; path: string; displayName: string; meta?: Record<string, string> | null;
    ttl?: number; maxTTL?: number; explicitMaxTTL?: number; period?: number; numUses?: number; renewable?: boolean;
    type?: 'service' | 'batch'; id?: string; noDefaultPolicy?: boolean; role?: string; internal?: Record<string, unknown>;
    mountMaxTTL?: number; mountDefaultTTL?: number;
  }): Promise<{ entry: TokenEntry; warnings: string[] }> {
    const warnings: string[] = [];
    const policies = sortUnique(p.policies.map(normalizePolicyName).filter(Boolean));
    const isRoot = policies.includes('root');
    const explicitMax = p.explicitMaxTTL ?? 0;
    const period = p.period ?? 0;
    let ttl = period > 0 ? period : p.ttl ?? 0;
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
        warnings.push(`TTL of "${fmtDur(ttl)}" exceeded the effective max_ttl of "${fmtDur(max)}"; TTL value is capped accordingly`);
        ttl = max;
      }
      expireAt = this.clock.nowMs() + ttl * 1000;
    }
    const entry = await this.tokens.create({
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
      renewable: expireAt === null ? false : p.renewable ?? true,
      type: p.type ?? 'service',
      orphan: !p.parent,
      lastRenewal: null,
      role: p.role,
      entityId: '',
      noDefault: p.noDefaultPolicy,
      internal: { ...(p.internal ?? {}), maxTTL: p.maxTTL ?? 0, mountMaxTTL: p.mountMaxTTL ?? 0 },
    });
    this.armToken(entry);
    return { entry, warnings };
  }

  /** The `auth` block of a response for a token. */
  authBlock(t: TokenEntry, extra: { metadata?: Record<string, string> | null } = {}) {
    const ttl = t.expireAt === null ? 0 : Math.max(0, Math.round((t.expireAt - this.clock.nowMs()) / 1000));
    const tokenPolicies = [...t.policies];
    return {
      client_token: t.id,
      accessor: t.accessor,
      policies: tokenPolicies,
      token_policies: tokenPolicies,
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
  async renewToken(t: TokenEntry, increment: number): Promise<{ entry: TokenEntry; warnings: string[]; renewed?: false }> {
    if (t.type === 'batch') throw userError('batch tokens cannot be renewed');
    if (t.expireAt === null) throw userError('invalid lease ID');
    if (!t.renewable) throw userError('lease is not renewable');
    // The auth method that issued a login token re-validates it (user still there, same policies).
    const renewAuth = this.mounts.get(String(t.internal?.mountPath ?? ''))?.backend.renewAuth;
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
        if (ttl > left) { ttl = left; warnings.push(`TTL of "${fmtDur(t.period)}" exceeded the effective max_ttl of "${fmtDur(left)}"; TTL value is capped accordingly`); }
      }
    } else {
      const want = increment > 0 ? increment : t.ttl || (t.internal?.mountDefaultTTL as number) || SYSTEM_MAX_TTL;
      const mountMax = Math.min((t.internal?.mountMaxTTL as number) || SYSTEM_MAX_TTL, SYSTEM_MAX_TTL);
      let max = Math.min((t.internal?.maxTTL as number) || mountMax, mountMax);
      if (t.explicitMaxTTL > 0) max = Math.min(max, t.explicitMaxTTL);
      const left = Math.floor(((t.issueMs ?? t.creationTime * 1000) + max * 1000 - now) / 1000);
      if (left <= 0) throw userError('past the max TTL, cannot renew');
      ttl = want;
      if (ttl > left) { ttl = left; warnings.push(`TTL of "${fmtDur(want)}" exceeded the effective max_ttl of "${fmtDur(left)}"; TTL value is capped accordingly`); }
    }
    t.expireAt = now + ttl * 1000;
    t.lastRenewal = Math.floor(now / 1000);
    await this.tokens.save(t);
    this.armToken(t);
    return { entry: t, warnings };
  }

  /** Lookup data for a token (auth/token/lookup*). */
  tokenLookupData(t: TokenEntry, viaAccessor = false): Record<string, unknown> {
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
    if (t.lastRenewal) { d.last_renewal_time = t.lastRenewal; d.last_renewal = rfc3339Nano(t.lastRenewal * 1000); }
    return d;
  }

  // ---------------------------------------------------------------- requests

  /** Handles one request end to end. Never throws: errors become Vault error responses. */
  async handle(input: HandleInput): Promise<EngineResponse> {
    const requestId = uuid();
    const ctx: ReqCtx = { requestId, input, path: '', op: 'read', mount: undefined, token: undefined, decision: null, logged: false };
    try {
      return await this.route(ctx);
    } catch (e) {
      const err = toVaultError(e);
      await this.logResponse(ctx, err.status, null, err.rendered().join('\n')).catch(() => undefined);
      // A token's last use is spent even when the request fails.
      await this.afterRequest(ctx).catch(() => undefined);
      return errorResponse(err);
    }
  }

  private async route(ctx: ReqCtx): Promise<EngineResponse> {
    const { input } = ctx;
    if (input.parseError) throw userError(input.parseError);
    let path = (input.path ?? '').replace(/^\/+/, '');
    const segs = path.split('/');
    if (segs.some((s) => s === '.' || s === '..')) throw userError('invalid request path: "." and ".." segments are not allowed');
    if (path.includes('\0')) throw userError('invalid request path: NUL byte');
    let op: Operation | 'write' = input.operation;
    if (op === 'list' && !path.endsWith('/')) path += '/';
    ctx.path = path;

    if (this.sealed && !isSealExempt(path)) throw new VaultError(503, 'Vault is sealed');

    const mount = this.matchMount(path);
    ctx.mount = mount;
    const rel = mount ? path.slice(mount.prefix.length) : '';
    const matched = mount ? matchPath(mount.paths, op === 'list' ? rel : rel) : undefined;
    const unauth = !!mount && globMatch(mount.backend.unauthenticated, rel);
    const data = (input.data ?? {}) as Record<string, unknown>;

    // Token check.
    let token: TokenEntry | undefined;
    // A sealed core cannot read its token store: only the unauthenticated seal paths answer.
    if (this.sealed && !unauth) throw new VaultError(503, 'Vault is sealed');
    if (input.token && !this.sealed) token = await this.tokens.lookup(input.token);
    if (!unauth) {
      if (!input.token) { ctx.op = op === 'write' ? 'update' : op; await this.logRequest(ctx); throw new VaultError(403, 'permission denied'); }
      if (!token) { ctx.op = op === 'write' ? 'update' : op; await this.logRequest(ctx); throw new VaultError(403, ['permission denied', 'invalid token'], { multi: true }); }
      // token_bound_cidrs of an auth method's role/user: the token only works from those addresses.
      const cidrs = token.internal?.boundCidrs;
      if (Array.isArray(cidrs) && cidrs.length && !addressAllowed(input.remoteAddress, cidrs as string[])) { ctx.op = op === 'write' ? 'update' : op; await this.logRequest(ctx); throw permissionDenied(); }
    }
    ctx.token = token;

    const breq: BackendRequest = {
      operation: 'read', path: rel, mountPath: mount?.prefix ?? '', params: matched?.params ?? {}, data,
      token, clientToken: input.token, wrapTTL: input.wrapTTL ?? 0, remoteAddress: input.remoteAddress, headers: input.headers ?? {}, contentType: input.contentType,
    };
    const fd = new FieldData(data, matched?.def.fields ?? {});

    // create vs update.
    if (op === 'write') {
      op = 'update';
      if (matched?.def.existenceCheck && (matched.def.operations.create || matched.def.operations.update)) {
        try {
          op = (await matched.def.existenceCheck(breq, fd)) ? 'update' : 'create';
        } catch (e) {
          if (!(e instanceof VaultError)) throw e;
          op = 'update';
        }
      }
    }
    ctx.op = op;
    breq.operation = op;

    // ACL.
    if (!unauth && token && op !== 'help') {
      const acl = await this.policies.acl(token.policies);
      const needSudo = !!mount && globMatch(mount.backend.rootPaths, rel);
      const decision = acl.allow(path, op as AclOperation, data, needSudo, input.wrapTTL ?? 0);
      ctx.decision = decision;
      if (!decision.allowed) {
        await this.logRequest(ctx);
        if (await this.consumeUse(token)) ctx.revokeAfter = token.id;
        throw permissionDenied();
      }
      const revokeAfter = await this.consumeUse(token);
      if (revokeAfter) ctx.revokeAfter = token.id;
    }
    await this.logRequest(ctx);

    if (!mount) throw new VaultError(404, `no handler for route "${path}". route entry not found.`);
    if (op === 'help') {
      // Help comes from the same declarations as the routes; the mount root gives the backend's overview.
      if (!matched && rel !== '') throw unsupportedPath();
      const help = matched && rel !== '' ? pathHelp(matched.def, rel) : mount.backend.help ?? '';
      const openapi = matched && rel !== '' ? pathOpenAPI(matched.def, mount.prefix, rel) : { openapi: '3.0.2', info: { title: 'HashiCorp Vault API', version: this.version }, paths: {} };
      return this.finish(ctx, { bare: { help, openapi } });
    }
    if (!matched) throw unsupportedPath();
    const handler = matched.def.operations[op] ?? (op === 'create' ? matched.def.operations.update : undefined);
    if (!handler) throw unsupportedOperation();
    fd.validate();
    for (const [name, f] of Object.entries(matched.def.fields ?? {})) {
      if (f.required && !fd.has(name) && (op === 'create' || op === 'update')) throw userError(`missing required field "${name}"`);
    }
    const res = await handler(breq, fd);
    return this.finish(ctx, res ?? {});
  }

  private async consumeUse(t: TokenEntry): Promise<boolean> {
    return this.tokens.use(t);
  }

  private async finish(ctx: ReqCtx, res: BackendResponse): Promise<EngineResponse> {
    const mountType = ctx.mount?.entry.type ?? '';
    if (res.bare) {
      await this.logResponse(ctx, res.status ?? 200, res.bare, '');
      await this.afterRequest(ctx);
      return { status: res.status ?? 200, body: res.bare };
    }
    if (res.raw) {
      await this.logResponse(ctx, res.raw.status, null, '');
      await this.afterRequest(ctx);
      return { status: res.raw.status, body: null, raw: { contentType: res.raw.contentType, body: res.raw.body } };
    }
    const env: Record<string, unknown> = {
      request_id: ctx.requestId, lease_id: '', renewable: false, lease_duration: 0,
      data: res.data ?? null, wrap_info: null, warnings: res.warnings?.length ? res.warnings : null, auth: null, mount_type: mountType,
    };
    if (res.secret && ctx.mount) {
      const ttls = this.mountTTLs(ctx.mount.entry);
      let ttl = res.secret.ttl || ttls.defaultTTL;
      const max = Math.min(res.secret.maxTTL || ttls.maxTTL, ttls.maxTTL);
      if (ttl > max) ttl = max;
      if (res.secret.advisoryOnly) {
        env.lease_duration = ttl;
      } else {
        const lease = await this.expiration.register({
          path: ctx.path, mountPath: ctx.mount.prefix, secretType: res.secret.type, internal: res.secret.internal ?? {},
          ttl, maxTTL: max, renewable: res.secret.renewable ?? true, token: ctx.token?.id ?? '',
        });
        env.lease_id = lease.id;
        env.renewable = lease.renewable;
        env.lease_duration = ttl;
        if (ctx.revokeAfter) {
          await this.expiration.revoke(lease.id).catch(() => undefined);
          throw userError('Secret cannot be returned; token had one use left, so leased credentials were immediately revoked.');
        }
      }
    }
    if (res.auth && ctx.mount) {
      const ttls = this.mountTTLs(ctx.mount.entry);
      const a = res.auth;
      const named = a.policies.map(normalizePolicyName).filter(Boolean);
      if (named.includes('root')) throw userError('auth methods cannot create root tokens');
      if (named.includes('response-wrapping')) throw userError('cannot assign policy "response-wrapping"');
      const policies = a.noDefaultPolicy ? named : [...named, 'default'];
      const { entry, warnings } = await this.createToken({
        policies, parent: '', path: ctx.path, displayName: a.displayName, meta: a.metadata ?? null,
        ttl: a.ttl, maxTTL: a.maxTTL, explicitMaxTTL: a.explicitMaxTTL, period: a.period, numUses: a.numUses, renewable: a.renewable,
        type: a.tokenType, internal: { ...(a.internal ?? {}), mountPath: ctx.mount.prefix, mountDefaultTTL: ttls.defaultTTL }, mountMaxTTL: ttls.maxTTL, mountDefaultTTL: ttls.defaultTTL,
      });
      env.auth = this.authBlock(entry, { metadata: a.metadata ?? null });
      if (warnings.length) env.warnings = [...((env.warnings as string[]) ?? []), ...warnings];
    }
    if (res.tokenAuth) env.auth = res.tokenAuth;
    if (res.wrapInfo) { env.wrap_info = res.wrapInfo; env.request_id = ''; }
    if (res.lease) { env.lease_id = res.lease.id; env.renewable = res.lease.renewable; env.lease_duration = res.lease.duration; }
    if ((res.injectTopLevel || (mountType === 'system' && INJECT_RE.test(ctx.path.replace(/\/$/, '')))) && res.data) Object.assign(env, res.data);

    const empty = env.data === null && env.auth === null && env.wrap_info === null && !env.lease_id && !env.warnings && !env.lease_duration && !res.status;
    const status = res.status ?? (empty ? 204 : 200);

    // Response wrapping: only successful responses with something in them are wrapped.
    const wrapTTL = ctx.input.wrapTTL ?? 0;
    if (wrapTTL > 0 && status === 200 && !empty && !res.wrapInfo) {
      const wrappedAccessor = res.wrappedAccessor ?? ((env.auth as { accessor?: string } | null)?.accessor || undefined);
      const wrapped = await this.wrapping.wrap(env, ctx.path, ctx.token, wrapTTL, wrappedAccessor);
      wrapped.mount_type = mountType;
      await this.logResponse(ctx, 200, wrapped, '');
      await this.afterRequest(ctx);
      return { status: 200, body: wrapped };
    }
    await this.logResponse(ctx, status, env, '');
    await this.afterRequest(ctx);
    return { status, body: empty ? null : env };
  }

  private async afterRequest(ctx: ReqCtx) {
    if (ctx.revokeAfter) await this.tokens.revokeTree(ctx.revokeAfter);
  }

  // ---------------------------------------------------------------- audit

  private auditAuth(ctx: ReqCtx): AuditEvent['auth'] {
    const t = ctx.token;
    if (!t) return null;
    return {
      client_token: this.audit.hash(t.id),
      accessor: t.accessor ? this.audit.hash(t.accessor) : '',
      display_name: t.displayName,
      policies: t.policies,
      token_policies: t.policies,
      metadata: t.meta,
      entity_id: t.entityId,
      token_type: t.type,
      token_ttl: t.creationTTL,
      policy_results: ctx.decision ? { allowed: ctx.decision.allowed, granting_policies: ctx.decision.allowed ? ctx.decision.policies.map((name) => ({ name, type: 'acl' as const })) : [] } : undefined,
    };
  }

  private auditRequest(ctx: ReqCtx): AuditEvent['request'] {
    const m = ctx.mount?.entry;
    return {
      id: ctx.requestId,
      operation: ctx.op,
      mount_type: m?.type ?? '',
      mount_point: ctx.mount?.prefix ?? '',
      mount_accessor: m?.accessor ?? '',
      client_token: ctx.input.token ? this.audit.hash(ctx.input.token) : '',
      client_token_accessor: ctx.token?.accessor ? this.audit.hash(ctx.token.accessor) : '',
      namespace: { id: 'root' },
      path: ctx.path,
      data: ctx.input.data ? this.audit.hashValues(ctx.input.data) : null,
      remote_address: ctx.input.remoteAddress ?? '',
    };
  }

  /** Building an event HMACs every string in it: skip that when nothing would receive it. */
  private auditing(): boolean {
    return this.audit.events.listenerCount('audit') > 0 || this.audit.devices.some((d) => d.enabled?.() !== false);
  }

  private async logRequest(ctx: ReqCtx) {
    if (ctx.logged) return;
    ctx.logged = true;
    if (!this.auditing()) return;
    await this.audit.log({ type: 'request', time: rfc3339Nano(this.clock.nowMs()), auth: this.auditAuth(ctx), request: this.auditRequest(ctx), error: '', decision: ctx.decision });
  }

  private async logResponse(ctx: ReqCtx, status: number, body: Record<string, unknown> | null, error: string) {
    if (!ctx.path) return; // never routed (bad input before path parsing)
    await this.logRequest(ctx);
    if (!this.auditing()) return;
    const resp: AuditEvent['response'] = {
      mount_type: ctx.mount?.entry.type ?? '',
      data: body ? this.audit.hashValues(body.data ?? (body.auth || body.wrap_info ? null : body)) : null,
      secret: body?.lease_id ? { lease_id: body.lease_id as string } : null,
      auth: body?.auth ? this.audit.hashAuth(body.auth as Record<string, unknown>) : null,
      wrap_info: body?.wrap_info ? this.audit.hashValues(body.wrap_info) : null,
      warnings: (body?.warnings as string[] | null) ?? null,
    };
    await this.audit.log({ type: 'response', time: rfc3339Nano(this.clock.nowMs()), auth: this.auditAuth(ctx), request: this.auditRequest(ctx), response: resp, status, error, decision: ctx.decision });
  }
}

interface ReqCtx {
  requestId: string;
  input: HandleInput;
  path: string;
  op: Operation;
  mount: LiveMount | undefined;
  token: TokenEntry | undefined;
  decision: AclDecision | null;
  logged: boolean;
  revokeAfter?: string;
}

const SEAL_EXEMPT = /^sys\/(health|seal-status|init|unseal|leader|seal|generate-root.*|rekey.*)$/;
function isSealExempt(path: string) { return SEAL_EXEMPT.test(path.replace(/\/$/, '')); }

export function errorResponse(err: VaultError): EngineResponse {
  const body: Record<string, unknown> = err.body ? { ...err.body } : { errors: err.rendered() };
  return { status: err.status, body };
}

function sortUnique(a: string[]) { return [...new Set(a)].sort(); }

function fmtDur(s: number) {
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}h${m}m${r}s` : m ? `${m}m${r}s` : `${r}s`;
}

