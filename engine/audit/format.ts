/**
 * Turns a broker event into the line an audit device writes: Vault's JSON audit entry,
 * with every token, accessor and secret string HMAC-SHA256'd under the device's own salt
 * (or left raw with `log_raw`), and our additions (`decision`, `status`) left out.
 */
import { createHmac } from 'node:crypto';
import type { AuditEvent } from '../sdk/audit.js';

export interface FormatOptions {
  salt: Buffer;
  logRaw: boolean;
  hmacAccessor: boolean;
  prefix: string;
  elideListResponses: boolean;
  /** Per-device memo of value → HMAC, kept across entries (bounded). */
  memo?: Map<string, string>;
}

/** HMAC-SHA256 of a value under a salt, as Vault prints it. */
export function hmacValue(salt: Buffer, input: string): string {
  return 'hmac-sha256:' + createHmac('sha256', salt).update(input).digest('hex');
}

/**
 * Re-hashes an event for one device.
 * @param raw maps each hash the broker made for this event to its raw value.
 */
export function formatEntry(e: AuditEvent, raw: ReadonlyMap<string, string>, o: FormatOptions): string {
  // The device's HMACs of recent values: the same token, accessor and values recur on every request.
  const memo = o.memo ?? new Map<string, string>();
  const rehash = (v: string): string => {
    const r = raw.get(v);
    if (r === undefined) return v;
    if (o.logRaw) return r;
    let h = memo.get(r);
    if (!h) {
      h = hmacValue(o.salt, r);
      if (memo.size >= 4096) memo.clear();
      if (r.length <= 1024) memo.set(r, h);
    }
    return h;
  };
  const unhash = (v: unknown) => (typeof v === 'string' && raw.has(v) ? raw.get(v)! : v);
  const walk = (v: unknown, depth = 0): unknown => {
    if (depth > 64) return null;
    if (typeof v === 'string') return rehash(v);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      const a = new Array(v.length);
      for (let i = 0; i < v.length; i++) a[i] = walk(v[i], depth + 1);
      return a;
    }
    const out: Record<string, unknown> = {};
    for (const k in v) if (Object.hasOwn(v, k)) out[k] = walk((v as Record<string, unknown>)[k], depth + 1);
    return out;
  };
  const { decision: _d, status: _s, ...rest } = e;
  const out = walk(rest) as Record<string, Record<string, unknown> | null>;
  if (!o.hmacAccessor && !o.logRaw) {
    if (out.auth && e.auth) out.auth.accessor = unhash(e.auth.accessor);
    if (out.request) out.request.client_token_accessor = unhash(e.request.client_token_accessor);
    const ra = e.response?.auth as Record<string, unknown> | null | undefined;
    const oa = (out.response as Record<string, unknown> | undefined)?.auth as
      | Record<string, unknown>
      | null
      | undefined;
    if (ra && oa) oa.accessor = unhash(ra.accessor);
  }
  if (o.elideListResponses && e.type === 'response' && e.request.operation === 'list') {
    const data = (out.response as Record<string, unknown> | undefined)?.data as
      | Record<string, unknown>
      | null
      | undefined;
    if (data && Array.isArray(data.keys)) data.keys = data.keys.length;
  }
  return o.prefix + JSON.stringify(out) + '\n';
}
