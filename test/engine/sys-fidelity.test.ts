/**
 * The sys/ fidelity sweep (issue 25), pinned as data: for each sys/ path of our API notes, what
 * Vault answers with no token, a bad token, a value of the wrong type and a missing field —
 * status and errors[] — walked through the HTTP API. Rows that are Vault's own quirks (e.g.
 * the bare 400 {"errors":[]} of sys/health) are in on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http } from '../support/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await devEngine();
});
afterAll(async () => {
  await engine.stop();
});

const DENIED = ['permission denied'];
const BAD_TOKEN = ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'];
const fieldErr = (input: string, field: string, why: string) => [
  `Field validation failed: error converting input ${input} for field "${field}": ${why}`,
];

/** Every authenticated sys/ path of the notes: no token and a bad token are refused alike, before any handler. */
const AUTHENTICATED: Array<[string, string]> = [
  ['PUT', 'sys/seal'],
  ['PUT', 'sys/step-down'],
  ['GET', 'sys/mounts'],
  ['POST', 'sys/mounts/x'],
  ['GET', 'sys/mounts/secret'],
  ['DELETE', 'sys/mounts/x'],
  ['GET', 'sys/mounts/secret/tune'],
  ['POST', 'sys/mounts/secret/tune'],
  ['GET', 'sys/auth'],
  ['POST', 'sys/auth/x'],
  ['POST', 'sys/auth/token/tune'],
  ['LIST', 'sys/policies/acl'],
  ['GET', 'sys/policies/acl/default'],
  ['PUT', 'sys/policies/acl/x'],
  ['DELETE', 'sys/policies/acl/x'],
  ['GET', 'sys/policy'],
  ['PUT', 'sys/policy/x'],
  ['POST', 'sys/capabilities-self'],
  ['POST', 'sys/capabilities'],
  ['POST', 'sys/capabilities-accessor'],
  ['PUT', 'sys/leases/lookup'],
  ['LIST', 'sys/leases/lookup/'],
  ['PUT', 'sys/leases/renew'],
  ['PUT', 'sys/leases/revoke'],
  ['PUT', 'sys/leases/revoke-prefix/x'],
  ['PUT', 'sys/leases/revoke-force/x'],
  ['PUT', 'sys/renew'],
  ['PUT', 'sys/revoke'],
  ['GET', 'sys/audit'],
  ['PUT', 'sys/audit/x'],
  ['POST', 'sys/audit-hash/x'],
  ['POST', 'sys/wrapping/wrap'],
  ['LIST', 'sys/version-history'],
  ['POST', 'sys/tools/random'],
  ['POST', 'sys/tools/hash'],
  ['POST', 'sys/remount'],
  ['GET', 'sys/key-status'],
  ['POST', 'sys/rotate'],
  ['GET', 'sys/internal/ui/resultant-acl'],
];

describe('no token and a bad token on authenticated sys/ paths', () => {
  it.each(AUTHENTICATED)('%s %s → 403 permission denied / + invalid token', async (method, path) => {
    const body = method === 'GET' || method === 'LIST' || method === 'DELETE' ? undefined : {};
    const none = await http(engine, method, path, { token: null, body });
    expect([none.status, none.body.errors]).toEqual([403, DENIED]);
    const bad = await http(engine, method, path, { token: 'hvs.NotARealTokenAtAll12345', body });
    expect([bad.status, bad.body.errors]).toEqual([403, BAD_TOKEN]);
  });
});

