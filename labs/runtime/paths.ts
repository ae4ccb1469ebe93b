/** Where things are at run time: the package root, our `vault` CLI, the user's data dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The installed package's root (works from sources, from dist/, and from node_modules). */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'vault-lab') return (root = dir);
      } catch {
        /* keep looking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the vault-lab package root');
    dir = up;
  }
}

/** The bundled `vault` CLI entry. */
export function vaultCliScript(): string {
  return path.join(packageRoot(), 'dist', 'vault.js');
}

/** The course shipped with the package. */
export function contentDir(): string {
  return path.join(packageRoot(), 'content', 'labs');
}

/** XDG data dir for progress and workspaces (`$XDG_DATA_HOME/vault-lab`). */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VAULT_LAB_DATA_DIR) return env.VAULT_LAB_DATA_DIR;
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'vault-lab');
}

/** The `vault-lab` entry (for the lab shell: `vault-lab clock advance 1h`). */
export function vaultLabScript(): string {
  return path.join(packageRoot(), 'bin', 'vault-lab.js');
}

/**
 * A folder holding `vault` (our CLI) and `vault-lab` executables, to put first on PATH.
 * Written once per process into a private temp dir.
 */
let binDir: string | undefined;
let hostedVault: string | undefined;

/**
 * From now on, lab shells of this process get this script as their `vault` (the headless
 * runner's in-process CLI, labs/tools/cli-host.ts); undefined goes back to the binary.
 */
export function useHostedVault(script: string | undefined) {
  hostedVault = script;
  binDir = undefined;
}

export function vaultBinDir(): string {
  if (binDir && fs.existsSync(path.join(binDir, 'vault'))) return binDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-bin-'));
  const script = hostedVault ?? `#!/bin/sh\nexec "${process.execPath}" "${vaultCliScript()}" "$@"\n`;
  // The hosted script carries its runner's key: readable by its owner only.
  fs.writeFileSync(path.join(dir, 'vault'), script, { mode: hostedVault ? 0o700 : 0o755 });
  fs.writeFileSync(path.join(dir, 'vault-lab'), `#!/bin/sh\nexec "${process.execPath}" "${vaultLabScript()}" "$@"\n`, {
    mode: 0o755,
  });
  binDir = dir;
  process.once('exit', () => {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  });
  return dir;
}
