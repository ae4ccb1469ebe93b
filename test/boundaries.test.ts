/**
 * Imports flow one way: tui → labs → engine, cli → engine, each through its door; inside the
 * engine, backends → framework → sdk and core → framework → sdk, with engine.ts alone wiring
 * them together. No import circles anywhere. See docs/architecture.md.
 */
import { describe, expect, it } from 'vitest';
import {
  findCycles,
  importGraph,
  importsOf,
  longFiles,
  resolveSpecifier,
  sourceFiles,
  staticClosure,
} from './support/import-graph.js';

/** The edges from files under `from` (tests excepted) that `allowed` refuses, as `file → import`. */
function violations(from: string, allowed: (target: string, file: string) => boolean): string[] {
  return sourceFiles(from, { tests: false }).flatMap((f) =>
    importsOf(f)
      .filter((t) => !allowed(t, f))
      .map((t) => `${f} → ${t}`),
  );
}

const inside =
  (...dirs: string[]) =>
  (t: string) =>
    dirs.some((d) => t.startsWith(`${d}/`));
/** A package name, not one of our files (those resolve to a path under a top-level folder). */
const isPackage = (t: string) =>
  !/^(engine|cli|labs|tui|web|bin|content|scripts|test|bench)\//.test(t) && !t.startsWith('.');
const UI_PACKAGES = /^(react|ink)(\/|$)/;

describe('import boundaries between the parts', () => {
  it('engine/ imports no other part of the project, nor React or Ink', () => {
    expect(violations('engine', (t) => (isPackage(t) ? !UI_PACKAGES.test(t) : t.startsWith('engine/')))).toEqual([]);
  });

  it('labs/ reaches the engine only through engine/index.ts and never a face or the CLI', () => {
    // One narrow exception: checks judge a typed `vault` line by meaning with the CLI's own
    // flag parser (issue 17), through the CLI's door and nothing else of cli/.
    const ok = (t: string, f: string) =>
      isPackage(t)
        ? !UI_PACKAGES.test(t)
        : t.startsWith('labs/') ||
          t === 'engine/index.ts' ||
          t.startsWith('content/') ||
          (t === 'cli/index.ts' && f.startsWith('labs/checks/'));
    expect(violations('labs', ok)).toEqual([]);
  });

  it("the CLI's door loads only the CLI: no engine, no schema or YAML library, no face", () => {
    const loaded = [...staticClosure('cli/index.ts')];
    expect(loaded.filter((f) => !isPackage(f) && !f.startsWith('cli/'))).toEqual([]);
    expect(loaded.filter((f) => /^(zod|yaml|pg|jose|react|ink)(\/|$)/.test(f))).toEqual([]);
    // and the lab runtime's door does not load it before a `means:` check runs
    expect([...staticClosure('labs/index.ts')].filter((f) => f.startsWith('cli/'))).toEqual([]);
    expect([...staticClosure('labs/checks/index.ts')].filter((f) => f.startsWith('cli/'))).toEqual([]);
  });

  it('tui/ reaches the rest only through labs/index.ts', () => {
    expect(violations('tui', (t) => isPackage(t) || t.startsWith('tui/') || t === 'labs/index.ts')).toEqual([]);
  });

  it('web/ (the browser face) reaches labs/ only through its door, and the TUI only through its framework-free glue', () => {
    // The browser drives the same lab controller as the terminal UI; React and Ink stay out.
    const TUI_GLUE = new Set(['tui/controller.ts', 'tui/course.ts', 'tui/results.ts', 'tui/text.ts', 'tui/main.ts']);
    const server = (t: string) =>
      isPackage(t) ? !UI_PACKAGES.test(t) : t.startsWith('web/') || t === 'labs/index.ts' || TUI_GLUE.has(t);
    expect(violations('web', (t, f) => (f.startsWith('web/client/') ? true : server(t)))).toEqual([]);
    const loaded = [...staticClosure('web/main.ts'), ...staticClosure('tui/controller.ts')];
    expect(loaded.filter((f) => UI_PACKAGES.test(f) || f.startsWith('engine/'))).toEqual([]);
    // The page imports only itself and the front-end packages it bundles.
    const page = (t: string) => t.startsWith('web/client/') || /^@xterm\/(xterm|addon-fit|addon-attach)(\/|$)/.test(t);
    expect(violations('web/client', page)).toEqual([]);
    // No other part knows the browser face; only the `vault-lab web` entry starts it.
    for (const dir of ['engine', 'cli', 'labs', 'tui'])
      expect(
        violations(dir, (t) => !t.startsWith('web/')),
        dir,
      ).toEqual([]);
  });

  it('cli/ talks HTTP and reaches the engine only through engine/index.ts', () => {
    expect(violations('cli', (t) => isPackage(t) || t.startsWith('cli/') || t === 'engine/index.ts')).toEqual([]);
  });
  it("the faces' door loads no engine, YAML parser or schema library before a face's first frame", () => {
    const loaded = [...staticClosure('labs/index.ts')];
    const heavy = loaded.filter(
      (f) => f.startsWith('engine/') || /^(zod|yaml|pg|jose)(\/|$)/.test(f) || f.startsWith('labs/runtime/session'),
    );
    expect(heavy).toEqual([]);
    // and the course entry reaches only that door, never React or Ink before it chooses a face
    expect(
      [...staticClosure('tui/main.ts')].filter((f) => /^(react|ink)(\/|$)/.test(f) || f.startsWith('engine/')),
    ).toEqual([]);
  });
});

