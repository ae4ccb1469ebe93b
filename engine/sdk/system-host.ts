/**
 * What the system backend (`sys/`) is given: a wider view than a backend's SystemView —
 * the mount table, policies, leases, wrapping, the seal and the audit devices — declared
 * here so neither sys/ nor the core imports the other. The core implements it; engine.ts
 * hands it the seal and the audit device table.
 */
import type { AclDecision, AclOperation } from './audit.js';
import type { Clock } from './clock.js';
import type { MountConfig, MountEntry, TokenHelpers } from './system-view.js';
import type { LeaseEntry, TokenEntry } from './types.js';

/** A token's merged policies. */
export interface AclView {
  allow(
    path: string,
    op: AclOperation,
    data?: Record<string, unknown> | null,
    needSudo?: boolean,
    wrapTTL?: number,
  ): AclDecision;
  capabilities(path: string): string[];
  /** Whether any rule grants something at or under a mount (sys/internal/ui/mounts). */
  hasAnyUnder(mountPath: string): boolean;
}

export interface PolicyAdmin {
  list(): Promise<string[]>;
  text(name: string): Promise<string | undefined>;
  /** @returns warnings */
  put(name: string, text: string): Promise<string[]>;
  delete(name: string): Promise<void>;
  exists(name: string): Promise<boolean>;
  acl(names: string[]): Promise<AclView>;
  /** A token's ACL: its policies, its entity's and groups', templated stanzas rendered; 403 for a disabled entity. */
  forToken(t: TokenEntry): Promise<AclView>;
}

export interface PasswordPolicyAdmin {
  list(): Promise<string[]>;
  get(name: string): Promise<string | undefined>;
  put(name: string, text: string): Promise<void>;
  delete(name: string): Promise<void>;
  generate(name: string): Promise<string>;
}

export interface LeaseAdmin {
  get(id: string): Promise<LeaseEntry | undefined>;
  lookupData(l: LeaseEntry): Record<string, unknown>;
  /** Lease ids (and folders) one level under a prefix. */
  listLevel(prefix: string): Promise<string[]>;
  renew(id: string, increment: number): Promise<{ lease: LeaseEntry; warnings: string[] }>;
  revoke(id: string, why?: 'expired' | 'revoked', force?: boolean): Promise<void>;
  revokePrefix(prefix: string, force?: boolean): Promise<void>;
}

export interface WrappingAdmin {
  lookup(tokenId: string | undefined): Promise<Record<string, unknown>>;
  unwrap(tokenId: string | undefined, usedByRequest?: boolean): Promise<Record<string, unknown>>;
  rewrap(tokenId: string | undefined, usedByRequest?: boolean): Promise<object>;
}

/** The audit device table (audit/manager.ts). */
export interface AuditAdmin {
  list(): Array<{ path: string; type: string; description: string; options: Record<string, string>; local: boolean }>;
  enable(p: {
    path: string;
    type: string;
    description?: string;
    options?: Record<string, string>;
    local?: boolean;
  }): Promise<void>;
  disable(path: string): Promise<void>;
  /** The HMAC of an input with a device's salt (sys/audit-hash). */
  hash(path: string, input: string): string;
}

/** The Shamir seal (physical/seal.ts). */
export interface SealControl {
  readonly sealed: boolean;
  init(
    shares: number,
    threshold: number,
    makeRoot: () => Promise<string>,
  ): Promise<{ keys: Buffer[]; rootToken: string }>;
  submit(key: string): Promise<void>;
  reset(): void;
  seal(): Promise<void>;
  rotate(): Promise<{ term: number; installed: number }>;
  /** The barrier's active key term (sys/key-status). */
  activeTerm(): { term: number; installed: number };
  /** Shamir parameters in force. */
  info(): { t: number; n: number; progress: number };
  /** sys/rekey: a rekey of the unseal shares (in memory until complete). */
  readonly rekeyState: { nonce: string; shares: number; threshold: number; pending: Buffer[] } | null;
  rekeyInit(shares: number, threshold: number, nonce: string): unknown;
  rekeyCancel(): void;
  /** The new shares once the threshold of current shares is in, else null. */
  rekeyUpdate(key: string, nonce: string): Promise<Buffer[] | null>;
}

/** The parts of a backend sys/locked-users reaches. */
export interface LockoutHooks {
  lockedUsers?: () => Promise<string[]>;
  unlockUser?: (alias: string) => Promise<void>;
}

export interface MountChanges {
  description?: string;
  config?: Partial<MountConfig>;
  options?: Record<string, string>;
}

export interface SystemHost {
  readonly clock: Clock;
  readonly version: string;
  readonly clusterName: string;
  readonly clusterId: string;
  readonly initialized: boolean;
  readonly sealed: boolean;
  /** Shamir parameters and unseal progress. */
  sealInfo(): { t: number; n: number; progress: number };
  /** The physical storage's kind (`inmem`, `file`). */
  readonly storageKind: string;
  readonly tokens: TokenHelpers & { all(): Promise<TokenEntry[]> };
  readonly policies: PolicyAdmin;
  readonly passwordPolicies: PasswordPolicyAdmin;
  readonly expiration: LeaseAdmin;
  readonly wrapping: WrappingAdmin;
  /** The audit device table; absent on an engine without one. */
  readonly audits?: AuditAdmin;
  /** The seal; dev servers have none. */
  readonly seal?: SealControl;

  mountTable(table: 'mounts' | 'auth'): MountEntry[];
  mount(e: Partial<MountEntry> & { path: string; type: string; table: 'mounts' | 'auth' }): Promise<MountEntry>;
  unmount(table: 'mounts' | 'auth', path: string): Promise<void>;
  remount(from: string, to: string): Promise<void>;
  tune(prefix: string, changes: MountChanges): Promise<void>;
  getMount(prefix: string): MountEntry | undefined;
  mountTTLs(e: MountEntry): { defaultTTL: number; maxTTL: number };
  /** The mount serving a logical path (longest prefix). */
  matchMount(path: string): { prefix: string; entry: MountEntry; backend: LockoutHooks } | undefined;
}
