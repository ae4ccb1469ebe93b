/** Helpers shared by the transit path families: base64 inputs and batch requests. */
import { userError, VaultError } from '../../sdk/errors.js';
import type { BackendResponse } from '../../sdk/types.js';
import { coerce, type FieldData, type FieldSchema } from '../../framework/fields.js';
import type { TransitKey } from './key.js';
import type { KeyStore } from './store.js';
import { decodeB64 } from './wire.js';

export interface TransitCtx {
  keys: KeyStore;
}

/** Decodes an optional base64 field; empty means absent. */
export function optB64(v: unknown, field: string): Buffer | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return decodeB64(String(v), field, `failed to base64-decode ${field}`);
}

/** Loads a key or fails with the engine's "not found" wording for that operation. */
export async function mustKey(ctx: TransitCtx, name: string, what = 'encryption key not found'): Promise<TransitKey> {
  const k = await ctx.keys.get(name);
  if (!k) throw userError(what);
  return k;
}

/** The raw batch items, or undefined when the request is not a batch. */
export function batchItems(d: FieldData): Record<string, unknown>[] | undefined {
  if (!d.has('batch_input')) return undefined;
  let raw = d.get<unknown>('batch_input');
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw userError('failed to parse batch input: expected a JSON list of objects');
    }
  }
  if (raw === null || raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.some((x) => !x || typeof x !== 'object' || Array.isArray(x)))
    throw userError('failed to parse batch input: expected a list of objects');
  if (raw.length === 0) throw userError('missing batch input to process');
  return raw as Record<string, unknown>[];
}

/** Reads one field of a batch item with the same coercions as a top-level field. */
export function itemField<T>(item: Record<string, unknown>, name: string, schema: FieldSchema): T {
  if (!(name in item))
    return (schema.default ?? (schema.type === 'int' ? 0 : schema.type === 'bool' ? false : '')) as T;
  try {
    return coerce(name, schema, item[name]) as T;
  } catch (e) {
    throw userError((e as Error).message);
  }
}

/**
 * Runs every item; a failing item records its error and the batch answers 400 (or
 * `partial_failure_response_code` when only some items failed).
 */
export async function runBatch(
  items: Record<string, unknown>[],
  d: FieldData,
  fn: (item: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>,
  errorShape: (msg: string, item: Record<string, unknown>) => Record<string, unknown> = (msg) => ({ error: msg }),
): Promise<BackendResponse> {
  const results: Record<string, unknown>[] = [];
  let failed = 0;
  for (const item of items) {
    const reference = item.reference === undefined ? '' : String(item.reference);
    try {
      results.push({ ...(await fn(item)), reference });
    } catch (e) {
      if (!(e instanceof VaultError) || e.status >= 500) throw e;
      failed++;
      results.push({ ...errorShape(e.errors.join('; '), item), reference });
    }
  }
  const res: BackendResponse = { data: { batch_results: results } };
  if (failed === items.length) res.status = 400;
  else if (failed > 0) {
    const code = d.has('partial_failure_response_code') ? d.get<number>('partial_failure_response_code') : 0;
    res.status = code || 400;
  }
  return res;
}
