/**
 * The vendor patches of tui/vendor/patches.ts against the packages installed: each is pinned
 * to the version it was written for, and each source patch's anchors are still in the file.
 * When an upgrade changes a package, this says which patch to re-check and how.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/engine.js';
import {
  applySourcePatch,
  importUi,
  MODULE_PATCHES,
  RUNTIME_WORKAROUNDS,
  SOURCE_PATCHES,
  YOGA_WASM,
  type Vendored,
} from '../../tui/vendor/patches.js';

const pkgDir = (name: string) => path.join(ROOT, 'node_modules', name);
const installed = (name: string): string =>
  JSON.parse(fs.readFileSync(path.join(pkgDir(name), 'package.json'), 'utf8')).version;
const ctx = {
  narrowChars: JSON.parse(fs.readFileSync(path.join(ROOT, 'tui/vendor/narrow-chars.json'), 'utf8')).chars as string,
};
const ALL: Vendored[] = [...SOURCE_PATCHES, ...MODULE_PATCHES, ...RUNTIME_WORKAROUNDS];

describe('vendor patches', () => {
  it('are pinned to the versions installed', () => {
    for (const p of ALL) {
      const v = installed(p.package);
      expect(
        v,
        `${p.package} is ${v} in node_modules, but the vendor patch "${p.id}" (tui/vendor/patches.ts) was written ` +
          `against ${p.package} ${p.version}: ${p.what} Re-check ${p.recheck} Then set its version to ${v}.`,
      ).toBe(p.version);
    }
  });

  it('each say what they do, why, and what to re-check', () => {
    expect(ALL.length).toBe(5);
    for (const p of ALL)
      for (const k of ['what', 'why', 'recheck'] as const) expect(p[k].length, `${p.id}.${k}`).toBeGreaterThan(20);
    expect(new Set(ALL.map((p) => p.id)).size).toBe(ALL.length);
  });

  it('find every anchor of each source patch in the installed file, and change it', () => {
    for (const p of SOURCE_PATCHES) {
      const file = path.join(pkgDir(p.package), p.file);
      expect(p.filter.test(file), `${p.id}: its filter must match ${file}`).toBe(true);
      const src = fs.readFileSync(file, 'utf8');
      if (p.onlyIf)
        expect(
          src.includes(p.onlyIf),
          `${p.id}: ${p.package}/${p.file} no longer holds ${p.onlyIf}; re-check ${p.recheck}`,
        ).toBe(true);
      const out = applySourcePatch(p, src, ctx, installed(p.package));
      for (const cut of p.cuts) {
        expect(out.includes(cut.from), `${p.id}: ${JSON.stringify(cut.from)} should be gone`).toBe(false);
        expect(out.includes(cut.to(ctx))).toBe(true);
      }
    }
  });

  it('fail with a sentence naming the package, the pinned version and what to re-check when an anchor is gone', () => {
    const p = SOURCE_PATCHES.find((x) => x.package === 'ink')!;
    expect(() => applySourcePatch(p, 'export default 1;', ctx, '9.9.9')).toThrow(
      /vendor patch ink-reconciler-dev-awaits: ink\/build\/reconciler\.js \(9\.9\.9 installed\) no longer contains .* written against ink 6\.8\.0\. Re-check ink\/build\/reconciler\.js/,
    );
    // A file the patch does not concern (an older string-width nested elsewhere) is left as it is.
    const sw = SOURCE_PATCHES.find((x) => x.package === 'string-width')!;
    expect(applySourcePatch(sw, 'export default function stringWidth() {}', ctx)).toBe(
      'export default function stringWidth() {}',
    );
  });

  it('the yoga module patch finds the files it relies on and the wasm bytes', () => {
    for (const m of MODULE_PATCHES) {
      expect(fs.existsSync(path.join(ROOT, m.with)), m.with).toBe(true);
      for (const f of m.uses) {
        expect(
          fs.existsSync(path.join(pkgDir(m.package), f)),
          `${m.id}: ${m.package}/${f} is gone; re-check ${m.recheck}`,
        ).toBe(true);
      }
    }
    expect(YOGA_WASM.pattern.test(fs.readFileSync(path.join(pkgDir('yoga-layout'), YOGA_WASM.file), 'utf8'))).toBe(
      true,
    );
  });

  it('the run-time workarounds still have their reason', () => {
    // yoga asks `typeof fetch` as it starts; Ink reads is-in-ci, which reads CI and CONTINUOUS_INTEGRATION.
    expect(fs.readFileSync(path.join(pkgDir('yoga-layout'), YOGA_WASM.file), 'utf8')).toContain('typeof fetch');
    expect(fs.readFileSync(path.join(pkgDir('ink'), 'build/ink.js'), 'utf8')).toContain("from 'is-in-ci'");
    expect(fs.readFileSync(path.join(pkgDir('is-in-ci'), 'index.js'), 'utf8')).toMatch(
      /check\('CI'\)[\s\S]*CONTINUOUS_INTEGRATION/,
    );
  });

  it('importUi hides fetch and the CI variables while the UI loads, and restores them', async () => {
    const before = globalThis.fetch;
    const saved = { CI: process.env.CI, CI_JOB_ID: process.env.CI_JOB_ID };
    process.env.CI = 'true';
    process.env.CI_JOB_ID = '7';
    try {
      const seen = await importUi(async () => ({
        fetch: typeof globalThis.fetch,
        ci: process.env.CI,
        job: process.env.CI_JOB_ID,
      }));
      expect(seen).toEqual({ fetch: 'undefined', ci: undefined, job: undefined });
      expect(globalThis.fetch).toBe(before);
      expect([process.env.CI, process.env.CI_JOB_ID]).toEqual(['true', '7']);
      await expect(
        importUi(async () => {
          throw new Error('no UI');
        }),
      ).rejects.toThrow('no UI');
      expect(globalThis.fetch).toBe(before);
      expect(process.env.CI).toBe('true');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('Ink', () => {
  it('is used through its documented API only: nothing under tui/ reads its internals', () => {
    const files = (dir: string): string[] =>
      fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((e) =>
          e.isDirectory() ? files(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
        );
    const bad = files('tui').filter((f) => /internal_[A-Za-z]/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });
});
