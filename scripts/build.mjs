// Bundles the two binaries with esbuild and regenerates content/lab.schema.json.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const t0 = Date.now();
// Build into a private folder, then swap it in, so concurrent builds never see a half-written dist/.
const tmp = `.dist-${process.pid}-${Date.now()}`;
await build({
  absWorkingDir: root,
  entryPoints: { 'vault-lab': 'bin/src/vault-lab.ts', vault: 'engine/cli/run.ts' },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  sourcemap: false,
  legalComments: 'none',
  define: { __VAULT_LAB_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: '// vault-lab — built by scripts/build.mjs' },
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
