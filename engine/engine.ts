/**
 * The composition root: startEngine assembles a core, the catalog of backends, the
 * system backend with the seal and audit devices, its built-in mounts and (optionally)
 * an HTTP listener. The only module that knows every part of the engine.
 */
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { AuditBroker, type AuditEvent } from './core/audit-log.js';
import { Clock } from './sdk/clock.js';
import { Core } from './core/core.js';
import { base62 } from './sdk/ids.js';
import type { Storage } from './sdk/storage.js';
import { MemoryStorage } from './physical/memory.js';
import { FileStorage } from './physical/file.js';
import { BarrierStorage } from './physical/barrier.js';
import { SealManager } from './physical/seal.js';
import { RaftStorage } from './physical/raft.js';
import { raftControl } from './raft-control.js';
import { raftPaths, type RaftControl } from './system/raft.js';
import { AuditManager } from './audit/manager.js';
import type { SyslogContext } from './audit/syslog.js';
import type { EngineResponse, Operation } from './sdk/types.js';
import { listen } from './http/server.js';
import { systemBackend, type SysExtension } from './system/index.js';
import { tokenBackend } from './auth/token/index.js';
import { cubbyholeBackend, kvBackend } from './secrets/kv/index.js';
import type { Backend, BackendContext, BackendFactory } from './framework/backend.js';

export interface EngineOptions {
  /** Unsealed, in-memory, `secret/` = KV v2, a root token. */
  dev?: boolean;
  /** Like `-dev-root-token-id`. */
  rootTokenId?: string;
  /** `host:port` (loopback only) or false for in-process only. Default `127.0.0.1:0`. */
  listen?: string | false;
  /** `file` storage starts sealed behind a Shamir seal and an encrypting barrier. */
  storage?:
    | { kind: 'memory' }
    | { kind: 'custom'; storage: Storage }
    | { kind: 'file'; path: string }
    /** One node; `cluster_addr` is required as in Vault. */
    | { kind: 'raft'; path: string; nodeId?: string; clusterAddr: string };
  /** Start sealed (uninitialised until `sys/init`) even on memory or custom storage. */
  seal?: boolean;
  /** System default and maximum lease TTLs in seconds (a server config's `default_lease_ttl`, `max_lease_ttl`). */
  defaultLeaseTTL?: number;
  maxLeaseTTL?: number;
  clock?: Clock;
  /** `-dev-kv-v1`: mount `secret/` as KV v1. */
  devKvV1?: boolean;
  /** Extra backends by type (transit, pki, database, userpass …). */
  backends?: Record<string, BackendFactory>;
  /** Extra sys/ path families. */
  sysExtensions?: SysExtension[];
  /** Told when a sealed engine unseals (false) or an unsealed one seals (true): a server logs it. */
  onSealChange?: (sealed: boolean) => void;
  /**
   * The engine's working directory: a relative audit `file_path` resolves against it. Vault
   * uses its process's; a lab passes the learner's workspace. Default `process.cwd()`.
   */
  workDir?: string;
  /**
   * Where a `syslog` audit device looks for a daemon: `env` is read for `VAULT_LAB_SYSLOG_SOCKET`
   * (default `process.env`; a lab passes its receiver's socket), `systemPaths` are tried after it
   * (default Vault's /dev/log, /var/run/syslog, /var/run/log).
   */
  syslog?: SyslogContext;
}

export interface EngineRequestInput {
  operation: Operation | 'write';
  path: string;
  token?: string;
  data?: Record<string, unknown> | null;
  wrapTTL?: number;
}

export interface Snapshot {
  entries: Array<[string, Buffer]>;
  at: number;
}

export interface Engine {
  readonly url: string;
  readonly rootToken: string;
  readonly clock: Clock;
  readonly events: AuditBroker['events'];
  /** The Vault version this engine reports (`sys/seal-status`, the server banner). */
  readonly version: string;
  request(r: EngineRequestInput): Promise<EngineResponse>;
  /** What a set of policies allows on a path, as `sys/capabilities` answers (`deny` when nothing). */
  capabilities(policies: string[], path: string): Promise<string[]>;
  snapshot(): Promise<Snapshot>;
  restore(s: Snapshot): Promise<void>;
  stop(opts?: { revokeLeases?: boolean }): Promise<void>;
}

