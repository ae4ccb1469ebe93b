/** HCL1 and JSON policy text: the forms Vault accepts, and errors with line:column for the rest. */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../engine/core/policy.js';

const rules = (text: string) =>
  parsePolicy('t', text).rules.map((r) => ({ path: r.path, caps: [...r.capabilities].sort() }));

describe('policy text accepted', () => {
  it.each([
    ['one line, no spaces', 'path "a" {capabilities=["read"]}', [{ path: 'a', caps: ['read'] }]],
    [
      'trailing comma in a list',
      'path "a" {\n  capabilities = ["read", "list",]\n}',
      [{ path: 'a', caps: ['list', 'read'] }],
    ],
    [
      '#, // and /* */ comments',
      '# top\n// line\n/* block\n comment */ path "a" { capabilities = ["read"] } # tail',
      [{ path: 'a', caps: ['read'] }],
    ],
    [
      'nested path object',
      'path {\n "a" { capabilities = ["read"] }\n "b/*" { capabilities = ["list"] }\n}',
      [
        { path: 'a', caps: ['read'] },
        { path: 'b/*', caps: ['list'] },
      ],
    ],
    [
      'legacy policy = "write"',
      'path "a" { policy = "write" }',
      [{ path: 'a', caps: ['create', 'delete', 'list', 'read', 'update'] }],
    ],
    ['legacy policy = "read" (read + list)', 'path "a" { policy = "read" }', [{ path: 'a', caps: ['list', 'read'] }]],
    [
      'deny makes the stanza deny-only',
      'path "a" { capabilities = ["read", "deny"] }',
      [{ path: 'a', caps: ['deny'] }],
    ],
    ['capabilities are case-insensitive', 'path "a" { capabilities = ["READ"] }', [{ path: 'a', caps: ['read'] }]],
    [
      'a leading slash is stripped',
      'path "/secret/a" { capabilities = ["read"] }',
      [{ path: 'secret/a', caps: ['read'] }],
    ],
    [
      'a top-level name is ignored',
      'name = "x"\npath "a" { capabilities = ["read"] }',
      [{ path: 'a', caps: ['read'] }],
    ],
    ['JSON object form', '{"path": {"a": {"capabilities": ["read"]}}}', [{ path: 'a', caps: ['read'] }]],
    [
      'JSON list of path objects',
      '{"path": [{"a": {"capabilities": ["read"]}}, {"b": {"capabilities": ["list"]}}]}',
      [
        { path: 'a', caps: ['read'] },
        { path: 'b', caps: ['list'] },
      ],
    ],
    [
      'base64 of HCL',
      Buffer.from('path "a" { capabilities = ["read"] }').toString('base64'),
      [{ path: 'a', caps: ['read'] }],
    ],
    [
      'subscribe and recover parse',
      'path "a" { capabilities = ["subscribe", "recover"] }',
      [{ path: 'a', caps: ['recover', 'subscribe'] }],
    ],
  ])('%s', (_n, text, want) => {
    expect(rules(text)).toEqual(want);
  });

  it('keeps parameter constraints and wrapping TTLs', () => {
    const p = parsePolicy(
      't',
      'path "a" {\n  capabilities = ["update"]\n  allowed_parameters = {\n    "X" = []\n    "y" = ["1", "b*"]\n  }\n  denied_parameters = { "z" = [] }\n  required_parameters = ["x"]\n  min_wrapping_ttl = "1m"\n  max_wrapping_ttl = 3600\n}',
    );
    expect(p.rules[0]).toMatchObject({
      allowedParameters: { x: [], y: ['1', 'b*'] },
      deniedParameters: { z: [] },
      requiredParameters: ['x'],
      minWrappingTTL: 60,
      maxWrappingTTL: 3600,
    });
  });
});

describe('policy text refused, with line and column', () => {
  it.each([
    [
      'unknown capability',
      'path "a" {\n  capabilities = ["reed"]\n}',
      /^path "a": invalid capability "reed" on line 2, column 3$/,
    ],
    ['unknown top-level key', 'foo = "bar"', /^invalid key "foo" on line 1, column 1$/],
    [
      'unknown stanza key',
      'path "a" {\n  capabilites = ["read"]\n}',
      /^path "a": invalid key "capabilites" on line 2, column 3$/,
    ],
    ['unclosed block', 'path "a" {\n capabilities = ["read"]\n', /line 3, column 1/],
    ['missing block', 'path "a" capabilities = ["read"]', /line 1, column 23/],
    ['single quotes', 'path \'a\' { capabilities = ["read"] }', /line 1, column 6/],
    ['+* is forbidden', 'path "a/+*" { capabilities = ["read"] }', /invalid use of wildcards \('\+\*' is forbidden\)/],
    ['root is not a capability', 'path "a" { capabilities = ["root"] }', /invalid capability "root"/],
    ['bad legacy policy', 'path "a" { policy = "admin" }', /invalid policy "admin"/],
    ['bad JSON', '{"path": ', /^invalid JSON/],
  ])('%s', (_n, text, re) => {
    expect(() => parsePolicy('t', text)).toThrow(re);
  });
});
