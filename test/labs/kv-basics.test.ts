/**
 * Lab 11 (kv-basics), issue 17: `-format=json | jq -r .data.data.password` is a right answer to
 * one-field (a pattern on -field used to reject it), and a learner who repeats a `kv put` can
 * still finish (put-replaces and patch-merges used to want versions 2 and 3). Each "before"
 * case runs the lab with the step's checks as they were, and must fail.
 */
import { describe, expect, it } from 'vitest';
import { checks, rawLab, stepOf, upTo, walk } from './lab-walks.js';

const LAB = '11-kv-basics.yaml';

const OLD_ONE_FIELD = checks(`
- command: { matches: 'vault kv get .*-field[= ]password', exit: 0 }
  message: Run \`vault kv get\` with \`-field=password\` on secret/myapp/db.
- request: { path: secret/data/myapp/db, operation: read, status: 200 }
  message: Read secret/myapp/db.
`);

const OLD_PUT_REPLACES = checks(`
- state:
    path: secret/data/myapp/db
    expect:
      - { at: data.data.password, equals: N3wP@ss }
      - { at: data.data.username, exists: false }
      - { at: data.metadata.version, equals: 2 }
  message: Overwrite secret/myapp/db with only password=N3wP@ss and see username disappear.
`);

const OLD_PATCH_MERGES = checks(`
- request: { path: secret/data/myapp/db, operation: patch, status: 200 }
  message: Use \`vault kv patch\` (an HTTP PATCH), not \`kv put\`.
- state:
    path: secret/data/myapp/db
    expect:
      - { at: data.data.username, equals: admin }
      - { at: data.data.password, equals: N3wP@ss }
      - { at: data.metadata.version, equals: 3 }
  message: secret/myapp/db must have username=admin and still password=N3wP@ss.
`);

const JQ = 'DB_PASSWORD=$(vault kv get -format=json secret/myapp/db | jq -r .data.data.password); echo "$DB_PASSWORD"';

describe('lab 11: one-field', () => {
  it('takes the password through -format=json and jq (it used to refuse that)', async () => {
    const now = upTo(rawLab(LAB), 'one-field');
    const alts = stepOf(rawLab(LAB), 'one-field').alternatives as { run?: string[] }[];
    expect(alts.some((a) => a.run?.[0] === JQ)).toBe(true);
    stepOf(now, 'one-field').alternatives = [{ name: 'jq', run: [JQ] }];
    expect((await walk(now, LAB, { kind: 'alt', k: 0 })).failed).toEqual([]);

    stepOf(now, 'one-field').check = OLD_ONE_FIELD;
    const { failed } = await walk(now, LAB, { kind: 'alt', k: 0 });
    expect(failed.map((f) => f.step)).toEqual(['one-field [jq]']);
  }, 120_000);
});

describe('lab 11: a learner who repeats every command', () => {
  it('still finishes put-replaces and patch-merges (fixed versions made them impossible)', async () => {
    const now = upTo(rawLab(LAB), 'patch-merges');
    expect((await walk(now, LAB, { kind: 'retry' })).failed).toEqual([]);

    stepOf(now, 'put-replaces').check = OLD_PUT_REPLACES;
    stepOf(now, 'patch-merges').check = OLD_PATCH_MERGES;
    const { failed, text } = await walk(now, LAB, { kind: 'retry' });
    expect(failed.map((f) => f.step)).toEqual(['(retrying learner)']);
    expect(text).toContain('data.metadata.version is 4, expected 2');
  }, 120_000);
});
