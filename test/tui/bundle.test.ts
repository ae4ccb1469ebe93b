/**
 * The published bundle: the non-interactive commands (`test`, `validate`, `server`,
 * `quiz`, `new`, the `vault` CLI) and the plain course never load React or Ink — only
 * the full-screen course does. Read from the import graph of the built `dist/`; React itself is
 * in the UI vendor bundle, which only the code that names it loads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/engine.js';

const DIST = path.join(ROOT, 'dist');
const REACT = /react\.transitional\.element|react\.element/;

function source(file: string) {
  return fs.readFileSync(path.join(DIST, file), 'utf8');
}

/** Files a chunk loads as soon as it runs (static imports, transitively). */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const m of source(f).matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) walk(m[1]);
  };
  walk(entry);
  return seen;
}

const chunk = (prefix: string) => fs.readdirSync(DIST).find((f) => f.startsWith(`${prefix}-`) && f.endsWith('.js'));

describe('the built bundle', () => {
  it('loads React only for the full-screen course', () => {
    // Ink and React live in one CommonJS bundle that the course loads with a code cache (tui/vendor/).
    const vendor = fs.readdirSync(DIST).find((f) => /^ui-vendor-\w+\.cjs$/.test(f));
    expect(vendor).toBeTruthy();
    expect(REACT.test(source(vendor!))).toBe(true);
    const loadsReact = (entry: string) =>
      [...staticClosure(entry)].some((f) => REACT.test(source(f)) || source(f).includes(vendor!));
    expect(loadsReact('vault-lab.js')).toBe(false);
    expect(loadsReact('vault.js')).toBe(false);
    const lazy = [...source('vault-lab.js').matchAll(/import\("\.\/([^"]+\.js)"\)/g)].map((m) => m[1]);
    expect(lazy.length).toBeGreaterThan(3);
    for (const f of lazy) expect({ f, react: loadsReact(f) }).toEqual({ f, react: false });
    const plain = chunk('plain');
    const ink = chunk('ink');
    expect(plain && ink).toBeTruthy();
    expect(loadsReact(plain!)).toBe(false);
    expect(loadsReact(ink!)).toBe(true);
  });
});
