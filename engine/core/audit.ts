/**
 * The audit broker: every request and response becomes an event shaped like Vault's
 * JSON audit log, with tokens, accessors and every string leaf of request and response
 * data HMAC-SHA256'd, plus the ACL decision. Lab checks, the TUI's activity feed and
 * audit devices all consume these events.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AclDecision } from './acl.js';

export interface AuditAuth {
  client_token: string;
  accessor: string;
  display_name: string;
  policies: string[];
  token_policies: string[];
  metadata: Record<string, string> | null;
  entity_id: string;
  token_type: string;
  token_ttl: number;
  policy_results?: { allowed: boolean; granting_policies: Array<{ name: string; type: 'acl' }> };
}

export interface AuditEvent {
  type: 'request' | 'response';
  time: string;
  auth: AuditAuth | null;
  request: {
    id: string;
    operation: string;
    mount_type: string;
    mount_point: string;
    mount_accessor: string;
    client_token: string;
    client_token_accessor: string;
    namespace: { id: string };
    path: string;
    data: unknown;
    remote_address: string;
  };
  response?: {
    mount_type: string;
    data: unknown;
    secret?: { lease_id: string } | null;
    auth?: unknown;
    wrap_info?: unknown;
    warnings?: string[] | null;
  };
  /** HTTP status of the answer (response events). */
  status?: number;
  error: string;
  /** Our addition: the ACL decision with the deciding rule and policies. */
  decision?: AclDecision | null;
}

export class AuditBroker {
  readonly events = new EventEmitter();
  private readonly salt: Buffer;
  /** Devices that must record every entry (fail-closed); see issue on audit devices. */
  devices: Array<{
    path: string;
    write: (e: AuditEvent, raw?: ReadonlyMap<string, string>) => Promise<void> | void;
    /** False while the device would record nothing (no audit device enabled), so events need not be built. */
    enabled?: () => boolean;
  }> = [];
  /** Raw inputs of the hashes made since the last log(): devices re-hash them with their own salt. */
  private pendingRaw = new Map<string, string>();

  constructor(salt?: Buffer) {
    this.salt = salt ?? randomBytes(32);
    this.events.setMaxListeners(100);
  }

  /** Recent HMACs: the same token, accessor and values recur on every request and HMAC showed in profiles. */
  private memo = new Map<string, string>();

  hash(s: string): string {
    let h = this.memo.get(s);
    if (h === undefined) {
      h = 'hmac-sha256:' + createHmac('sha256', this.salt).update(s).digest('hex');
      if (this.memo.size >= 4096) this.memo.clear();
      if (s.length <= 1024) this.memo.set(s, h);
    }
    this.pendingRaw.set(h, s);
    return h;
  }

  /** Every string leaf HMAC'd; numbers, booleans and null kept. */
  hashValues(v: unknown, depth = 0): unknown {
    if (depth > 64) return null;
    if (typeof v === 'string') return v === '' ? '' : this.hash(v);
    if (Array.isArray(v)) return v.map((x) => this.hashValues(x, depth + 1));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.hashValues(x, depth + 1)]));
    return v;
  }

  /** An auth block as Vault's audit log shows it: token and accessor HMAC'd, policies and metadata in clear. */
  hashAuth(a: Record<string, unknown>): Record<string, unknown> {
    return { ...a, client_token: typeof a.client_token === 'string' && a.client_token ? this.hash(a.client_token) : a.client_token, accessor: typeof a.accessor === 'string' && a.accessor ? this.hash(a.accessor) : a.accessor };
  }

  async log(e: AuditEvent): Promise<void> {
    // Events are built synchronously right before log(), so these are exactly this event's hashes.
    const raw = this.pendingRaw;
    this.pendingRaw = new Map();
    for (const d of this.devices) await d.write(e, raw);
    this.events.emit('audit', e);
  }
}
