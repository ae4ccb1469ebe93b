/**
 * The import graph of TypeScript sources, from their relative import specifiers, and the
 * circles in it. For boundary tests: `findCycles(importGraph(['engine']))` should be empty.
 */
import fs from 'node:fs';
import path from 'node:path';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

function sourcesUnder(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourcesUnder(p, out);
    else if (/\.tsx?$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Resolves `./x.js` to the `.ts`/`.tsx` file beside it, when there is one. */
function resolve(from: string, spec: string): string | undefined {
  const abs = path.resolve(path.dirname(from), spec);
  const base = abs.replace(/\.js$/, '');
  for (const c of [base + '.ts', base + '.tsx', abs, path.join(abs, 'index.ts')]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return undefined;
}

/**
 * Every source file under the given directories → the files it imports (relative
 * specifiers only, type-only imports included). Paths are relative to the working directory.
 */
export function importGraph(rootDirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const rel = (p: string) => path.relative(process.cwd(), p).split(path.sep).join('/');
  for (const dir of rootDirs) {
    for (const file of sourcesUnder(path.resolve(dir))) {
      const text = fs.readFileSync(file, 'utf8');
      const deps = new Set<string>();
      for (const m of text.matchAll(SPECIFIER)) {
        const target = resolve(file, m[2]);
        if (target) deps.add(rel(target));
      }
      graph.set(rel(file), [...deps].sort());
    }
  }
  return graph;
}

/** Each import circle once, as the list of files around it (Tarjan's strongly connected components). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}
