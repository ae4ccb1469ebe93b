/**
 * The UI's imports: React kept out of plain mode and the course entry, and the lab
 * controller's fields left to the controller. (Circles and the labs door are checked for
 * the whole tree in test/boundaries.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/engine.js';
import { sourceFiles, staticClosure } from '../support/import-graph.js';

const TUI = sourceFiles('tui', { tests: false });

describe("the UI's imports", () => {
  it('keeps React and Ink out of plain mode and the course entry', () => {
    expect([...staticClosure('tui/ink.tsx')]).toContain('ink'); // the walk itself
    for (const entry of ['tui/plain.ts', 'tui/main.ts']) {
      const ui = [...staticClosure(entry)].filter((m) => /^(react|ink)(\/|$)/.test(m));
      expect({ entry, ui }).toEqual({ entry, ui: [] });
    }
  });

  it("leaves the lab controller's fields to the controller: the UI calls its methods", () => {
    const write = /\b(?:c|controller|this\.controller)\.[A-Za-z_]+\s*(?:=(?![=>])|\+\+|\+=|-=)/;
    expect(write.test('c.quiz = null')).toBe(true); // the check itself
    expect(write.test('c.quiz === null')).toBe(false);
    const bad = TUI.filter((f) => f !== 'tui/controller.ts' && write.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });
});
