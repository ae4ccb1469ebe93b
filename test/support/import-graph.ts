/**
 * The import graph of the project's TypeScript, for the boundary tests. Every kind of
 * import counts (static, type-only, re-export, side-effect, dynamic): a circle or a
 * forbidden edge ties files together whether or not it survives compilation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './engine.js';

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

/** Source files under a folder (repository-relative, `/`-separated); tests too unless told otherwise. */
export function sourceFiles(dir: string, opts: { tests?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist') continue;
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (
        /\.tsx?$/.test(e.name) &&
        !e.name.endsWith('.d.ts') &&
        (opts.tests !== false || !/\.test\.tsx?$/.test(e.name))
      )
        out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** `../x.js` from `a/b/c.ts` → `a/x.ts` (or `.tsx`); a package name stays as it is. */
export function resolveSpecifier(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const stem = base.replace(/\.js$/, '');
  for (const c of [`${stem}.ts`, `${stem}.tsx`, `${base}/index.ts`]) if (fs.existsSync(path.join(ROOT, c))) return c;
  return base;
}

/** Everything a source file imports, resolved: repository paths for our files, names for packages. */
export function importsOf(file: string): string[] {
  const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const out = new Set<string>();
  for (const m of src.matchAll(SPECIFIER)) out.add(resolveSpecifier(file, m[1] ?? m[2] ?? m[3]));
  return [...out];
}

/** File → the project files it imports, for every source file under the given folders. */
export function importGraph(dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of dirs)
    for (const f of sourceFiles(dir))
      graph.set(
        f,
        importsOf(f).filter((i) => /\.tsx?$/.test(i)),
      );
  return graph;
}

/** Each import circle once, as the files around it, sorted (Tarjan's strongly connected components). */
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
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

/** Files under a folder longer than `max` lines, as `file (N lines)`. */
export function longFiles(dir: string, max: number): string[] {
  return sourceFiles(dir)
    .map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1] as const)
    .filter(([, n]) => n > max)
    .map(([f, n]) => `${f} (${n} lines)`);
}

/** A statement that imports (or re-exports) values, not only types; dynamic imports excluded. */
const VALUE_IMPORT = /^(?:import|export)\s+(?!type\s)([^'";]*?)\s*from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm;

/** Whether an import clause (`{ type A, type B }`) names only types: such an import loads nothing. */
function typesOnly(clause: string): boolean {
  const m = /^\{([^}]*)\}$/.exec(clause.trim());
  return !!m && m[1].split(',').every((part) => part.trim() === '' || /^type\s/.test(part.trim()));
}

/**
 * Everything evaluated before `entry` runs: the closure of its static value imports, our files
 * as repository paths and packages by name. Type-only and dynamic (`import()`) imports load
 * nothing up front, so they are not followed.
 */
export function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!/\.tsx?$/.test(file)) return;
    const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const m of src.matchAll(VALUE_IMPORT)) {
      if (m[1] !== undefined && typesOnly(m[1])) continue;
      visit(resolveSpecifier(file, m[2] ?? m[3]));
    }
  };
  visit(entry);
  return seen;
}