/** [method, path, body, status, errors] — the wrong-type and missing-field answers, as Vault words them. */
const ROWS: Array<[string, string, unknown, number, string[]]> = [
  // sys/health: any bad query value is a bare 400 with an empty errors array.
  ['GET', 'sys/health?standbyok=maybe', undefined, 400, []],
  ['GET', 'sys/health?sealedcode=soon', undefined, 400, []],
  // sys/init and sys/unseal decode the body into a Go struct.
  [
    'PUT',
    'sys/init',
    { secret_shares: 'x', secret_threshold: 1 },
    400,
    [
      'failed to parse JSON input: json: cannot unmarshal string into Go struct field InitRequest.secret_shares of type int',
    ],
  ],
  [
    'PUT',
    'sys/unseal',
    { key: 5 },
    400,
    ['failed to parse JSON input: json: cannot unmarshal number into Go struct field UnsealRequest.key of type string'],
  ],
  [
    'PUT',
    'sys/unseal',
    { reset: 'yes' },
    400,
    ['failed to parse JSON input: json: cannot unmarshal string into Go struct field UnsealRequest.reset of type bool'],
  ],
  ['PUT', 'sys/unseal', {}, 400, ["'key' must be specified in request body as JSON, or 'reset' set to true"]],
  // Mounts: typed enable fields, and the TTL texts of enable and tune.
  [
    'POST',
    'sys/mounts/m1',
    { type: 'kv', config: 'nope' },
    400,
    fieldErr('nope', 'config', "'' expected a map, got 'string'"),
  ],
  [
    'POST',
    'sys/mounts/m2',
    { type: 'kv', config: { default_lease_ttl: 'forever' } },
    400,
    ['unable to parse default TTL of forever: time: invalid duration "forever"'],
  ],
  [
    'POST',
    'sys/mounts/m3',
    { type: 'kv', config: { max_lease_ttl: 'never' } },
    400,
    ['unable to parse max TTL of never: time: invalid duration "never"'],
  ],
  ['POST', 'sys/mounts/m4', {}, 400, ['backend type must be specified as a string']],
  ['POST', 'sys/mounts/secret/tune', { default_lease_ttl: 'forever' }, 400, ['time: invalid duration "forever"']],
  [
    'POST',
    'sys/auth/a1',
    { type: 'userpass', local: 'maybe' },
    400,
    fieldErr('maybe', 'local', `cannot parse '' as bool: strconv.ParseBool: parsing "maybe": invalid syntax`),
  ],
  ['POST', 'sys/auth/a2', {}, 400, ['backend type must be specified as a string']],
  ['POST', 'sys/auth/token/tune', { max_lease_ttl: 'forever' }, 400, ['time: invalid duration "forever"']],
  // Policies.
  [
    'PUT',
    'sys/policy/p1',
    { policy: ['x'] },
    400,
    fieldErr('[x]', 'policy', "'' expected type 'string', got unconvertible type '[]interface {}', value: '[x]'"),
  ],
  ['PUT', 'sys/policies/acl/p2', {}, 400, ["'policy' parameter not supplied or empty"]],
  // Capabilities.
  [
    'POST',
    'sys/capabilities-self',
    { paths: { a: 1 } },
    400,
    fieldErr(
      'map[a:1]',
      'paths',
      "1 error(s) decoding:\n\n* '[0]' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[a:1]'",
    ),
  ],
  ['POST', 'sys/capabilities-self', {}, 400, ['paths must be supplied']],
  ['POST', 'sys/capabilities', { token: 'root' }, 400, ['paths must be supplied']],
  ['POST', 'sys/capabilities-accessor', { paths: ['secret/x'] }, 400, ['missing accessor']],
  // Leases.
  ['PUT', 'sys/leases/lookup', {}, 400, ['lease_id must be specified']],
  [
    'PUT',
    'sys/leases/renew',
    { lease_id: 'x', increment: 'soon' },
    400,
    fieldErr('soon', 'increment', 'time: invalid duration "soon"'),
  ],
  [
    'PUT',
    'sys/leases/revoke',
    { lease_id: 'x', sync: 'maybe' },
    400,
    fieldErr('maybe', 'sync', `cannot parse '' as bool: strconv.ParseBool: parsing "maybe": invalid syntax`),
  ],
  ['PUT', 'sys/revoke', {}, 400, ['lease_id must be specified']],
  // Audit.
  [
    'PUT',
    'sys/audit/d1',
    { type: 'file', options: 'x' },
    400,
    fieldErr('x', 'options', "'' expected a map, got 'string'"),
  ],
  ['PUT', 'sys/audit/d2', {}, 400, ['unknown backend type: ""']],
  ['POST', 'sys/audit-hash/nowhere', {}, 400, ['the "input" parameter is empty']],
  ['POST', 'sys/audit-hash/nowhere', { input: 'x' }, 400, ['unknown audit backend "nowhere/"']],
  // Wrapping (the full story is in fidelity.test.ts, through hvac).
  [
    'POST',
    'sys/wrapping/unwrap',
    { token: 5 },
    403,
    ['error validating wrapping token: could not decode token in request body'],
  ],
  ['POST', 'sys/wrapping/wrap', { a: 1 }, 400, ['endpoint requires response wrapping to be used']],
  // Tools.
  [
    'POST',
    'sys/tools/random',
    { bytes: 'many' },
    400,
    fieldErr('many', 'bytes', `cannot parse '' as int: strconv.ParseInt: parsing "many": invalid syntax`),
  ],
  [
    'POST',
    'sys/tools/hash',
    { input: 'not base64' },
    400,
    ['unable to decode input as base64: illegal base64 data at input byte 3'],
  ],
];

describe('wrong types and missing fields on sys/ (root token)', () => {
  it.each(ROWS)('%s %s %j → %i', async (method, path, body, status, errors) => {
    const r = await http(engine, method, path, { body });
    expect([r.status, r.body?.errors]).toEqual([status, errors]);
  });
});

describe('unauthenticated sys/ paths answer without a token', () => {
  it.each([
    ['GET', 'sys/health', 200],
    ['GET', 'sys/seal-status', 200],
    ['GET', 'sys/leader', 200],
    ['GET', 'sys/init', 200],
    ['GET', 'sys/internal/ui/mounts', 200],
  ])('%s %s → %i with or without a bad token', async (method, path, status) => {
    expect((await http(engine, method, path, { token: null })).status).toBe(status);
    expect((await http(engine, method, path, { token: 'hvs.NotARealTokenAtAll12345' })).status).toBe(status);
  });

  it('wrapping lookup with no token at all names the problem (403)', async () => {
    const r = await http(engine, 'POST', 'sys/wrapping/lookup', { token: null, body: {} });
    expect([r.status, r.body.errors]).toEqual([403, ['error validating wrapping token: token is empty']]);
  });
});
