/**
 * The faces' door: labs/index.ts exports what tui/ uses. (Circles, the layers and file sizes
 * are checked for the whole tree in test/boundaries.test.ts.)
 */
import { describe, expect, it } from 'vitest';

describe('labs/ door', () => {
  it('exports from labs/index.ts every name tui/ uses', async () => {
    const door = await import('../../labs/index.js');
    for (const name of [
      'loadLabsCached',
      'ProgressStore',
      'contentDir',
      'dataDir',
      'LabSession',
      'questionKind',
      'ScriptShell',
      'formatProblem',
    ]) {
      expect(door, name).toHaveProperty(name);
    }
  });
});
