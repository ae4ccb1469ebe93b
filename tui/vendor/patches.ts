/**
 * Every place vault-lab changes or works around a third-party package, in one module.
 *
 * - Source patches rewrite a package file's text as scripts/build.mjs bundles the UI
 *   (`dist/ui-vendor-<hash>.cjs`). node_modules is never touched, and running from source
 *   (tests, tsx) uses the packages as published.
 * - The module patch swaps a package's entry for our own file in that same bundle.
 * - Run-time workarounds change the process around the moment the UI is imported.
 *
 * Each says what it does, why, and the package version it was written against.
 * test/tui/vendor-patches.test.ts pins those versions and checks that every anchor still
 * matches, so an upgrade fails there with what to re-check; the build fails the same way.
 *
 * No imports: scripts/build.mjs compiles and loads this file on its own.
 */

export interface Vendored {
  /** A short name, used in messages. */
  id: string;
  /** The npm package it concerns, as installed at node_modules/<package>. */
  package: string;
  /** The version it was written and checked against. */
  version: string;
  what: string;
  why: string;
  /** What to look at again when the package changes. */
  recheck: string;
}

/** What a source patch's replacement may depend on (supplied by the build). */
export interface PatchContext {
  /** Characters the course draws that string-width counts as one column (tui/vendor/narrow-chars.json). */
  narrowChars: string;
}

export interface SourcePatch extends Vendored {
  /** The file, relative to the package folder. */
  file: string;
  /** Matches the file's path as esbuild loads it. */
  filter: RegExp;
  /** Only files holding this text are patched; others (an older copy nested elsewhere) are left as they are. */
  onlyIf?: string;
  /** Each `from` must occur in the file; its first occurrence becomes `to`. */
  cuts: Array<{ from: string; to: (ctx: PatchContext) => string }>;
  /** Imports the patched bundle leaves unresolved (loaded only on paths the patch cut). */
  externals?: string[];
}

export interface ModulePatch extends Vendored {
  /** The import specifier replaced in the UI bundle. */
  replaces: RegExp;
  /** Our file used instead (relative to the repository root). */
  with: string;
  /** Package files our replacement relies on, relative to the package folder. */
  uses: string[];
}

export const SOURCE_PATCHES: SourcePatch[] = [
  {
    id: 'ink-reconciler-dev-awaits',
    package: 'ink',
    version: '6.8.0',
    file: 'build/reconciler.js',
    filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/,
    what: 'Cuts the two top-level awaits of the reconciler: the React devtools import and the package.json read.',
    why:
      'Both run only with DEV=true, and the shipped course has no React devtools; but a top-level await cannot ' +
      'live in the CommonJS bundle that is loaded with a V8 code cache (tui/vendor/load.ts).',
    recheck: 'ink/build/reconciler.js: whether it still awaits at the top level, and only under DEV.',
    cuts: [
      { from: "await import('./devtools.js');", to: () => 'void 0;' },
      { from: '? await loadPackageJson()', to: () => '? { name: undefined, version: undefined }' },
    ],
    externals: ['react-devtools-core'],
  },
  {
    id: 'string-width-lazy-emoji-and-narrow-chars',
    package: 'string-width',
    version: '8.3.0',
    file: 'index.js',
    filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/,
    onlyIf: 'const rgiEmojiRegex',
    what:
      'Builds the RGI emoji regex on first use instead of at load, and measures strings of printable ASCII ' +
      "and the course's own narrow characters by their length, as it already does for ASCII alone.",
    why:
      'Building the regex costs about 10 ms of every cold start; segmenting every line of every frame ' +
      'for characters that are known to be one column wide is most of the rest of its time.',
    recheck:
      'string-width/index.js: the emoji regex declaration and the ASCII fast path; ' +
      'test/tui/narrow-chars.test.ts checks the characters against the new version.',
    cuts: [
      {
        from: 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
        to: () =>
          "let rgiEmojiRegexBuilt; const rgiEmojiRegex = { test: (s) => (rgiEmojiRegexBuilt ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(s) };",
      },
      {
        from: 'if (/^[\\u0020-\\u007E]*$/.test(string)) {',
        to: ({ narrowChars }) =>
          `if (/^[\\u0020-\\u007E]*$/.test(string) || (ambiguousIsNarrow && /^[\\u0020-\\u007E${narrowChars}]*$/.test(string))) {`,
      },
    ],
  },
];

