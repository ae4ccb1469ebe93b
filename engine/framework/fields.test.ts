import { describe, expect, it } from 'vitest';
import { coerce, FieldData, FieldError, type FieldSchema } from './fields.js';
import { VaultError } from '../sdk/errors.js';

const c = (type: FieldSchema['type'], v: unknown) => coerce('f', { type }, v);

/** The error a bad value gives: a 400 in Vault's "Field validation failed" wording. */
function failure(type: FieldSchema['type'], v: unknown): VaultError {
  try {
    c(type, v);
  } catch (e) {
    return e as VaultError;
  }
  throw new Error(`expected ${JSON.stringify(v)} to be refused as ${type}`);
}

describe('field coercion', () => {
  it('durations: Go strings, bare seconds as text or numbers, and nothing as zero', () => {
    expect(c('duration', '1h')).toBe(3600);
    expect(c('duration', '1h30m')).toBe(5400);
    expect(c('duration', '90')).toBe(90);
    expect(c('duration', 45)).toBe(45);
    expect(c('duration', null)).toBe(0);
    const e = failure('duration', 'soon');
    expect(e.message).toBe(
      'Field validation failed: error converting input soon for field "f": time: invalid duration "soon"',
    );
  });

  it('comma lists: split and trimmed, empties dropped; arrays flattened only for commaStringSlice', () => {
    expect(c('commaStringSlice', 'a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(c('commaStringSlice', ['a,b', ' c'])).toEqual(['a', 'b', 'c']);
    expect(c('stringSlice', ['a,b', ' c'])).toEqual(['a,b', 'c']);
    expect(c('stringSlice', 'x,y')).toEqual(['x', 'y']);
    expect(c('commaStringSlice', 7)).toEqual(['7']);
    expect(c('commaStringSlice', null)).toEqual([]);
    expect(c('intSlice', '1, 2,3')).toEqual([1, 2, 3]);
    expect(failure('intSlice', 'a,1').status).toBe(400);
  });

  it('maps: objects as they are, JSON text parsed, empty as {}; anything else refused', () => {
    expect(c('map', { a: 1 })).toEqual({ a: 1 });
    expect(c('map', '{"a":"b"}')).toEqual({ a: 'b' });
    expect(c('map', '')).toEqual({});
    expect(c('map', undefined)).toEqual({});
    expect(failure('map', '[1]').message).toContain('expected a map');
    expect(failure('map', [1]).status).toBe(400);
    expect(c('kvpairs', 'a=1, b = 2')).toEqual({ a: '1', b: '2' });
    expect(c('kvpairs', { n: 5 })).toEqual({ n: '5' });
    expect(failure('kvpairs', 'novalue').message).toContain('invalid key pair "novalue"');
  });

  it("booleans from strings and numbers as Go's ParseBool reads them", () => {
    for (const v of ['1', 't', 'TRUE', ' true ', true, 1]) expect(c('bool', v)).toBe(true);
    for (const v of ['0', 'f', 'False', '', false, 0]) expect(c('bool', v)).toBe(false);
    const e = failure('bool', 'yes');
    expect(e.message).toBe(
      'Field validation failed: error converting input yes for field "f": ' +
        `cannot parse '' as bool: strconv.ParseBool: parsing "yes": invalid syntax`,
    );
  });

  it('ints from strings; fractions and words refused', () => {
    expect(c('int', '42')).toBe(42);
    expect(c('int', ' -3 ')).toBe(-3);
    expect(c('int', '')).toBe(0);
    expect(c('int', 7)).toBe(7);
    expect(failure('int', '5.5').message).toContain('strconv.ParseInt: parsing "5.5": invalid syntax');
    expect(failure('int', 2.5).status).toBe(400);
  });

  it('strings: numbers and booleans as text, null as empty, structures refused; lowerString lowers', () => {
    expect(c('string', 12)).toBe('12');
    expect(c('string', false)).toBe('false');
    expect(c('string', null)).toBe('');
    expect(failure('string', ['a']).message).toContain("got unconvertible type '[]interface {}'");
    expect(failure('string', { a: 1 }).message).toContain("got unconvertible type 'map[string]interface {}'");
    expect(c('lowerString', 'MiXed')).toBe('mixed');
  });

  it('bad input is a 400 of the one error family, never a plain Error', () => {
    const e = failure('int', 'many');
    expect(e).toBeInstanceOf(FieldError);
    expect(e).toBeInstanceOf(VaultError);
    expect(e.status).toBe(400);
    expect(e.rendered()).toEqual([e.message]);
  });
});

describe('FieldData', () => {
  const schema: Record<string, FieldSchema> = {
    ttl: { type: 'duration', default: '1h' },
    policies: { type: 'commaStringSlice', aliases: ['token_policies'] },
    meta: { type: 'map', default: { team: 'a' } },
    count: { type: 'int' },
  };

  it('reads sent values coerced, defaults when absent, and zero values otherwise', () => {
    const d = new FieldData({ token_policies: 'a,b', count: '3' }, schema);
    expect(d.get('policies')).toEqual(['a', 'b']);
    expect(d.has('policies')).toBe(true);
    expect(d.sentAs('policies')).toBe('token_policies');
    expect(d.get('count')).toBe(3);
    expect(d.get('ttl')).toBe('1h');
    expect(new FieldData({}, schema).get('count')).toBe(0);
    expect(new FieldData({}, schema).get('policies')).toEqual([]);
  });

  it('hands out a copy of an object default, so a handler cannot change it for the next request', () => {
    const first = new FieldData({}, schema).get<Record<string, string>>('meta');
    first.team = 'changed';
    expect(new FieldData({}, schema).get('meta')).toEqual({ team: 'a' });
  });

  it('validate() refuses the first bad sent field before any handler runs, and ignores undeclared ones', () => {
    expect(() => new FieldData({ count: 'x', extra: 'ignored' }, schema).validate()).toThrow(FieldError);
    expect(() => new FieldData({ count: '2', extra: [1] }, schema).validate()).not.toThrow();
    expect(() => new FieldData({}, schema).get('undeclared')).toThrow('field "undeclared" is not declared');
  });
});
