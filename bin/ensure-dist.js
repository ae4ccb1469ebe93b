// The package ships dist/ (built by `npm pack`'s prepack script). A source checkout has no
// dist/ after `npm ci` (there is no prepare script: it would run a file the package does not
// ship), so the first run builds it with the checkout's own dev tools.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Makes sure dist/<entry> exists, building it in a checkout; exits with a sentence otherwise. */
export function ensureDist(entry) {
  if (fs.existsSync(path.join(root, 'dist', entry))) return;
  const build = path.join(root, 'scripts', 'build.mjs');
  if (!fs.existsSync(build)) {
    process.stderr.write(`vault-lab: ${path.join(root, 'dist', entry)} is missing; reinstall the vault-lab package\n`);
    process.exit(1);
  }
  process.stderr.write('vault-lab: building dist/ (first run from a source checkout)…\n');
  const r = spawnSync(process.execPath, [build], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0 || !fs.existsSync(path.join(root, 'dist', entry))) {
    process.stderr.write('vault-lab: the build failed (see above); run `npm ci` first, then `npm run build`\n');
    process.exit(1);
  }
}
