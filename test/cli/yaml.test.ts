/**
 * `-format=yaml` as Vault writes it: ghodss/yaml over go-yaml v2. Each expectation is what
 * go-yaml v2's encoder and emitter produce for the same JSON value.
 */
import { describe, expect, it } from 'vitest';
import { goFloat, goKeyLess, toGoYaml } from '../../cli/yaml.js';

describe('go-yaml v2 layout', () => {
  it("puts a list at its key's column, a map under a list item on the dash line", () => {
    expect(toGoYaml({ policies: ['default', 'admin'], auth: { policies: ['a'] } })).toBe(
      'auth:\n  policies:\n  - a\npolicies:\n- default\n- admin\n',
    );
    expect(toGoYaml({ l: [{ b: 1, a: [1, 2] }, [3, 4], 'x', [], {}] })).toBe(
      'l:\n- a:\n  - 1\n  - 2\n  b: 1\n- - 3\n  - 4\n- x\n- []\n- {}\n',
    );
    expect(toGoYaml({ e: {}, l: [], z: null })).toBe('e: {}\nl: []\nz: null\n');
    expect(toGoYaml(['a', 'b'])).toBe('- a\n- b\n');
    expect(toGoYaml({})).toBe('{}\n');
  });

  it('sorts keys as go-yaml does: non-letters first, digit runs by value', () => {
    const keys = ['key10', 'b', 'Zeta', '_u', 'key2', 'a-b', 'a_b', 'ab'];
    expect(keys.sort((x, y) => (goKeyLess(x, y) ? -1 : goKeyLess(y, x) ? 1 : 0))).toEqual([
      '_u',
      'Zeta',
      'a-b',
      'a_b',
      'ab',
      'b',
      'key2',
      'key10',
    ]);
  });
});

describe('go-yaml v2 scalars', () => {
  const one = (v: unknown) => toGoYaml({ k: v }).slice(3, -1);

  it('quotes only what would read back as something else', () => {
    expect(one('plain text')).toBe('plain text');
    expect(one('1.15.6')).toBe('1.15.6');
    expect(one('')).toBe('""');
    for (const s of ['true', 'yes', 'n', 'Off', '~', 'null', '5432', '-1', '0x1F', '1e3', '.5', '1_000', '1:30'])
      expect(one(s), s).toBe(`"${s}"`);
    expect(one('2024-03-07T20:34:02.00565561Z')).toBe('"2024-03-07T20:34:02.00565561Z"');
    expect(one('2024-03-07')).toBe('"2024-03-07"');
    expect(one('2024-13-07')).toBe('2024-13-07');
    expect(toGoYaml({ n: 1, y: 2, t: 3 })).toBe('"n": 1\nt: 3\n"y": 2\n');
  });

  it('single-quotes text plain style cannot carry, double-quotes with escapes what YAML cannot print', () => {
    expect(one('a: b')).toBe("'a: b'");
    expect(one('- x')).toBe("'- x'");
    expect(one('a #b')).toBe("'a #b'");
    expect(one('#x')).toBe("'#x'");
    expect(one(' lead')).toBe("' lead'");
    expect(one("it's: x")).toBe("'it''s: x'");
    expect(one('a\tb')).toBe('"a\\tb"');
    expect(one('x\x1by\x00z')).toBe('"x\\ey\\0z"');
    expect(one('hi 😀')).toBe('"hi \\U0001F600"');
    expect(one('café')).toBe('café');
  });

  it('writes multi-line text as a literal block with its chomping hint', () => {
    expect(one('a\nb')).toBe('|-\n  a\n  b');
    expect(one('a\nb\n')).toBe('|\n  a\n  b');
    expect(toGoYaml({ k: 'a\n\nb', l: ['x\ny'] })).toBe('k: |-\n  a\n\n  b\nl:\n- |-\n  x\n  y\n');
    // A space before a line break cannot be a block: double quotes.
    expect(one('a \nb')).toBe('"a \\nb"');
  });

  it('folds long lines at a space past column 80', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const out = toGoYaml({ description: words });
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0].length).toBeGreaterThan(80);
    expect(lines[0].length).toBeLessThan(90);
    expect(lines.slice(1).every((l) => l.startsWith('  word'))).toBe(true);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(`description: ${words}`);
  });

  it("prints numbers as Go does: integers whole, floats in strconv's 'g'", () => {
    expect(toGoYaml({ a: 2764800, b: 1.5, c: 1234567.5, d: 0.00001, e: 0, f: -3 })).toBe(
      'a: 2764800\nb: 1.5\nc: 1.2345675e+06\nd: 1e-05\ne: 0\nf: -3\n',
    );
    expect(goFloat(123456.7)).toBe('123456.7');
  });
});
