/** docs/authoring.md's walkthrough: its lab passes `vault-lab test`, and every block it quotes is in that lab. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/engine.js';
import { runVaultLab } from '../support/vault-lab.js';

const LAB = path.join(ROOT, 'docs', 'walkthrough', 'webapp-key.yaml');

describe('the authoring walkthrough', () => {
  it('quotes only what is in its lab file', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'authoring.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Walkthrough'), doc.indexOf('## Courses'));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const lab = fs.readFileSync(LAB, 'utf8');
    for (const b of blocks) expect(lab, b).toContain(b.trimEnd());
  });

  it('its lab validates and passes vault-lab test: alternatives, anti-solutions, HTTP, the retrying learner', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-walk-'));
    try {
      const v = await runVaultLab(['validate', LAB], { cwd });
      expect(v.code).toBe(0);
      const r = await runVaultLab(['test', LAB], { cwd });
      expect(r.out).toMatch(/\[curl\]/);
      expect(r.out).toMatch(/\[HTTP\]/);
      expect(r.out).toContain('(retrying learner)');
      expect(r.out).toMatch(/\n(\d+) passed, 0 failed/);
      expect(r.code).toBe(0);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});
