/**
 * A lab's private workspace is removed when the session stops, even while something the
 * learner started in the background (lab 52's raft server) is still writing into it: stop()
 * must not throw ENOTEMPTY and end `vault-lab test` or the course, as it once did.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ONE_STEP, session } from './helpers.js';

describe('stopping a session', () => {
  it('removes the workspace while a detached writer is still filling it, without throwing', async () => {
    const s = await session(ONE_STEP('- request: { path: sys/health }'));
    const dir = s.workspace;
    // setsid: the writer leaves the shell's process group, so closing the shell does not stop it.
    await s.runCommand(
      "setsid bash -c 'end=$((SECONDS+2)); while [ $SECONDS -lt $end ]; do mkdir -p d/x/y; touch d/x/y/f$RANDOM; done' >/dev/null 2>&1 &",
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(path.join(dir, 'd', 'x', 'y'))).toBe(true);
    await expect(s.stop()).resolves.toBeUndefined();
    // Gone at once, or by the later retry once the writer has ended.
    const deadline = Date.now() + 9000;
    while (fs.existsSync(dir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(fs.existsSync(dir)).toBe(false);
  }, 20_000);
});
