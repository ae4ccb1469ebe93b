/**
 * Canaries through a full lab run: 1,000 unique secrets are written while the
 * "Policies and tokens" lab runs headlessly (its solutions, a file audit device, the
 * learner's progress). Afterwards none of them appears — raw, base64, hex,
 * JSON-escaped or URL-encoded — in the progress file, the workspace, the audit log, or
 * the terminal output of the commands that wrote them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabFile } from '../../labs/format/load.js';
import { LabSession } from '../../labs/runtime/session.js';
import { ProgressStore } from '../../labs/runtime/progress.js';
import { ROOT } from '../support/engine.js';
import { canary, forms, MARK, readAll } from '../support/canary.js';

describe('canaries through a full lab run', () => {
  it('1,000 secrets leave no plaintext in progress, workspace, audit log or command output', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-lab-canary-'));
    const workspace = path.join(data, 'workspaces', 'policies-and-tokens');
    const { lab } = loadLabFile(path.join(ROOT, 'content', 'labs', '10-policies-and-tokens.yaml'));
    const store = new ProgressStore(data).load();
    const session = new LabSession({ lab, workspace, autoAdvance: false });
    const outputs: string[] = [];
    const values: string[] = [];
    try {
      await session.start();
      const log = path.join(data, 'audit.log');
      const audit = await session.engine.request({
        operation: 'write',
        path: 'sys/audit/file',
        token: session.engine.rootToken,
        data: { type: 'file', options: { file_path: log } },
      });
      expect(audit.status).toBe(204);
      // Some canaries through the learner's own CLI in the lab shell (each is a process)…
      const CLI = process.env.SOAK === '1' ? 100 : 12;
      for (let i = 0; i < CLI; i++) {
        const v = canary(i, 'cli');
        values.push(v);
        const r = await session.runCommand(`vault kv put secret/canary/cli-${i} value='${v.replace(/'/g, `'"'"'`)}'`);
        outputs.push(r.output);
        expect(r.code).toBe(0);
      }
      // …and the rest through the API, as an app would.
      for (let i = 0; i < 1000 - CLI; i++) {
        const v = canary(i, 'api');
        values.push(v);
        const r = await session.engine.request({
          operation: 'write',
          path: `secret/data/canary/api-${i}`,
          token: session.engine.rootToken,
          data: { data: { value: v } },
        });
        expect(r.status).toBe(200);
      }
      // The lab itself, step by step, with progress written as the course does.
      for (const step of lab.steps) {
        for (const cmd of step.solution) outputs.push((await session.runCommand(cmd)).output);
        await session.settle();
        expect((await session.evaluate()).every((r) => r.pass)).toBe(true);
        store.update(lab.id, (p) => {
          p.done.push(step.id);
          p.step++;
          p.hints[step.id] = 1;
        });
        await session.completeStep();
      }
      store.update(lab.id, (p) => {
        p.status = 'done';
      });
      expect(fs.statSync(log).size).toBeGreaterThan(100_000);
    } finally {
      await session.stop();
    }
    const haystacks: Record<string, string> = {
      'progress and data dir (incl. workspace and audit log)': readAll(data),
      'command output': outputs.join('\n'),
    };
    // Every canary starts with the same marker, so any encoded leak contains an encoded
    // marker: scan for those first, and name the canary only if one shows up.
    const markerForms = forms(`${MARK}-`);
    const hits: string[] = [];
    for (const [where, text] of Object.entries(haystacks)) {
      if (!markerForms.some((f) => text.includes(f))) continue;
      for (const v of values) for (const f of forms(v)) if (text.includes(f)) hits.push(`${where}: ${v} as ${f}`);
    }
    console.log(
      `lab canaries: ${values.length} secrets, ${markerForms.length} marker forms, scanned ${Object.values(haystacks).reduce((n, t) => n + t.length, 0)} characters: ${hits.length} hits`,
    );
    expect(hits.slice(0, 10)).toEqual([]);
    // The scanner sees a planted leak (control).
    const planted = `${haystacks['command output']} ${Buffer.from('zz' + values[7]).toString('base64')}`;
    expect(markerForms.some((f) => planted.includes(f))).toBe(true);
  }, 300_000);
});
