/**
 * The faces' door: labs/index.ts exports what tui/ uses, and its runtime arrives through
 * loadRuntime(). (Circles, the layers, what the door loads up front and file sizes are
 * checked for the whole tree in test/boundaries.test.ts.)
 */
import { describe, expect, it } from 'vitest';

describe('labs/ door', () => {
  it('exports from labs/index.ts every name tui/ uses', async () => {
    const door = await import('../../labs/index.js');
    for (const name of ['loadLabsCached', 'ProgressStore', 'contentDir', 'dataDir', 'formatProblem', 'loadRuntime']) {
      expect(door, name).toHaveProperty(name);
    }
    const runtime = await door.loadRuntime();
    for (const name of ['LabSession', 'questionKind', 'ScriptShell']) expect(runtime, name).toHaveProperty(name);
    expect(await door.loadRuntime()).toBe(runtime); // loaded once
  });
});
