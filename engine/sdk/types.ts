/** Request and response shapes shared by the router, the backends and the HTTP adapter. */

export type Operation = 'read' | 'list' | 'create' | 'update' | 'delete' | 'patch' | 'help';

/** What a request asks for, independent of transport. */
export interface EngineRequest {
  operation: Operation | 'write';
  /** Logical path without `/v1/` (e.g. `secret/data/app`). */
  path: string;
  data?: Record<string, unknown> | null;
  token?: string;
  /** `X-Vault-Wrap-TTL`, already parsed to seconds. */
  wrapTTL?: number;
  remoteAddress?: string;
  headers?: Record<string, string>;
}

/** A request as a transport hands it to the engine's pipeline. */
export interface HandleInput extends EngineRequest {
  contentType?: string;
  /** Set by the HTTP layer when the body could not be parsed. */
  parseError?: string;
  /** The unparsed body of a path that takes bytes (raft snapshot restore). */
  rawBody?: Buffer;
}

/** What a transport (the HTTP listener) needs of the engine: one call per request, never throwing. */
export interface RequestSink {
  handle(input: HandleInput): Promise<EngineResponse>;
}

/** The token behind a request, as the ACL and backends see it. */
export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  parent: string;
  path: string;
  meta: Record<string, string> | null;
  displayName: string;
  numUses: number;
  creationTime: number; // unix seconds
  /** Issue time in ms on the engine clock (max-TTL arithmetic needs more than seconds). */
  issueMs?: number;
  creationTTL: number;
  expireAt: number | null; // unix ms, null = never
  explicitMaxTTL: number;
  period: number;
  ttl: number; // configured ttl for renew
  renewable: boolean;
  type: 'service' | 'batch';
  orphan: boolean;
  lastRenewal: number | null;
  role?: string;
  entityId: string;
  noDefault?: boolean;
  /** For login tokens: the mount accessor and the auth backend's internal data for renew. */
  internal?: Record<string, unknown>;
}

/** A lease-bearing secret as a backend returns it. */
export interface SecretResponse {
  /** The backend's secret type (its `secrets` declaration decides renew/revoke). */
  type: string;
  ttl: number;
  maxTTL?: number;
  renewable?: boolean;
  /** Kept server-side for renew/revoke (never sent to the client). */
  internal?: Record<string, unknown>;
  /** KV v1 advisory TTL: `lease_duration` without a lease id. */
  advisoryOnly?: boolean;
}

/** A login/auth result a backend returns; the core turns it into a token. */
export interface AuthResponse {
  policies: string[];
  displayName: string;
  metadata?: Record<string, string>;
  ttl?: number;
  maxTTL?: number;
  explicitMaxTTL?: number;
  period?: number;
  numUses?: number;
  renewable?: boolean;
  noDefaultPolicy?: boolean;
  tokenType?: 'service' | 'batch';
  internal?: Record<string, unknown>;
  /** Who logged in, as the identity store names them on this mount (Vault's `logical.Alias`). */
  alias?: { name: string; metadata?: Record<string, string> };
  /** Group alias names (external groups) the login reports. */
  groupAliases?: string[];
}

/** A backend's answer. Everything optional: nothing at all becomes a 204. */
export interface BackendResponse {
  data?: Record<string, unknown> | null;
  secret?: SecretResponse;
  auth?: AuthResponse;
  /** Lease fields for an existing lease (sys/leases/renew). */
  lease?: { id: string; renewable: boolean; duration: number };
  /** A token the core has already created (token backend). */
  tokenAuth?: Record<string, unknown>;
  warnings?: string[];
  /** Raw responses (PKI DER, KV v2 deleted-version 404 bodies …). */
  raw?: { status: number; contentType?: string; body: Buffer | string };
  /** Force a status for an otherwise normal envelope (e.g. 202, or 404 with body). */
  status?: number;
  /** The envelope should also carry `data` at top level (sys/mounts, sys/policy …). */
  injectTopLevel?: boolean;
  /**
   * When this response is wrapped, the accessor reported as `wrap_info.wrapped_accessor`
   * (an AppRole secret-id accessor, say). Responses carrying `auth` report the new token's
   * accessor without setting this.
   */
  wrappedAccessor?: string;
  /** A response that is already a wrapping token (sys/wrapping/rewrap). */
  wrapInfo?: Record<string, unknown>;
  /** Bare object responses with no envelope (sys/health, sys/seal-status …). */
  bare?: Record<string, unknown>;
}

/** What the engine answers: the HTTP status and the JSON body (or raw bytes). */
export interface EngineResponse {
  status: number;
  body: Record<string, unknown> | null;
  raw?: { contentType?: string; body: Buffer | string };
  headers?: Record<string, string>;
}

/** A lease as the expiration manager keeps it. */
export interface LeaseEntry {
  id: string;
  path: string;
  mountPath: string;
  secretType: string;
  internal: Record<string, unknown>;
  issueTime: number; // ms
  expireAt: number; // ms
  lastRenewal: number | null;
  renewable: boolean;
  ttl: number;
  maxTTL: number;
  tokenHash: string;
}
