/**
 * The audit broker: every request and response becomes an event shaped like Vault's
 * JSON audit log, with tokens, accessors and every string leaf of request and response
 * data HMAC-SHA256'd, plus the ACL decision. Lab checks, the TUI's activity feed and
 * audit devices all consume these events.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AclDecision, AuditDevice, AuditEvent } from '../sdk/audit.js';
import type { Clock } from '../sdk/clock.js';
import { rfc3339Nano } from '../sdk/ids.js';
import type { MountEntry } from '../sdk/system-view.js';
import type { TokenEntry } from '../sdk/types.js';

export type { AuditAuth, AuditEvent } from '../sdk/audit.js';

export class AuditBroker {
  readonly events = new EventEmitter();
  private readonly salt: Buffer;
  /** Devices that must record every entry (fail-closed); see issue on audit devices. */
  devices: AuditDevice[] = [];
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
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.hashValues(x, depth + 1)]));
    return v;
  }

  /** An auth block as Vault's audit log shows it: token and accessor HMAC'd, policies and metadata in clear. */
  hashAuth(a: Record<string, unknown>): Record<string, unknown> {
    return {
      ...a,
      client_token: typeof a.client_token === 'string' && a.client_token ? this.hash(a.client_token) : a.client_token,
      accessor: typeof a.accessor === 'string' && a.accessor ? this.hash(a.accessor) : a.accessor,
    };
  }

  async log(e: AuditEvent): Promise<void> {
    // Events are built synchronously right before log(), so these are exactly this event's hashes.
    const raw = this.pendingRaw;
    this.pendingRaw = new Map();
    for (const d of this.devices) await d.write(e, raw);
    this.events.emit('audit', e);
  }
}

/** What the auditor reads of a request in flight (the pipeline's context). */
export interface AuditCtx {
  requestId: string;
  input: { token?: string; data?: Record<string, unknown> | null; remoteAddress?: string };
  path: string;
  op: string;
  mount: { entry: MountEntry; prefix: string } | undefined;
  token: TokenEntry | undefined;
  decision: AclDecision | null;
  logged: boolean;
}

/** Builds the request and response entries of one request and hands them to the broker. */
export class RequestAuditor {
  /** A token entity's identity policies, live (set by the core once identity is mounted). */
  identityPolicies: (entityId: string) => string[] = () => [];

  constructor(
    private readonly broker: AuditBroker,
    private readonly clock: Clock,
  ) {}

  private auth(ctx: AuditCtx): AuditEvent['auth'] {
    const t = ctx.token;
    if (!t) return null;
    // As Vault logs it: `policies` is everything the request was judged by, split out below.
    const identity = t.entityId ? this.identityPolicies(t.entityId) : [];
    return {
      client_token: this.broker.hash(t.id),
      accessor: t.accessor ? this.broker.hash(t.accessor) : '',
      display_name: t.displayName,
      policies: identity.length ? [...new Set([...t.policies, ...identity])].sort() : t.policies,
      token_policies: t.policies,
      ...(identity.length ? { identity_policies: identity } : {}),
      metadata: t.meta,
      entity_id: t.entityId,
      token_type: t.type,
      token_ttl: t.creationTTL,
      policy_results: ctx.decision
        ? {
            allowed: ctx.decision.allowed,
            granting_policies: ctx.decision.allowed
              ? ctx.decision.policies.map((name) => ({ name, type: 'acl' as const }))
              : [],
          }
        : undefined,
    };
  }

  private req(ctx: AuditCtx): AuditEvent['request'] {
    const m = ctx.mount?.entry;
    return {
      id: ctx.requestId,
      operation: ctx.op,
      mount_type: m?.type ?? '',
      mount_point: ctx.mount?.prefix ?? '',
      mount_accessor: m?.accessor ?? '',
      client_token: ctx.input.token ? this.broker.hash(ctx.input.token) : '',
      client_token_accessor: ctx.token?.accessor ? this.broker.hash(ctx.token.accessor) : '',
      namespace: { id: 'root' },
      path: ctx.path,
      data: ctx.input.data ? this.broker.hashValues(ctx.input.data) : null,
      remote_address: ctx.input.remoteAddress ?? '',
    };
  }

  /** Building an event HMACs every string in it: skip that when nothing would receive it. */
  auditing(): boolean {
    return this.broker.events.listenerCount('audit') > 0 || this.broker.devices.some((d) => d.enabled?.() !== false);
  }

  async request(ctx: AuditCtx) {
    if (ctx.logged) return;
    ctx.logged = true;
    if (!this.auditing()) return;
    await this.broker.log({
      type: 'request',
      time: rfc3339Nano(this.clock.nowMs()),
      auth: this.auth(ctx),
      request: this.req(ctx),
      error: '',
      decision: ctx.decision,
    });
  }

  async response(ctx: AuditCtx, status: number, body: Record<string, unknown> | null, error: string) {
    if (!ctx.path) return; // never routed (bad input before path parsing)
    await this.request(ctx);
    if (!this.auditing()) return;
    const resp: AuditEvent['response'] = {
      mount_type: ctx.mount?.entry.type ?? '',
      data: body ? this.broker.hashValues(body.data ?? (body.auth || body.wrap_info ? null : body)) : null,
      secret: body?.lease_id ? { lease_id: body.lease_id as string } : null,
      auth: body?.auth ? this.broker.hashAuth(body.auth as Record<string, unknown>) : null,
      wrap_info: body?.wrap_info ? this.broker.hashValues(body.wrap_info) : null,
      warnings: (body?.warnings as string[] | null) ?? null,
    };
    await this.broker.log({
      type: 'response',
      time: rfc3339Nano(this.clock.nowMs()),
      auth: this.auth(ctx),
      request: this.req(ctx),
      response: resp,
      status,
      error,
      decision: ctx.decision,
    });
  }
}
