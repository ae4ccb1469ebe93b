/**
 * The mount table: which backend serves which path prefix, persisted under `core/mounts`.
 * Mounting instantiates a backend from its factory with a storage view and a SystemView.
 */
import { userError } from '../sdk/errors.js';
import { shortHex, uuid } from '../sdk/ids.js';
import type { Clock } from '../sdk/clock.js';
import type { StorageView } from '../sdk/storage.js';
import type { MountConfig, MountEntry, SystemView } from '../sdk/system-view.js';
import { type Backend, type BackendFactory, compilePaths, type CompiledPath } from '../framework/backend.js';
import type { ExpirationManager } from './expiration.js';
import type { PolicyStore } from './policies.js';
import { SYSTEM_MAX_TTL, type TokenStore } from './tokens.js';

export type { MountConfig, MountEntry } from '../sdk/system-view.js';

export interface LiveMount {
  entry: MountEntry;
  backend: Backend;
  paths: CompiledPath[];
  /** Full logical prefix: `secret/` or `auth/userpass/`. */
  prefix: string;
}

/** Mounts that exist once and cannot be moved or removed. */
const SINGLETON_MOUNTS = new Set(['sys/', 'cubbyhole/', 'identity/', 'auth/token/']);

export interface MountTableDeps {
  view(prefix: string): StorageView;
  clock: Clock;
  expiration: ExpirationManager;
  tokens: TokenStore;
  policies: PolicyStore;
  /** The SystemView a backend is given; `config` reads its mount's live config. */
  systemView(config: () => MountConfig | undefined): SystemView;
}

export class MountTable {
  readonly factories = new Map<string, BackendFactory>();
  private mounts = new Map<string, LiveMount>();

  constructor(private readonly deps: MountTableDeps) {}

  /** The live mount at exactly this prefix (leases name theirs). */
  live(prefix: string): LiveMount | undefined {
    return this.mounts.get(prefix);
  }

  register(type: string, f: BackendFactory) {
    this.factories.set(type, f);
  }

  list(table: 'mounts' | 'auth'): MountEntry[] {
    return [...this.mounts.values()].filter((m) => m.entry.table === table).map((m) => m.entry);
  }

  /** System-wide TTLs (a server config's `default_lease_ttl` and `max_lease_ttl`). */
  systemTTLs = { defaultTTL: SYSTEM_MAX_TTL, maxTTL: SYSTEM_MAX_TTL };

  /** Effective TTLs of a mount: its own, or the system's. */
  ttls(e: MountEntry) {
    return {
      defaultTTL: e.config.default_lease_ttl || this.systemTTLs.defaultTTL,
      maxTTL: e.config.max_lease_ttl || this.systemTTLs.maxTTL,
    };
  }

  private async instantiate(entry: MountEntry): Promise<LiveMount> {
    const f = this.factories.get(entry.type);
    if (!f) throw userError(`plugin not found in the catalog: ${entry.type}`);
    const prefix = entry.table === 'auth' ? `auth/${entry.path}` : entry.path;
    const storagePrefix = entry.type === 'cubbyhole' ? 'sys/cubbyhole/' : `logical/${entry.uuid}/`;
    const backend = await f({
      storage: this.deps.view(storagePrefix),
      clock: this.deps.clock,
      mountPath: prefix,
      mountType: entry.type,
      mountAccessor: entry.accessor,
      options: entry.options,
      ttls: () => this.ttls(this.mounts.get(prefix)?.entry ?? entry),
      system: this.deps.systemView(() => this.mounts.get(prefix)?.entry.config),
    });
    return { entry, backend, paths: compilePaths(backend.paths), prefix };
  }

