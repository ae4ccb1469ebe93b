/** The Ink app rendered with ink-testing-library: course map, opening a lab, live checks. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import React from 'react';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../tui/app.js';
import { loadLabDir } from '../../labs/load.js';
import { ProgressStore } from '../../labs/progress.js';
import { NO_COLOR_THEME } from '../../tui/theme.js';
import type { LabController } from '../../tui/controller.js';
import { ROOT } from '../support/engine.js';

const wait = async (fn: () => boolean, ms = 10_000) => {
  const t0 = Date.now();
  while (!fn()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => { await cleanup?.(); cleanup = undefined; });

describe('App', () => {
  it('lists the labs with their status, opens one, and advances when the engine sees the work', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-app-'));
    const { labs } = loadLabDir(path.join(ROOT, 'content', 'labs'));
    const store = new ProgressStore(data).load();
    let controller: LabController | null = null;
    const r = render(<App labs={labs} store={store} theme={NO_COLOR_THEME} noShell={false} workspaceRoot={path.join(data, 'ws')} notices={[]} onController={(c) => { controller = c; }} size={{ cols: 80, rows: 24 }} />);
    cleanup = async () => { await (controller as LabController | null)?.stop(); r.unmount(); };
    expect(r.lastFrame()).toContain('Policies and tokens');
    expect(r.lastFrame()).toMatch(/Policies and tokens\s+15 min\s+—\s+new/);
    const idx = labs.findIndex((l) => l.lab.id === 'policies-and-tokens');
    for (let i = 0; i < idx; i++) r.stdin.write('\u001b[B');
    r.stdin.write('\r');
    await wait(() => (r.lastFrame() ?? '').includes('step 1/6') && (controller as LabController | null)?.state === 'ready');
    expect(r.lastFrame()).toContain('Put a secret worth protecting');
    expect(r.lastFrame()).toMatch(/✗ .*secret\/myapp\/config/);
    // Any client counts: write through the engine's HTTP API, not the shell.
    const c = controller as unknown as LabController;
    const res = await fetch(`${c.session.engine.url}/v1/secret/data/myapp/config`, { method: 'PUT', headers: { 'X-Vault-Token': c.session.engine.rootToken }, body: JSON.stringify({ data: { db_user: 'appuser', db_password: 'x' } }) });
    expect(res.status).toBe(200);
    await wait(() => (r.lastFrame() ?? '').includes('step 2/6'));
    expect(r.lastFrame()).toMatch(/✓ store-secret ● write-policy/);
    // Hints are a ladder, revealed one at a time from the lesson.
    r.stdin.write('\u001d');
    await new Promise((res) => setTimeout(res, 50)); // ink-testing-library keeps one pending chunk
    r.stdin.write('h');
    await wait(() => (r.lastFrame() ?? '').includes('Hint 1/2')).catch((e) => { console.log(JSON.stringify(r.lastFrame())); throw e; });
    expect(store.lab('policies-and-tokens').hints['write-policy']).toBe(1);
    expect(store.lab('policies-and-tokens').done).toEqual(['store-secret']);
  }, 30_000);
});
