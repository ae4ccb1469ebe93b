// Bundles the two binaries with esbuild and regenerates content/lab.schema.json.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const t0 = Date.now();
// The pure-JS yaml, zod and marked are bundled with everything they import; every other
// package stays external. Ink, React and yoga go into a separate CommonJS bundle that the
// course loads with a V8 code cache (tui/vendor/): compiling them was most of its cold start.
const BUNDLED = new Set(['marked', 'yaml', 'zod']);
const SHIMS = {
  ink: 'tui/vendor/ink-shim.ts',
  react: 'tui/vendor/react-shim.ts',
  'react/jsx-runtime': 'tui/vendor/jsx-runtime-shim.ts',
};
const externalsExceptUi = {
  name: 'externals-except-ui',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      if (SHIMS[args.path]) return { path: path.join(root, SHIMS[args.path]) };
      if (BUNDLED.has(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

// The vendor patches are declared, with what each does and why, in tui/vendor/patches.ts
// (next to the run-time workarounds, pinned by test/tui/vendor-patches.test.ts). It has no
// imports: compile it alone and load it here.
const patchesJs = await build({
  absWorkingDir: root,
  entryPoints: ['tui/vendor/patches.ts'],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const patches = await import(
  `data:text/javascript;base64,${Buffer.from(patchesJs.outputFiles[0].text).toString('base64')}`
);
const pkgDir = (name) => path.join(root, 'node_modules', name);
const installed = (name) => JSON.parse(fs.readFileSync(path.join(pkgDir(name), 'package.json'), 'utf8')).version;
const patchContext = {
  narrowChars: JSON.parse(fs.readFileSync(path.join(root, 'tui/vendor/narrow-chars.json'), 'utf8')).chars,
};
// yoga's wasm bytes, from the base64 data URL in yoga-layout's own binary file.
const yogaBinary = fs.readFileSync(path.join(pkgDir('yoga-layout'), patches.YOGA_WASM.file), 'utf8');
const yogaWasm = patches.YOGA_WASM.pattern.exec(yogaBinary)?.[1];
if (!yogaWasm)
  throw new Error(
    `build: no wasm found in yoga-layout/${patches.YOGA_WASM.file}; see yoga-synchronous-start in tui/vendor/patches.ts`,
  );
const vendorPlugin = {
  name: 'ui-vendor',
  setup(b) {
    for (const m of patches.MODULE_PATCHES) {
      b.onResolve({ filter: m.replaces }, () => ({ path: path.join(root, m.with) }));
      // Our replacement imports files of the package that its exports map does not list.
      b.onResolve({ filter: new RegExp(`^${m.package}/dist/`) }, (args) => ({
        path: path.join(root, 'node_modules', args.path),
      }));
    }
    for (const p of patches.SOURCE_PATCHES) {
      b.onLoad({ filter: p.filter }, (args) => {
        const src = fs.readFileSync(args.path, 'utf8');
        const out = patches.applySourcePatch(p, src, patchContext, installed(p.package));
        return out === src ? undefined : { contents: out, loader: 'js' };
      });
      for (const ext of p.externals ?? [])
        b.onResolve({ filter: new RegExp(`^${ext}$`) }, (args) => ({ path: args.path, external: true }));
    }
  },
};
// Build into a private folder, then swap it in, so concurrent builds never see a half-written dist/.
const tmp = `.dist-${process.pid}-${Date.now()}`;
const vendor = await build({
  absWorkingDir: root,
  entryPoints: { 'ui-vendor': 'tui/vendor/entry.ts' },
  entryNames: '[name]-[hash]',
  outExtension: { '.js': '.cjs' },
  outdir: tmp,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [vendorPlugin],
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  define: {
    'process.env.NODE_ENV': '"production"',
    __YOGA_WASM_BASE64__: JSON.stringify(yogaWasm),
    'import.meta.url': 'undefined',
  },
  logLevel: 'warning',
});
const vendorFile = path.basename(Object.keys(vendor.metafile.outputs).find((f) => f.endsWith('.cjs')));
// Load it once here, so a yoga or Ink upgrade that breaks the synchronous start-up
// (tui/vendor/yoga-sync.ts) fails the build, not a learner's first start.
try {
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(root, tmp, vendorFile))})`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
} catch (e) {
  fs.rmSync(path.join(root, tmp), { recursive: true, force: true });
  const why =
    String(e.stderr ?? e)
      .split('\n')
      .find((l) => /^\w*Error:/.test(l)) ?? 'see the output above';
  throw new Error(
    `build: the UI bundle ${vendorFile} does not load (${why}); check tui/vendor/ against the Ink and yoga-layout versions`,
  );
}
await build({
  absWorkingDir: root,
  entryPoints: {
    'vault-lab': 'bin/src/vault-lab.ts',
    vault: 'bin/src/vault.ts',
    'kube-sim': 'labs/providers/kubernetes/cli.ts',
  },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalsExceptUi],
  jsx: 'automatic',
  sourcemap: false,
  legalComments: 'none',
  // React's production build everywhere (our own code never reads NODE_ENV); the development
  // build doubled the time of the first render.
  define: {
    __VAULT_LAB_VERSION__: JSON.stringify(pkg.version),
    'process.env.NODE_ENV': '"production"',
    __UI_VENDOR__: JSON.stringify(vendorFile),
  },
  // Bundled CommonJS code (react) may require() node built-ins; ESM has no require of its own.
  banner: {
    js: "// vault-lab — built by scripts/build.mjs\nimport { createRequire as __vlCreateRequire } from 'node:module';\nconst require = __vlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const dist = path.join(root, 'dist');
const old = path.join(root, `.dist-old-${process.pid}-${Date.now()}`);
try {
  fs.renameSync(dist, old);
} catch {
  /* first build */
}
fs.renameSync(path.join(root, tmp), dist);
fs.rmSync(old, { recursive: true, force: true });
const schema = execFileSync(process.execPath, [path.join(root, 'dist', 'vault-lab.js'), '__schema'], {
  encoding: 'utf8',
});
// The shipped labs, parsed once here so that even a learner's first start need not (labs/format/cache.ts).
fs.writeFileSync(
  path.join(dist, 'lab-seed.json'),
  execFileSync(
    process.execPath,
    [path.join(root, 'dist', 'vault-lab.js'), '__lab-seed', path.join(root, 'content', 'labs')],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  ),
);
const target = path.join(root, 'content', 'lab.schema.json');
if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== schema) fs.writeFileSync(target, schema);
const courseSchema = execFileSync(process.execPath, [path.join(root, 'dist', 'vault-lab.js'), '__schema', 'course'], {
  encoding: 'utf8',
});
const courseTarget = path.join(root, 'content', 'course.schema.json');
if (!fs.existsSync(courseTarget) || fs.readFileSync(courseTarget, 'utf8') !== courseSchema)
  fs.writeFileSync(courseTarget, courseSchema);
console.log(`built dist/ in ${Date.now() - t0} ms`);
