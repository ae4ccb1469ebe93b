/** Statement parsing, context-aware filling and username templates (no server needed). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseStatementsField,
  pgExpiration,
  renderStatement,
  splitStatements,
  statementList,
} from '../../engine/secrets/database/statements.js';
import {
  DEFAULT_PG_USERNAME_TEMPLATE,
  defaultPassword,
  renderUsername,
} from '../../engine/secrets/database/username.js';

describe('statements', () => {
  it('takes a list, one string, a JSON array or base64 of either', () => {
    expect(parseStatementsField(['a', 'b'])).toEqual(['a', 'b']);
    expect(parseStatementsField('CREATE ROLE x;')).toEqual(['CREATE ROLE x;']);
    expect(parseStatementsField('["a;", "b"]')).toEqual(['a;', 'b']);
    expect(parseStatementsField(Buffer.from('CREATE ROLE "{{name}}";').toString('base64'))).toEqual([
      'CREATE ROLE "{{name}}";',
    ]);
    expect(parseStatementsField('readonly')).toEqual(['readonly']);
  });

  it('splits on semicolons outside quotes and keeps $$ bodies whole', () => {
    expect(splitStatements(`CREATE ROLE "a;b"; COMMENT ON ROLE x IS 'c;d'; -- e;f\nSELECT 1`)).toEqual([
      `CREATE ROLE "a;b"`,
      `COMMENT ON ROLE x IS 'c;d'`,
      '-- e;f\nSELECT 1',
    ]);
    const body = 'DO $$ BEGIN CREATE ROLE x; END $$;';
    expect(splitStatements(body)).toEqual([body]);
    expect(statementList(['a; b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('escapes each value for the quotes it lands in', () => {
    const v = { name: `a"b'c`, password: `p'w"d`, expiration: '2030-01-01 00:00:00+0000' };
    expect(renderStatement(`CREATE ROLE "{{name}}" PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`, v)).toBe(
      `CREATE ROLE "a""b'c" PASSWORD 'p''w"d' VALID UNTIL '2030-01-01 00:00:00+0000'`,
    );
    expect(renderStatement('DROP ROLE {{name}}', v)).toBe(`DROP ROLE "a""b'c"`);
    expect(renderStatement(`SELECT E'{{name}}'`, { name: `x\\'; DROP` })).toBe(`SELECT E'x\\\\''; DROP'`);
    expect(() => renderStatement('{{nope}}', v)).toThrow(/no value/);
  });

  it('never lets a value close its quotes (property)', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const out = renderStatement(`X "{{name}}" '{{name}}' {{name}} Y`, { name });
        // Re-lex the output: outside quotes only our own text may appear.
        let q: string | null = null,
          outside = '';
        for (const ch of out) {
          if (q) {
            if (ch === q) q = null;
            continue;
          }
          if (ch === '"' || ch === "'") {
            q = ch;
            continue;
          }
          outside += ch;
        }
        expect(q).toBeNull();
        expect(outside).toBe('X    Y');
      }),
    );
  });

  it("formats {{expiration}} in Go's layout, UTC", () => {
    expect(pgExpiration(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02 03:04:05+0000');
  });
});

describe('usernames and passwords', () => {
  it('follows v-<display 8>-<role 8>-<20 random>-<unix>, cut to 63', () => {
    const now = Date.UTC(2026, 10, 22);
    const u = renderUsername(
      DEFAULT_PG_USERNAME_TEMPLATE,
      { DisplayName: 'userpass-alice', RoleName: 'readonly-role' },
      now,
    );
    expect(u).toMatch(new RegExp(`^v-userpass-readonly-[A-Za-z0-9]{20}-${now / 1000}$`));
    const long = renderUsername(
      DEFAULT_PG_USERNAME_TEMPLATE,
      { DisplayName: 'x'.repeat(40), RoleName: 'y'.repeat(40) },
      now,
    );
    expect(long.length).toBeLessThanOrEqual(63);
  });

  it('evaluates pipelines, parentheses and the usual functions', () => {
    expect(renderUsername('{{ .RoleName | replace "-" "_" | uppercase }}', { RoleName: 'a-b' }, 0)).toBe('A_B');
    expect(renderUsername('{{ printf "%s-%s" "x" (.RoleName | truncate 2) }}', { RoleName: 'abcdef' }, 0)).toBe('x-ab');
    expect(renderUsername('{{ unix_time }}', {}, 5000)).toBe('5');
    expect(() => renderUsername('{{ .Nope }}', {}, 0)).toThrow(/can't evaluate field Nope/);
  });

  it('makes 20-character passwords with every required class', () => {
    for (let i = 0; i < 200; i++) {
      const p = defaultPassword();
      expect(p).toMatch(/^[A-Za-z0-9-]{20}$/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toContain('-');
    }
  });
});
