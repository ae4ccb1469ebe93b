/**
 * SystemView: what a backend may ask of the engine around it — never the core itself.
 * Each mount gets its own view (its mount config is live: a tune shows at once).
 */
import type { TokenEntry } from './types.js';

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

/** What token creation takes; TTL arithmetic (mount and system maxima, periods) is the core's. */
export interface CreateTokenParams {
  policies: string[];
  parent: string;
  path: string;
  displayName: string;
  meta?: Record<string, string> | null;
  ttl?: number;
  maxTTL?: number;
  explicitMaxTTL?: number;
  period?: number;
  numUses?: number;
  renewable?: boolean;
  type?: 'service' | 'batch';
  id?: string;
  noDefaultPolicy?: boolean;
  role?: string;
  internal?: Record<string, unknown>;
  /** The identity entity the token belongs to (logins; a child inherits its parent's). */
  entityId?: string;
  mountMaxTTL?: number;
  mountDefaultTTL?: number;
}

/** The token helpers the token backend (auth/token) and sys need. */
export interface TokenHelpers {
  /** Creates a token with Vault's TTL arithmetic; returns capping warnings. */
  create(p: CreateTokenParams): Promise<{ entry: TokenEntry; warnings: string[] }>;
  /** Renews per Vault's rules; `renewed: false` when the issuing auth method declined. */
  renew(t: TokenEntry, increment: number): Promise<{ entry: TokenEntry; warnings: string[]; renewed?: false }>;
  /** The `auth` block of a response for a token. */
  authBlock(t: TokenEntry, extra?: { metadata?: Record<string, string> | null }): Record<string, unknown>;
  /** Lookup data (auth/token/lookup*). */
  lookupData(t: TokenEntry, viaAccessor?: boolean): Record<string, unknown>;
  lookup(id: string | undefined): Promise<TokenEntry | undefined>;
  lookupAccessor(accessor: string): Promise<TokenEntry | undefined>;
  revokeTree(id: string): Promise<void>;
  revokeOrphan(id: string): Promise<void>;
  accessors(): Promise<string[]>;
}

export interface SystemView {
  /** This mount's configuration as tuned (`sys/mounts/<path>/tune`, `sys/auth/<path>/tune`). */
  mountConfig(): MountConfig | undefined;
  tokens: TokenHelpers;
  /** Whether a policy of that name exists (`root` always does). */
  policyExists(name: string): Promise<boolean>;
  /** Whether these policies grant sudo on a logical path. */
  hasSudo(policies: string[], path: string): Promise<boolean>;
  /** A password from a named password policy (`sys/policies/password/<name>`). */
  generatePassword(policyName: string): Promise<string>;
  /** The auth mount with this accessor (the identity store names mounts by accessor). */
  authMountByAccessor?(accessor: string): { accessor: string; type: string; path: string; local: boolean } | undefined;
  /**
   * Fills `{{identity.…}}` directives in a text for an entity (Vault's PopulateIdentityTemplate),
   * or undefined when the entity is gone or a directive has no value.
   */
  renderIdentityTemplate?(text: string, entityId: string): string | undefined;
}