const lazy =
  (load: () => Promise<(ctx: BackendContext) => Backend | Promise<Backend>>): BackendFactory =>
  async (ctx) =>
    (await load())(ctx);

/**
 * The backend catalog: mount type → factory, one line per secrets engine or auth method.
 * kv, cubbyhole and token are built in; the others load on first mount, so an engine
 * that never mounts PKI never loads x509.
 */
export const CATALOG: Readonly<Record<string, BackendFactory>> = {
  kv: kvBackend,
  cubbyhole: cubbyholeBackend,
  token: tokenBackend,
  database: lazy(async () => (await import('./secrets/database/index.js')).databaseBackend),
  transit: lazy(async () => (await import('./secrets/transit/index.js')).transitBackend),
  pki: lazy(async () => (await import('./secrets/pki/index.js')).pkiBackend),
  ssh: lazy(async () => (await import('./secrets/ssh/index.js')).sshBackend),
  totp: lazy(async () => (await import('./secrets/totp/index.js')).totpBackend),
  userpass: lazy(async () => (await import('./auth/userpass/index.js')).userpassBackend),
  approle: lazy(async () => (await import('./auth/approle/index.js')).approleBackend),
  kubernetes: lazy(async () => (await import('./auth/kubernetes/index.js')).kubernetesBackend),
  identity: lazy(async () => (await import('./secrets/identity/index.js')).identityBackend),
};

/**
 * Starts an engine.
 * @example
 *   const engine = await startEngine({ dev: true, rootTokenId: 'root' });
 *   await engine.request({ operation: 'read', path: 'sys/health' });
 */
