/**
 * The rooms of labs/ stay as issue 16 left them: no import circles (type-only and
 * dynamic imports count: a circle is a circle to the reader), no runtime module over
 * 400 lines, and the faces' door exports what tui/ uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/engine.js';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(rel));
    else if (/\.tsx?$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** The labs/ files a file imports (static, type-only, re-export, side-effect or dynamic). */
function localImports(file: string): string[] {
  const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const out: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;
  for (const m of src.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec.startsWith('.')) continue;
    const target = path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts');
    if (target.startsWith('labs/')) out.push(target);
  }
  return out;
}

/** Every import circle in a graph of file → imported files, each as `a → b → … → a`. */
function circles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') found.push([...stack.slice(stack.indexOf(d)), d].join(' → '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('labs/ layout', () => {
  it('has no import circles', () => {
    expect(circles(new Map(files('labs').map((f) => [f, localImports(f)])))).toEqual([]);
  });

  it('the circle finder finds one', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []]]);
    expect(circles(graph)).toEqual(['a → b → c → a']);
    expect(localImports('labs/tools/runner.ts')).toContain('labs/tools/junit.ts');
  });

  it('keeps every runtime module under 400 lines', () => {
    const long = files('labs/runtime')
      .map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });

  it('exports from labs/index.ts every name tui/ uses', async () => {
    const door = await import('../../labs/index.js');
    for (const name of ['loadLabsCached', 'ProgressStore', 'contentDir', 'dataDir', 'LabSession', 'questionKind', 'ScriptShell', 'formatProblem']) {
      expect(door, name).toHaveProperty(name);
    }
  });
});
