// Runs every bench/*.bench.mjs file, one after another, each in its own process.
// Each benchmark prints its own figures (ratios against a baseline measured in the same run).
// Usage: node bench/run.mjs [name-filter …]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs') && (!only.length || only.some((o) => f.includes(o))))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  // tsx lets a benchmark import the engine's TypeScript sources directly.
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(dir, f)], {
    stdio: 'inherit',
    cwd: path.dirname(dir),
  });
  if (r.status !== 0) {
    failed++;
    console.log(`${f} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
