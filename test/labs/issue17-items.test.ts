/**
 * Every reproduction listed in issue 17 (a right answer rejected, a dead end, a wrong answer
 * passed) stays in the shipped labs as an alternative or an anti-solution, so
 * `vault-lab test content/labs` (test/content/labs.test.ts) proves each one on every run.
 * Each of them failed against the labs before the issue (see the issue's closing note);
 * the labs' own tests (test/labs/<lab>.test.ts) put the old checks back and watch them fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabFile } from '../../labs/format/load.js';
import type { Step } from '../../labs/format/schema.js';
import { ROOT } from '../support/engine.js';

const lab = (file: string) => loadLabFile(path.join(ROOT, 'content', 'labs', `${file}.yaml`)).lab;
const step = (file: string, id: string): Step => {
  const s = lab(file).steps.find((x) => x.id === id);
  if (!s) throw new Error(`${file} has no step ${id}`);
  return s;
};
const text = (run: string[] | undefined) => (run ?? []).join('\n');
const hasAlternative = (s: Step, re: RegExp) => s.alternatives.some((a) => re.test(text(a.run)));
const hasAnti = (s: Step, re: RegExp) => s.anti_solutions.some((a) => re.test(text(a.run)));

describe('issue 17: right answers that were rejected are alternatives now', () => {
  it.each([
    ['01-getting-started', 'dev-mode-forgets', /vault kv get -mount=secret hello/],
    ['01-getting-started', 'point-the-cli', /VAULT_ADDR=\$ADDR vault status/],
    ['11-kv-basics', 'one-field', /vault kv get -format=json secret\/myapp\/db \| jq -r \.data\.data\.password/],
    ['13-tokens', 'lookup', /^VAULT_TOKEN=\$APP_TOKEN vault token lookup$/m],
    ['13-tokens', 'children-die', /^VAULT_TOKEN=\$CHILD vault token lookup$/m],
    ['13-tokens', 'expiry', /VAULT_TOKEN=\$SHORT vault token renew/],
    ['41-transit-signing', 'sign', /transit\/sign\/release-ec input=/],
    ['50-seal-unseal', 'unseal', /vault write sys\/unseal key=/],
    ['50-seal-unseal', 'unseal', /curl .*sys\/unseal/],
  ])('%s %s: %s', (file, id, re) => {
    expect(hasAlternative(step(file, id), re)).toBe(true);
  });
});

describe('issue 17: wrong answers that passed are anti-solutions now', () => {
  it.each([
    ['10-policies-and-tokens', 'write-policy', /path "secret\/data\/\*"/],
    [
      '10-policies-and-tokens',
      'create-token',
      /^export RO_TOKEN=\$\(vault token create -policy=read-only -field=token\)$/,
    ],
    ['13-tokens', 'children-die', /vault token revoke \$CHILD\nvault token lookup garbage/],
    ['21-approle', 'unwrap-once', /vault unwrap not-a-wrapping-token/],
    ['30-dynamic-db-credentials', 'use-credentials', /LAB_PG_ADMIN_PASSWORD.*SELECT/],
    ['40-transit-encryption', 'retire-v1', /ciphertext=order-v1\.enc/],
  ])('%s %s: %s', (file, id, re) => {
    expect(hasAnti(step(file, id), re)).toBe(true);
  });
});

describe('issue 17: the dead ends', () => {
  it('a retried kv put: no step of 11 or 12 is exempt from the retrying learner, and no check names a version after the first', () => {
    for (const file of ['11-kv-basics', '12-kv-versioning']) {
      expect(lab(file).steps.filter((s) => s.exempt?.retry)).toEqual([]);
      const yaml = fs.readFileSync(path.join(ROOT, 'content', 'labs', `${file}.yaml`), 'utf8');
      // Version 1 is the first whatever happens later; no other version number is written down.
      expect(yaml).not.toMatch(/at: data\.current_version, equals: \d|at: data\.metadata\.version, equals: [2-9]/);
    }
  });

  it('30: an extra read before the kept one is an alternative, and revoke-lease counts from the step', () => {
    const read = step('30-dynamic-db-credentials', 'read-credentials');
    expect(read.alternatives.some((a) => a.run?.[0] === 'vault read database/creds/readonly')).toBe(true);
    const revoke = JSON.stringify(step('30-dynamic-db-credentials', 'revoke-lease').check);
    expect(revoke).not.toContain('"rows":0');
    expect(revoke).toMatch(/"removed"|"revoked"/);
  });

  it('10: the wide policy is refused at write-policy, where the learner wrote it', () => {
    const s = step('10-policies-and-tokens', 'write-policy');
    expect(s.anti_solutions.find((a) => /secret\/data\/\*/.test(text(a.run)))?.diagnostic).toMatch(/also opens/);
  });
});
