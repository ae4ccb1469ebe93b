/** Imports flow one way: tui → labs → engine, and only through engine/index.ts. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/engine.js';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(rel));
    else if (/\.(ts|tsx)$/.test(e.name)) out.push(rel);
  }
  return out;
}

function imports(file: string): string[] {
  const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1] ?? m[2]);
  return out;
}

function resolved(file: string, spec: string): string {
  return spec.startsWith('.') ? path.normalize(path.join(path.dirname(file), spec)) : spec;
}

describe('import boundaries', () => {
  it('engine/ never imports labs/, tui/, content/, react or ink', () => {
    const bad: string[] = [];
    for (const f of files('engine')) {
      for (const spec of imports(f)) {
        const r = resolved(f, spec);
        if (/^(labs|tui|content)\//.test(r) || /^(react|ink)(\/|$)/.test(spec)) bad.push(`${f} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('labs/ and tui/ reach the engine only through engine/index.ts', () => {
    const bad: string[] = [];
    for (const f of [...files('labs'), ...files('tui')]) {
      for (const spec of imports(f)) {
        const r = resolved(f, spec);
        if (r.startsWith('engine/') && r !== 'engine/index.js') bad.push(`${f} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('labs/ never imports tui/', () => {
    const bad = files('labs').flatMap((f) => imports(f).filter((s) => resolved(f, s).startsWith('tui/')).map((s) => `${f} → ${s}`));
    expect(bad).toEqual([]);
  });

  it('the checker itself catches a forbidden import', () => {
    expect(resolved('engine/core/x.ts', '../../labs/session.js')).toBe('labs/session.js');
    expect(resolved('tui/app.tsx', '../engine/core/core.js')).toBe('engine/core/core.js');
  });
});
