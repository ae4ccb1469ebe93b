/**
 * The few sys/ endpoints Vault serves in its HTTP layer (sys/init, sys/unseal) decode the body
 * into a typed Go struct, not through the framework's lenient fields: a value of the wrong JSON
 * kind is refused with encoding/json's words.
 */
import { userError } from '../sdk/errors.js';

export type GoFieldType = 'string' | 'int' | 'bool' | '[]string';

/** encoding/json's name for what it found ("number 1.5" when an int field got a fraction). */
function jsonKind(v: unknown, want: GoFieldType): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return want === 'int' && !Number.isInteger(v) ? `number ${v}` : 'number';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

function fits(v: unknown, t: GoFieldType): boolean {
  if (v === null || v === undefined) return true; // null leaves Go's zero value
  if (t === 'int') return typeof v === 'number' && Number.isInteger(v);
  if (t === '[]string') return Array.isArray(v);
  return typeof v === (t === 'bool' ? 'boolean' : t);
}

/**
 * Checks `data` against a Go struct's JSON fields.
 * @throws 400 `failed to parse JSON input: json: cannot unmarshal <kind> into Go struct field <S>.<f> of type <t>`
 * @example checkGoStruct({ key: 5 }, 'UnsealRequest', { key: 'string' }) // throws
 */
export function checkGoStruct(data: Record<string, unknown>, struct: string, fields: Record<string, GoFieldType>) {
  for (const [name, t] of Object.entries(fields)) {
    const v = data[name];
    const bad = (kind: string, type: string) =>
      userError(
        `failed to parse JSON input: json: cannot unmarshal ${kind} into Go struct field ${struct}.${name} of type ${type}`,
      );
    if (!fits(v, t)) throw bad(jsonKind(v, t), t);
    if (t === '[]string' && Array.isArray(v))
      for (const item of v)
        if (item !== null && typeof item !== 'string') throw bad(jsonKind(item, 'string'), 'string');
  }
}