  /** Mounts a backend and persists the mount table. */
  async mount(
    e: Partial<MountEntry> & { path: string; type: string; table: 'mounts' | 'auth' },
    builtin = false,
  ): Promise<MountEntry> {
    let path = e.path.replace(/^\/+/, '');
    if (!path.endsWith('/')) path += '/';
    const prefix = e.table === 'auth' ? `auth/${path}` : path;
    for (const existing of this.mounts.keys()) {
      if (existing === prefix) throw userError(`path is already in use at ${path}`);
      if (prefix.startsWith(existing) || existing.startsWith(prefix))
        throw userError(
          `path is already in use at ${existing.startsWith('auth/') && e.table === 'auth' ? existing.slice(5) : existing}`,
        );
    }
    if (
      !builtin &&
      e.table === 'mounts' &&
      (prefix.startsWith('auth/') || ['sys/', 'cubbyhole/', 'identity/'].includes(prefix))
    ) {
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
    await this.save();
    return entry;
  }

  async unmount(table: 'mounts' | 'auth', path: string): Promise<void> {
    let p = path.replace(/^\/+/, '');
    if (!p.endsWith('/')) p += '/';
    const prefix = table === 'auth' ? `auth/${p}` : p;
    if (SINGLETON_MOUNTS.has(prefix))
      throw userError(table === 'auth' ? 'token credential backend cannot be disabled' : `cannot unmount "${p}"`);
    const live = this.mounts.get(prefix);
    if (!live) return;
    await this.deps.expiration.revokePrefix(prefix, true);
    if (table === 'auth') {
      for (const t of await this.deps.tokens.all())
        if (t.path.startsWith(prefix)) await this.deps.tokens.revokeTree(t.id);
    }
    await live.backend.cleanup?.();
    this.mounts.delete(prefix);
    await this.deps.view(`logical/${live.entry.uuid}/`).clear();
    await this.save();
  }

  async remount(from: string, to: string): Promise<void> {
    const norm = (s: string) =>
      s.replace(/^\/+/, '').endsWith('/') ? s.replace(/^\/+/, '') : s.replace(/^\/+/, '') + '/';
    const f = norm(from),
      t = norm(to);
    const live = this.mounts.get(f);
    if (!live) throw userError(`no matching mount at "${f}"`);
    if (SINGLETON_MOUNTS.has(f)) throw userError(`cannot remount "${f}"`);
    if (this.mounts.has(t)) throw userError(`path already in use at "${t}"`);
    const isAuth = f.startsWith('auth/');
    if (isAuth !== t.startsWith('auth/')) throw userError('cannot remount between secrets engines and auth methods');
    await this.deps.expiration.revokePrefix(f, true);
    this.mounts.delete(f);
    live.entry.path = isAuth ? t.slice(5) : t;
    const fresh = await this.instantiate(live.entry);
    this.mounts.set(fresh.prefix, fresh);
    await this.save();
  }

  async tune(
    prefix: string,
    changes: { description?: string; config?: Partial<MountConfig>; options?: Record<string, string> },
  ): Promise<void> {
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
    await this.save();
  }

  get(prefix: string): MountEntry | undefined {
    return this.mounts.get(prefix)?.entry;
  }

  /** The mount serving a logical path (longest prefix). */
  match(path: string): LiveMount | undefined {
    let best: LiveMount | undefined;
    for (const [p, m] of this.mounts) {
      if ((path.startsWith(p) || path + '/' === p) && (!best || p.length > best.prefix.length)) best = m;
    }
    return best;
  }

  private async save() {
    const entries = [...this.mounts.values()].map((m) => m.entry);
    await this.deps.view('core/').putJSON('mounts', entries);
  }

  /** Rebuilds the live mount table from storage (after restore or unseal). */
  async load(): Promise<boolean> {
    const entries = await this.deps.view('core/').getJSON<MountEntry[]>('mounts');
    if (!entries) return false;
    for (const m of this.mounts.values()) m.backend.invalidate?.();
    this.mounts.clear();
    for (const e of entries) {
      const live = await this.instantiate(e);
      this.mounts.set(live.prefix, live);
    }
    this.deps.policies.invalidate();
    return true;
  }

  /**
   * Seal: drops every live mount but an in-memory `sys/` (a sealed core can neither read
   * nor write its mount table).
   */
  async sealed(): Promise<void> {
    this.mounts.clear();
    const entry: MountEntry = {
      path: 'sys/',
      type: 'system',
      description: 'system endpoints used for control, policy and debugging',
      accessor: `system_${shortHex(4)}`,
      uuid: uuid(),
      config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false },
      options: null,
      local: false,
      seal_wrap: false,
      table: 'mounts',
    };
    const live = await this.instantiate(entry);
    this.mounts.set(live.prefix, live);
  }
}
