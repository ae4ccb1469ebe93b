/**
 * The UI's own import graph: no circles (type-only and lazy imports count: they still tie
 * the files together), labs/ reached only through its door, React kept out of plain mode.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/engine.js';

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return files(rel);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

/** Every module a file names (static, type-only, re-export or lazy), resolved to a repository path. */
function importsOf(file: string): string[] {
  const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) { out.push(spec); continue; }
    const base = path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '');
    out.push(['.ts', '.tsx'].map((x) => base + x).find((f) => fs.existsSync(path.join(ROOT, f))) ?? `${base}.js`);
  }
  return out;
}

const TUI = files('tui');
const graph = new Map(TUI.map((f) => [f, importsOf(f).filter((i) => i.startsWith('tui/'))]));

/** The circles in the graph, each as the files around it. */
function circles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') found.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('the UI import graph', () => {
  it('has no circles', () => {
    expect(graph.size).toBeGreaterThan(20);
    expect(circles().map((c) => c.join(' → '))).toEqual([]);
  });

  it('finds a circle when there is one (the checker itself)', () => {
    graph.set('tui/x.ts', ['tui/y.ts']);
    graph.set('tui/y.ts', ['tui/x.ts']);
    try {
      expect(circles().map((c) => c.join(' → '))).toEqual(['tui/x.ts → tui/y.ts → tui/x.ts']);
    } finally {
      graph.delete('tui/x.ts');
      graph.delete('tui/y.ts');
    }
  });

  it('reaches labs/ only through labs/index.ts', () => {
    const bad = TUI.flatMap((f) => importsOf(f).filter((i) => i.startsWith('labs/') && i !== 'labs/index.ts').map((i) => `${f} → ${i}`));
    expect(bad).toEqual([]);
  });

  it('keeps React and Ink out of plain mode and the course entry', () => {
    const reach = (from: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(from)) return seen;
      seen.add(from);
      // Lazy imports load later, on their own path (the full-screen UI): follow static ones only.
      const src = fs.readFileSync(path.join(ROOT, from), 'utf8').replace(/import\(\s*['"][^'"]+['"]\s*\)/g, '');
      for (const m of src.matchAll(/^(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1];
        if (!spec.startsWith('.')) { seen.add(spec); continue; }
        const target = path.normalize(path.join(path.dirname(from), spec)).replace(/\.js$/, '');
        const next = importsOf(from).find((i) => i.replace(/\.(tsx?|js)$/, '') === target);
        if (next?.startsWith('tui/')) reach(next, seen);
      }
      return seen;
    };
    expect([...reach('tui/ink.tsx')]).toContain('ink'); // the walk itself
    for (const entry of ['tui/plain.ts', 'tui/main.ts']) {
      const ui = [...reach(entry)].filter((m) => /^(react|ink)(\/|$)/.test(m));
      expect({ entry, ui }).toEqual({ entry, ui: [] });
    }
  });

  it('leaves the lab controller\'s fields to the controller: the UI calls its methods', () => {
    const write = /\b(?:c|controller|this\.controller)\.[A-Za-z_]+\s*(?:=(?![=>])|\+\+|\+=|-=)/;
    expect(write.test('c.quiz = null')).toBe(true); // the check itself
    expect(write.test('c.quiz === null')).toBe(false);
    const bad = TUI.filter((f) => f !== 'tui/controller.ts' && write.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });
});