describe('import boundaries inside the engine', () => {
  it('sdk/ imports only itself', () => {
    expect(violations('engine/sdk', (t) => isPackage(t) || inside('engine/sdk')(t))).toEqual([]);
  });

  it('framework/ imports only sdk/', () => {
    expect(violations('engine/framework', (t) => isPackage(t) || inside('engine/framework', 'engine/sdk')(t))).toEqual(
      [],
    );
  });

  it('core/ imports only sdk/ and framework/ (never auth, secrets, system, audit, http, physical)', () => {
    const ok = (t: string) => isPackage(t) || inside('engine/core', 'engine/sdk', 'engine/framework')(t);
    expect(violations('engine/core', ok)).toEqual([]);
  });

  it('backends, audit devices and HTTP never import the core, physical storage or the composition root', () => {
    const forbidden = (t: string) =>
      inside('engine/core', 'engine/physical')(t) || t === 'engine/engine.ts' || t === 'engine/index.ts';
    for (const dir of ['engine/auth', 'engine/secrets', 'engine/system', 'engine/audit', 'engine/http']) {
      expect(
        violations(dir, (t) => !forbidden(t)),
        dir,
      ).toEqual([]);
    }
  });

  it('physical/ imports only sdk/', () => {
    expect(violations('engine/physical', (t) => isPackage(t) || inside('engine/physical', 'engine/sdk')(t))).toEqual(
      [],
    );
  });
});

describe('the shape of the tree', () => {
  it('has no import circles', () => {
    expect(findCycles(importGraph(['engine', 'cli', 'labs', 'tui', 'web', 'bin/src']))).toEqual([]);
  });

  it('keeps the pipeline, the lab runtime and the CLI commands in files of at most 400 lines', () => {
    expect([
      ...longFiles('engine/core', 400),
      ...longFiles('labs/runtime', 400),
      ...longFiles('cli/commands', 400),
    ]).toEqual([]);
  });
});

describe('the checker itself', () => {
  it('resolves specifiers to repository files and finds circles', () => {
    expect(resolveSpecifier('engine/core/core.ts', '../sdk/errors.js')).toBe('engine/sdk/errors.ts');
    expect(resolveSpecifier('tui/app.tsx', '../labs/x.js')).toBe('labs/x.js');
    expect(resolveSpecifier('cli/main.ts', 'node:fs')).toBe('node:fs');
    expect(violations('tui', (t) => t !== 'tui/app.tsx').length).toBeGreaterThan(0); // a forbidden edge is seen
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ]);
    expect(findCycles(g)).toEqual([['a', 'b', 'c']]);
  });

  it('sees every kind of import', () => {
    const found = importsOf('engine/index.ts');
    expect(found).toContain('engine/engine.ts');
    expect(found).toContain('engine/sdk/clock.ts');
    expect(importsOf('bin/src/vault-lab.ts').some((t) => t.startsWith('labs/'))).toBe(true); // dynamic imports
  });
});
