/** The lab controller counts, in progress, the diagnostics a learner meets — for `vault-lab report`. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLabFile } from '../../labs/format/load.js';
import { ProgressStore } from '../../labs/runtime/progress.js';
import { LabController } from '../../tui/controller.js';
import { ROOT } from '../support/engine.js';

let c: LabController | undefined;
let dir: string | undefined;
afterEach(async () => {
  await c?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('diagnostics in progress', () => {
  it('records a failing check met after the learner acted, once per step, with typed values blanked', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-diag-'));
    const store = new ProgressStore(dir).load();
    const loaded = loadLabFile(path.join(ROOT, 'test', 'tui', 'fixtures', 'dev', 'ten-steps.yaml'));
    c = new LabController(loaded, { cols: 80, shellRows: 10, noShell: true, store, workspaceRoot: dir });
    await c.start();
    expect(store.lab('ten-steps').diagnostics).toBeUndefined(); // nothing done yet: nothing met
    await c.session.runCommand('vault kv put secret/s1 v=my-typed-secret', undefined, { record: true });
    await c.session.settle();
    await c.session.runCommand('vault kv put secret/s1 v=again-wrong', undefined, { record: true });
    await c.session.settle();
    const d = store.lab('ten-steps').diagnostics?.['put-1'] ?? {};
    expect(Object.keys(d)).toEqual(['write v=1 at secret/s1 (Not yet: data.data.v is "…", expected "…".)']);
    expect(Object.values(d)).toEqual([1]);
    expect(JSON.stringify(store.data)).not.toContain('my-typed-secret');
  }, 60_000);
});
