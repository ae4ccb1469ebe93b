/**
 * `file` checks re-run when the workspace changes on disk: a file written by a process
 * outside the lab shell completes the step with no command run. The watch ends quietly
 * when the session stops or the folder vanishes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSession } from '../../labs/runtime/session.js';
import { WorkspaceWatch } from '../../labs/runtime/workspace-watch.js';
import { session } from './helpers.js';

const LAB = `
id: watch
title: Watch
minutes: 1
setup:
  - mkdir -p notes
steps:
  - id: write
    title: Write the plan
    body: b
    hints: [h]
    solution: ["echo ready > notes/plan.txt"]
    check:
      - file: { path: notes/plan.txt, contains: ready }
  - id: after
    title: After
    body: b
    hints: [h]
    solution: ["true"]
    check:
      - file: { path: notes/plan.txt, exists: false }
`;

/** Writes a file from another process, as an editor or a second terminal would. */
function writeOutside(file: string, text: string) {
  execFileSync(process.execPath, [
    '-e',
    `require('fs').writeFileSync(${JSON.stringify(file)}, ${JSON.stringify(text)})`,
  ]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let s: LabSession | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

describe('workspace watch', () => {
  it('completes a file step written by another process, with no command run', async () => {
    s = await session(LAB, { autoAdvance: true });
    expect(s.stepIndex).toBe(0);
    expect(s.results[0]?.pass).toBe(false);
    const done = new Promise<number>((r) => s!.once('step-complete', r));
    writeOutside(path.join(s.workspace, 'notes', 'plan.txt'), 'ready\n');
    const which = await Promise.race([done, sleep(5000).then(() => -1)]);
    expect(which).toBe(0);
    expect(s.commands).toHaveLength(0);
    // And a removal re-runs them too (the next step wants the file seen, then gone).
    while (s.stepIndex !== 1 || !s.results.length) await sleep(20);
    await s.settle();
    const gone = new Promise<number>((r) => s!.once('step-complete', r));
    fs.rmSync(path.join(s.workspace, 'notes', 'plan.txt'));
    expect(await Promise.race([gone, sleep(5000).then(() => -1)])).toBe(1);
    expect(s.finished).toBe(true);
  });

  it('without the watch the same write waits for the next command (what the watch adds)', async () => {
    s = await session(LAB, { autoAdvance: true, watchWorkspace: false });
    writeOutside(path.join(s.workspace, 'notes', 'plan.txt'), 'ready\n');
    await sleep(600);
    expect(s.stepIndex).toBe(0);
  });

  it('ends quietly when the workspace vanishes, and stops cleanly', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-watch-'));
    s = await session(LAB, { autoAdvance: true, workspace: ws });
    fs.rmSync(ws, { recursive: true, force: true });
    await sleep(300);
    await s.stop();
    expect(fs.existsSync(ws)).toBe(false);
  });

  it('debounces a burst of changes into one call and stays silent once closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-watch-'));
    let calls = 0;
    const w = new WorkspaceWatch(dir, { onChange: () => calls++, debounceMs: 100 });
    expect(w.watching).toBe(true);
    for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(dir, `f${i}`), 'x');
    await sleep(400);
    expect(calls).toBe(1);
    w.close();
    w.close();
    expect(w.watching).toBe(false);
    fs.writeFileSync(path.join(dir, 'late'), 'x');
    await sleep(300);
    expect(calls).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a folder that does not exist is simply not watched', () => {
    const w = new WorkspaceWatch(path.join(os.tmpdir(), 'vl-watch-missing-folder-x'), { onChange: () => undefined });
    expect(w.watching).toBe(false);
    w.close();
  });
});