export const MODULE_PATCHES: ModulePatch[] = [
  {
    id: 'yoga-synchronous-start',
    package: 'yoga-layout',
    version: '3.2.1',
    replaces: /^yoga-layout$/,
    with: 'tui/vendor/yoga-sync.ts',
    uses: ['dist/binaries/yoga-wasm-base64-esm.js', 'dist/src/wrapAssembly.js', 'dist/src/generated/YGEnums.js'],
    what:
      "Replaces yoga-layout's entry with tui/vendor/yoga-sync.ts, which instantiates the WebAssembly " +
      "synchronously; the build inlines the wasm bytes taken from the base64 data URL in yoga's binary file.",
    why:
      "yoga-layout's entry awaits the WebAssembly set-up at the top level, which the CommonJS UI bundle " +
      'cannot do (see ink-reconciler-dev-awaits).',
    recheck:
      'yoga-layout/dist: the Emscripten factory (instantiateWasm, calledRun), wrapAssembly, YGEnums and ' +
      'the data URL; the build loads the bundle once and fails if yoga no longer starts synchronously.',
  },
];

/** The wasm bytes inside yoga-layout's binary file (used by yoga-synchronous-start). */
export const YOGA_WASM = {
  file: 'dist/binaries/yoga-wasm-base64-esm.js',
  pattern: /data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/,
};

export const RUNTIME_WORKAROUNDS: Vendored[] = [
  {
    id: 'hide-fetch-while-yoga-starts',
    package: 'yoga-layout',
    version: '3.2.1',
    what: 'Hides globalThis.fetch while the UI is imported.',
    why:
      "yoga's Emscripten start-up asks `typeof fetch`, which makes Node load its whole HTTP client " +
      "(undici) for nothing: about a tenth of the course's cold start.",
    recheck: 'whether yoga-layout still reads fetch when it starts (grep its binaries for "typeof fetch").',
  },
  {
    id: 'ink-draws-live-in-ci',
    package: 'is-in-ci',
    version: '2.0.0',
    what: 'Removes CI, CONTINUOUS_INTEGRATION and CI_* from the environment while the UI is imported.',
    why:
      'Ink decides once, when it loads (through is-in-ci), whether it runs in CI, and then draws only the ' +
      'last frame. The course runs in a real terminal (checked before it gets here), so it must draw live ' +
      'even in a CI job or a terminal that sets CI.',
    recheck: "is-in-ci's variables, and whether Ink still reads it once at load (ink/build/ink.js).",
  },
];

/**
 * The patched text of a file, or the text unchanged when the patch does not concern it
 * (`onlyIf`). Throws a sentence naming the patch, the package and what to re-check when an
 * anchor is gone.
 */
export function applySourcePatch(patch: SourcePatch, source: string, ctx: PatchContext, installed?: string): string {
  if (patch.onlyIf && !source.includes(patch.onlyIf)) return source;
  let out = source;
  for (const cut of patch.cuts) {
    if (!out.includes(cut.from)) {
      const which = `${patch.package}/${patch.file}${installed ? ` (${installed} installed)` : ''}`;
      throw new Error(
        `vendor patch ${patch.id}: ${which} no longer ` +
          `contains ${JSON.stringify(cut.from)}; it was written against ${patch.package} ${patch.version}. ` +
          `Re-check ${patch.recheck} Then update tui/vendor/patches.ts.`,
      );
    }
    out = out.replace(cut.from, () => cut.to(ctx)); // a function: the replacement may hold $' and friends
  }
  return out;
}

/**
 * Imports the full-screen UI (Ink, React, yoga) with the run-time workarounds above in
 * place, and puts the process back as it was afterwards.
 */
export async function importUi<T>(load: () => Promise<T>): Promise<T> {
  const fetchProp = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (fetchProp?.configurable) {
    Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  }
  const ciVars = Object.keys(process.env).filter(
    (k) => k === 'CI' || k === 'CONTINUOUS_INTEGRATION' || k.startsWith('CI_'),
  );
  const saved = Object.fromEntries(ciVars.map((k) => [k, process.env[k]]));
  for (const k of ciVars) delete process.env[k];
  try {
    return await load();
  } finally {
    if (fetchProp?.configurable) Object.defineProperty(globalThis, 'fetch', fetchProp);
    Object.assign(process.env, saved);
  }
}
