/**
 * The built course's V8 code cache for its UI bundle (tui/vendor/load.ts): written on the
 * first start, private to the learner, used as is on later starts, replaced — never
 * trusted — when it is damaged, and the only one kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';
import { PtySession } from '../support/pty.js';

let s: PtySession | undefined;
afterEach(() => {
  try {
    s?.pty.kill();
  } catch {
    /* gone */
  }
  s = undefined;
});

/** Starts the course, waits for the map, quits with q. */
async function startAndQuit(data: string) {
  s = new PtySession(process.execPath, [VAULT_LAB_JS], { cwd: ROOT, env: { VAULT_LAB_DATA_DIR: data, NO_COLOR: '1' } });
  await s.waitFor('start/resume', 20_000);
  s.type('q');
  expect(await s.waitExit()).toBe(0);
  s = undefined;
}

describe('the UI code cache', () => {
  it('is written on the first start (0600), kept while valid, and rewritten when damaged', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-codecache-'));
    const dir = path.join(data, 'cache', 'v8');
    const vendor = fs.readdirSync(path.join(ROOT, 'dist')).find((f) => /^ui-vendor-\w+\.cjs$/.test(f))!;
    const file = path.join(dir, `${vendor}-${process.version}-${process.arch}.bin`);

    // A cache left by an earlier build is removed when the new one is saved.
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'ui-vendor-OLDBUILD.cjs-v20.0.0-x64.bin'), 'stale');
    await startAndQuit(data);
    expect(fs.readdirSync(dir)).toEqual([path.basename(file)]);
    const st = fs.statSync(file);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.size).toBeGreaterThan(100_000);
    const good = fs.readFileSync(file);

    // A valid cache is used and left alone.
    const old = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000); // whole seconds: utimes rounds
    fs.utimesSync(file, old, old);
    await startAndQuit(data);
    expect(fs.statSync(file).mtimeMs).toBe(old.getTime());

    // A damaged one (same size, wrong bytes) is rejected by V8: the course still starts and saves a good one.
    fs.writeFileSync(file, Buffer.alloc(good.length, 0x5a));
    await startAndQuit(data);
    const rewritten = fs.readFileSync(file);
    expect(rewritten.equals(Buffer.alloc(good.length, 0x5a))).toBe(false);
    expect(rewritten.length).toBeGreaterThan(100_000);
    fs.rmSync(data, { recursive: true, force: true });
  }, 90_000);
});
