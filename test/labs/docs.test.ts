/** The authoring guide covers every check kind and every question kind the schema has. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_KINDS } from '../../labs/format/schema.js';
import { ROOT } from '../support/engine.js';

const doc = fs.readFileSync(path.join(ROOT, 'docs', 'authoring.md'), 'utf8');

describe('docs/authoring.md', () => {
  it('has a worked example for every check kind', () => {
    for (const k of CHECK_KINDS.filter((x) => !['all', 'any', 'not'].includes(x))) {
      expect(doc, k).toContain(`### \`${k}\``);
      expect(doc, k).toMatch(new RegExp(`- ${k}:`));
    }
    for (const k of ['all', 'any', 'not']) expect(doc).toContain(`- ${k}:`);
  });

  it('shows every quiz form and the from_state picks', () => {
    for (const s of ['answer: 1', 'answer: [0, 2]', 'pattern:', 'from_state:', 'pick: denied_by', 'api: { path:'])
      expect(doc).toContain(s);
  });
});
