/**
 * The core: owns the engine's parts — the mount table, token manager, policy store,
 * expiration manager, response wrapping and audit — and wires them to each other.
 * Every request goes through its RequestHandler (request-handler.ts).
 */
import { AuditBroker, RequestAuditor } from './audit-log.js';
import { ExpirationManager } from './expiration.js';
import { MountTable, type LiveMount, type MountEntry } from './mount-table.js';
import { PasswordPolicyStore } from './password-policy.js';
import { PolicyStore } from './policies.js';
import { renderPath } from './policy-template.js';
import { RequestHandler, type HandleInput } from './request-handler.js';
import { TokenManager } from './token-manager.js';
import { TokenStore } from './tokens.js';
import { ResponseWrapper } from './wrapping.js';
import type { Clock } from '../sdk/clock.js';
import { userError } from '../sdk/errors.js';
import { sha256hex, uuid } from '../sdk/ids.js';
import { type Storage, StorageView } from '../sdk/storage.js';
import type { MountConfig, SystemView } from '../sdk/system-view.js';
import type { EngineResponse } from '../sdk/types.js';
import type { AuditAdmin, MountChanges, SealControl, SystemHost } from '../sdk/system-host.js';

export type { HandleInput } from './request-handler.js';
export type { MountConfig, MountEntry } from './mount-table.js';
export { errorResponse } from './request-handler.js';
export { toVaultError } from '../sdk/errors.js';

export class Core implements SystemHost {
  readonly clock: Clock;
  readonly audit: AuditBroker;
  readonly auditLog: RequestAuditor;
  readonly storage: Storage;
  readonly tokens: TokenManager;
  readonly expiration: ExpirationManager;
  readonly policies: PolicyStore;
  /** Password generation policies (`sys/policies/password`), used by secrets engines. */
  readonly passwordPolicies: PasswordPolicyStore;
  /** Response wrapping (X-Vault-Wrap-TTL, sys/wrapping/*). */
  readonly wrapping: ResponseWrapper;
  readonly mounts: MountTable;
  private readonly requests: RequestHandler;
  /** Set at composition (engine.ts) when the engine has them. */
  audits?: AuditAdmin;
  seal?: SealControl;
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
    this.auditLog = new RequestAuditor(this.audit, this.clock);
    const store = new TokenStore(this.view('sys/token/'), this.clock);
    this.tokens = new TokenManager(store, this.clock, (p) => this.mounts.live(p)?.backend.renewAuth);
    this.expiration = new ExpirationManager(this.view('sys/expire/'), this.clock);
    this.policies = new PolicyStore(this.view('sys/policy/'));
    this.passwordPolicies = new PasswordPolicyStore(this.view('sys/policy/'));
    this.wrapping = new ResponseWrapper({ view: (p) => this.view(p), tokens: this.tokens });
    const shared: Omit<SystemView, 'mountConfig'> = {
      tokens: this.tokens,
      policyExists: (name) => this.policies.exists(name),
      hasSudo: async (policies, path) => (await this.policies.acl(policies)).allow(path, 'update', null, true).sudo,
      generatePassword: (name) => this.passwordPolicies.generate(name),
      authMountByAccessor: (accessor) => {
        const e = this.mounts.list('auth').find((m) => m.accessor === accessor);
        return e && { accessor, type: e.type, path: `auth/${e.path}`, local: e.local };
      },
      renderIdentityTemplate: (text, entityId) => renderPath(text, this.policies.identity?.()?.resolve(entityId)),
    };
    this.mounts = new MountTable({
      view: (p) => this.view(p),
      clock: this.clock,
      expiration: this.expiration,
      tokens: store,
      policies: this.policies,
      systemView: (config: () => MountConfig | undefined): SystemView => ({ ...shared, mountConfig: config }),
    });
    this.requests = new RequestHandler(this);
    // The identity store is the `identity/` mount's backend; entities add policies to tokens.
    this.policies.identity = () => this.mounts.live('identity/')?.backend.identity;
    this.tokens.identityPolicies = (id) => this.policies.identity()?.resolve(id)?.policies ?? [];
    this.auditLog.identityPolicies = this.tokens.identityPolicies;
    this.expiration.revoker = {
      revoke: async (l) => {
        const st = this.mounts.live(l.mountPath)?.backend.secrets?.[l.secretType];
        if (st) await st.revoke(l.internal);
      },
      renew: async (l, ttl) => {
        const st = this.mounts.live(l.mountPath)?.backend.secrets?.[l.secretType];
        if (!st?.renew) throw userError('lease is not renewable');
        await st.renew(l.internal, { ttl, increment: ttl, expireAt: this.clock.nowMs() + ttl * 1000 });
      },
    };
    store.onRevoke.push(async (t) => {
      this.tokens.disarm(t.id);
      await this.expiration.revokeByToken(t.id);
      await this.view(`sys/cubbyhole/${sha256hex(t.id)}/`).clear();
    });
  }

  view(prefix: string) {
    return new StorageView(this.storage, prefix);
  }

  get storageKind() {
    return this.storage.kind;
  }

  /** Handles one request end to end. Never throws: errors become Vault error responses. */
  handle(input: HandleInput): Promise<EngineResponse> {
    return this.requests.handle(input);
  }

  // The mount table, as sys/ sees it.
  mountTable(table: 'mounts' | 'auth'): MountEntry[] {
    return this.mounts.list(table);
  }
  mount(e: Partial<MountEntry> & { path: string; type: string; table: 'mounts' | 'auth' }, builtin = false) {
    return this.mounts.mount(e, builtin);
  }
  unmount(table: 'mounts' | 'auth', path: string) {
    return this.mounts.unmount(table, path);
  }
  remount(from: string, to: string) {
    return this.mounts.remount(from, to);
  }
  tune(prefix: string, changes: MountChanges) {
    return this.mounts.tune(prefix, changes);
  }
  getMount(prefix: string): MountEntry | undefined {
    return this.mounts.get(prefix);
  }
  mountTTLs(e: MountEntry) {
    return this.mounts.ttls(e);
  }
  matchMount(path: string): LiveMount | undefined {
    return this.mounts.match(path);
  }

  /** Rebuilds the live mount table from storage (after restore or unseal). */
  loadMounts(): Promise<boolean> {
    return this.mounts.load();
  }

  /**
   * Seal: stops token and lease timers and drops every live mount but an in-memory
   * `sys/` (a sealed core can neither read nor write its mount table).
   */
  async enterSealed(): Promise<void> {
    this.tokens.stop();
    this.expiration.stop();
    this.policies.invalidate();
    await this.mounts.sealed();
  }
}