export async function startEngine(opts: EngineOptions = {}): Promise<Engine> {
  const clock = opts.clock ?? new Clock();
  const physical =
    opts.storage?.kind === 'custom'
      ? opts.storage.storage
      : opts.storage?.kind === 'file'
        ? await FileStorage.open(opts.storage.path, { cache: 4096 })
        : opts.storage?.kind === 'raft'
          ? await RaftStorage.open(opts.storage, { cache: 4096 })
          : new MemoryStorage();
  const sealed = !opts.dev && (opts.storage?.kind === 'file' || opts.storage?.kind === 'raft' || opts.seal === true);
  const storage = sealed ? new BarrierStorage(physical) : physical;
  const audit = new AuditBroker(randomBytes(32));
  const core = new Core({ storage, clock, audit });
  for (const [t, f] of Object.entries({ ...CATALOG, ...(opts.backends ?? {}) })) core.mounts.register(t, f);
  let raftCtl: RaftControl | undefined;
  const sysExtensions = [...(opts.sysExtensions ?? []), raftPaths(() => raftCtl)];
  core.mounts.register('system', () => systemBackend(core, sysExtensions));
  const ttls = core.mounts.systemTTLs;
  if (opts.maxLeaseTTL) ttls.maxTTL = opts.maxLeaseTTL;
  if (opts.defaultLeaseTTL) ttls.defaultTTL = Math.min(opts.defaultLeaseTTL, ttls.maxTTL);
  const audits = new AuditManager(core.audit, core.view('core/'), opts.workDir ?? process.cwd(), opts.syslog);
  core.audits = audits;

  const mountIdentity = () =>
    core.mount({ path: 'identity/', type: 'identity', table: 'mounts', description: 'identity store' }, true);

  /** Loads (or on first start creates) the engine's state from open storage. */
  const bringUp = async () => {
    await core.policies.init();
    const loaded = await core.loadMounts();
    if (!loaded) {
      // A sealed core already serves an in-memory sys/; the next mount persists it with the table.
      if (!core.getMount('sys/'))
        await core.mount(
          {
            path: 'sys/',
            type: 'system',
            table: 'mounts',
            description: 'system endpoints used for control, policy and debugging',
          },
          true,
        );
      await core.mount(
        {
          path: 'cubbyhole/',
          type: 'cubbyhole',
          table: 'mounts',
          description: 'per-token private secret storage',
          local: true,
        },
        true,
      );
      await core.mount({ path: 'token/', type: 'token', table: 'auth', description: 'token based credentials' }, true);
      await mountIdentity();
      if (opts.dev) {
        await core.mount({
          path: 'secret/',
          type: 'kv',
          table: 'mounts',
          description: 'key/value secret storage',
          options: { version: opts.devKvV1 ? '1' : '2' },
        });
      }
    } else {
      // A table saved before the identity store existed gets it now: Vault always has it.
      if (!core.getMount('identity/')) await mountIdentity();
      await core.expiration.restoreTimers();
      await core.tokens.rearm();
    }
    await audits.load();
  };

  let seal: SealManager | undefined;
  let initOnly = false;
  if (storage instanceof BarrierStorage) {
    seal = new SealManager(storage, clock, core, {
      // Leases and tokens that expired while the server was down are revoked at once.
      unsealed: async (first) => {
        await bringUp();
        await clock.advance(0);
        // Init opens the barrier only to write the first state: not an unseal anyone asked for.
        if (first) initOnly = true;
        else opts.onSealChange?.(false);
      },
      sealing: async () => {
        await audits.close();
        await core.enterSealed();
        if (initOnly) initOnly = false;
        else opts.onSealChange?.(true);
      },
    });
    core.seal = seal;
    if (physical instanceof RaftStorage)
      raftCtl = raftControl(physical, storage, seal, async (swap) => {
        // What sealing and unsealing do, with the storage swapped in between.
        await audits.close();
        await core.enterSealed();
        try {
          await swap();
        } finally {
          await bringUp();
          await clock.advance(0);
        }
      });
    await seal.load();
    await core.enterSealed();
  } else {
    await bringUp();
  }

  // Revocations that no request caused (expiry, a parent token's revoke) are events too:
  // lab checks about "the user is gone" re-run on them.
  core.expiration.onRevoked.push((l, why) => audit.events.emit('lease', { type: 'revoked', lease_id: l.id, why }));

  let rootToken = '';
  if (opts.dev) {
    const id = opts.rootTokenId || 'hvs.' + base62(24);
    const existing = await core.tokens.lookup(id);
    rootToken = existing
      ? existing.id
      : (await core.tokens.create({ id, policies: ['root'], parent: '', path: 'auth/token/root', displayName: 'root' }))
          .entry.id;
  }

  let server: http.Server | undefined;
  let url = '';
  if (opts.listen !== false) {
    const l = await listen(core, opts.listen ?? '127.0.0.1:0');
    server = l.server;
    url = l.url;
  }

  let stopped = false;
  return {
    url,
    rootToken,
    clock,
    version: core.version,
    events: audit.events,
    async capabilities(policies, path) {
      return (await core.policies.acl(policies)).capabilities(path);
    },
    request: (r) =>
      core.handle({
        operation: r.operation,
        path: r.path,
        token: r.token,
        data: r.data ?? null,
        wrapTTL: r.wrapTTL,
        remoteAddress: '127.0.0.1',
      }),
    async snapshot() {
      return { entries: await storage.entries(), at: clock.nowMs() };
    },
    async restore(s) {
      core.expiration.stop();
      await storage.replaceAll(s.entries);
      await core.loadMounts();
      await core.expiration.restoreTimers();
      await core.tokens.rearm();
      await audits.load();
    },
    async stop(o = {}) {
      if (stopped) return;
      stopped = true;
      // A server with a seal keeps its leases across restarts; a dev server cleans up after itself.
      if ((o.revokeLeases ?? !seal) && !core.sealed) {
        for (const l of await core.expiration.all())
          await core.expiration.revoke(l.id, 'revoked', true).catch(() => undefined);
      }
      core.expiration.stop();
      clock.stop();
      if (server) {
        server.closeAllConnections?.();
        await new Promise<void>((r) => server!.close(() => r()));
      }
      await audits.close();
      if (physical instanceof RaftStorage) await physical.close();
    },
  };
}

export type { AuditEvent };
