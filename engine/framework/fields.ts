/**
 * Field types and Vault's coercions, in one place: handlers never parse raw JSON.
 * CLI values arrive as strings ("true", "5", "a,b", "1h"); API values as JSON.
 */
import { parseDuration } from '../sdk/duration.js';
import { FieldError } from '../sdk/errors.js';

export { FieldError };

export type FieldType =
  | 'string'
  | 'int'
  | 'bool'
  | 'duration'
  | 'map'
  | 'kvpairs'
  | 'commaStringSlice'
  | 'stringSlice'
  | 'intSlice'
  | 'object'
  | 'any'
  | 'header'
  | 'lowerString'
  | 'nameString';

export interface FieldSchema {
  type: FieldType;
  description?: string;
  default?: unknown;
  required?: boolean;
  /** Other names accepted for this field (legacy aliases). */
  aliases?: string[];
}

/** A value as Go's `%v` prints the decoded JSON: `[a b]`, `map[k:v]`, `<nil>`. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object')
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goValue((v as Record<string, unknown>)[k])}`)
      .join(' ')}]`;
  return String(v);
}

/** The Go type a decoded JSON value has in Vault (numbers arrive as json.Number). */
function goType(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (v !== null && typeof v === 'object') return 'map[string]interface {}';
  return typeof v === 'number' ? 'json.Number' : typeof v;
}

/** mapstructure's wording when a value cannot become the target type at all. */
const unconvertible = (target: string, v: unknown, at = '') =>
  `'${at}' expected type '${target}', got unconvertible type '${goType(v)}', value: '${goValue(v)}'`;

const convErr = (input: unknown, name: string, reason: string) =>
  new FieldError(`Field validation failed: error converting input ${goValue(input)} for field "${name}": ${reason}`);

/** Go's reflect kind of a decoded JSON value, as mapstructure names it in "expected a map, got '…'". */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'boolean') return 'bool';
  return 'string'; // strings, and json.Number (a string type)
}

/** Converts one raw value to the field's type. @throws FieldError with Vault's wording. */
export function coerce(name: string, schema: FieldSchema, v: unknown): unknown {
  switch (schema.type) {
    case 'string':
    case 'nameString':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      if (v === null) return '';
      throw convErr(v, name, unconvertible('string', v));
    case 'lowerString':
      return String(coerce(name, { type: 'string' }, v)).toLowerCase();
    case 'int': {
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return parseInt(v, 10);
      if (typeof v === 'string' && v.trim() === '') return 0;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number')
        throw convErr(v, name, `error decoding json.Number into : strconv.ParseInt: parsing "${v}": invalid syntax`);
      if (typeof v === 'string')
        throw convErr(
          v,
          name,
          `cannot parse '' as int: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`,
        );
      throw convErr(v, name, unconvertible('int', v));
    }
    case 'bool': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      if (typeof v === 'string') {
        const s = v.trim().toLowerCase();
        if (['1', 't', 'true'].includes(s)) return true;
        if (['0', 'f', 'false', ''].includes(s)) return false;
      }
      if (typeof v === 'string')
        throw convErr(
          v,
          name,
          `cannot parse '' as bool: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`,
        );
      throw convErr(v, name, unconvertible('bool', v));
    }
    case 'duration':
      try {
        return parseDuration(v ?? 0);
      } catch (e) {
        throw convErr(v, name, (e as Error).message);
      }
    case 'commaStringSlice':
    case 'stringSlice': {
      if (v === null || v === undefined) return [];
      if (Array.isArray(v)) {
        const out = v.map((x) => String(x).trim());
        return schema.type === 'commaStringSlice'
          ? out.flatMap((s) => s.split(',').map((t) => t.trim())).filter((s) => s !== '')
          : out;
      }
      if (typeof v === 'string')
        return v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
      if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
      // mapstructure lifts the map into a one-element list, then cannot make a string of it.
      throw convErr(v, name, `1 error(s) decoding:\n\n* ${unconvertible('string', v, '[0]')}`);
    }
    case 'intSlice': {
      const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v];
      return arr.map((x) => coerce(name, { type: 'int' }, typeof x === 'string' ? x.trim() : x));
    }
    case 'map':
    case 'object': {
      if (v === null || v === undefined || v === '') return {};
      if (typeof v === 'object' && !Array.isArray(v)) return v;
      if (typeof v === 'string') {
        try {
          const o = JSON.parse(v);
          if (o && typeof o === 'object' && !Array.isArray(o)) return o;
        } catch {
          /* fall through */
        }
      }
      throw convErr(v, name, `'' expected a map, got '${goKind(v)}'`);
    }
    case 'kvpairs': {
      if (v && typeof v === 'object' && !Array.isArray(v))
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
      const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [];
      const out: Record<string, string> = {};
      for (const p of arr) {
        const s = String(p);
        const i = s.indexOf('=');
        if (i <= 0) throw convErr(v, name, `invalid key pair ${JSON.stringify(s)}`);
        out[s.slice(0, i).trim()] = s.slice(i + 1).trim();
      }
      return out;
    }
    case 'header':
    case 'any':
      return v;
  }
}

/** The typed view of a request's data that handlers read. */
export class FieldData {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly schema: Record<string, FieldSchema>,
  ) {}

  /** The raw key under which a field (or one of its aliases) was sent, if any. */
  sentAs(name: string): string | undefined {
    const s = this.schema[name];
    if (name in this.raw) return name;
    return s?.aliases?.find((a) => a in this.raw);
  }
  has(name: string): boolean {
    return this.sentAs(name) !== undefined;
  }

  /** The coerced value, the default, or the type's zero value. */
  get<T = unknown>(name: string): T {
    const s = this.schema[name];
    if (!s) throw new Error(`field "${name}" is not declared`);
    const key = this.sentAs(name);
    if (key !== undefined) return coerce(name, s, this.raw[key]) as T;
    if (s.default !== undefined)
      return (typeof s.default === 'object' && s.default !== null ? structuredClone(s.default) : s.default) as T;
    return zero(s.type) as T;
  }

  /** Coerces every sent field once, so bad input fails before the handler runs. */
  validate(): void {
    for (const name of Object.keys(this.schema)) {
      if (this.has(name)) this.get(name);
    }
  }
}

function zero(t: FieldType): unknown {
  switch (t) {
    case 'int':
    case 'duration':
      return 0;
    case 'bool':
      return false;
    case 'commaStringSlice':
    case 'stringSlice':
    case 'intSlice':
      return [];
    case 'map':
    case 'object':
    case 'kvpairs':
      return {};
    case 'any':
    case 'header':
      return undefined;
    default:
      return '';
  }
}
