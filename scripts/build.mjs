// Bundles the two binaries with esbuild and regenerates content/lab.schema.json.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const t0 = Date.now();
// Ink and React (and the pure-JS yaml, zod, marked) are bundled with everything they import:
// loading ink's hundreds of files from node_modules was most of the course's cold start.
// Every other package stays external, and only the course loads these chunks.
const BUNDLED = new Set(['ink', 'react', 'react/jsx-runtime', 'marked', 'yaml', 'zod']);
const externalsExceptUi = {
  name: 'externals-except-ui',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path === 'react-devtools-core') return { path: args.path, external: true };
      if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      if (BUNDLED.has(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};
// Build into a private folder, then swap it in, so concurrent builds never see a half-written dist/.
const tmp = `.dist-${process.pid}-${Date.now()}`;
await build({
  absWorkingDir: root,
  entryPoints: { 'vault-lab': 'bin/src/vault-lab.ts', vault: 'engine/cli/run.ts', 'kube-sim': 'labs/providers/kubernetes/cli.ts' },
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
  // React's production build (our own code never reads NODE_ENV); the development build
  // doubled the time of the first render.
  define: { __VAULT_LAB_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
  // Bundled CommonJS code (react) may require() node built-ins; ESM has no require of its own.
  banner: { js: "// vault-lab — built by scripts/build.mjs\nimport { createRequire as __vlCreateRequire } from 'node:module';\nconst require = __vlCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
const dist = path.join(root, 'dist');
const old = path.join(root, `.dist-old-${process.pid}-${Date.now()}`);
try { fs.renameSync(dist, old); } catch { /* first build */ }
fs.renameSync(path.join(root, tmp), dist);
fs.rmSync(old, { recursive: true, force: true });
const schema = execFileSync(process.execPath, [path.join(root, 'dist', 'vault-lab.js'), '__schema'], { encoding: 'utf8' });
const target = path.join(root, 'content', 'lab.schema.json');
if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== schema) fs.writeFileSync(target, schema);
console.log(`built dist/ in ${Date.now() - t0} ms`);
