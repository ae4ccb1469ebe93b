/**
 * The UI bundle measures strings of printable ASCII and tui/vendor/narrow-chars.json by their
 * length (tui/vendor/patches.ts patches string-width for it). That is only right while the real
 * string-width counts each of those characters as one column: checked here against it.
 */
import fs from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/engine.js';

const { chars } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tui/vendor/narrow-chars.json'), 'utf8')) as {
  chars: string;
};

describe('narrow characters of the UI bundle', () => {
  it('are single UTF-16 units that string-width counts as one column, alone and in text', () => {
    expect(chars.length).toBeGreaterThan(10);
    for (const c of chars) {
      expect({ c, units: c.length, width: stringWidth(c) }).toEqual({ c, units: 1, width: 1 });
    }
    const line = `› Policies and tokens — 25 min · ${chars} ✓ done…`;
    expect(stringWidth(line)).toBe(line.length);
  });

  it('cover every non-ASCII character the UI code draws', () => {
    const sources = ['tui', 'tui/screens', 'tui/components', 'tui/state'].flatMap((d) =>
      fs
        .readdirSync(path.join(ROOT, d))
        .filter((f) => /\.tsx?$/.test(f))
        .map((f) => path.join(ROOT, d, f)),
    );
    const used = new Set<string>();
    for (const f of sources) for (const c of fs.readFileSync(f, 'utf8')) if (c.charCodeAt(0) > 0x7e) used.add(c);
    const missing = [...used].filter((c) => !chars.includes(c));
    // Not a correctness problem (other text takes string-width's full path), but the list should keep up.
    expect(missing).toEqual([]);
  });
});
