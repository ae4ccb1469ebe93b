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

/**
 * The data dir — progress and workspaces, things a learner would miss: `$VAULT_LAB_DATA_DIR`, else
 * `$XDG_DATA_HOME/vault-lab` (`~/.local/share/vault-lab`); on macOS without XDG_DATA_HOME,
 * `~/Library/Application Support/vault-lab`.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.VAULT_LAB_DATA_DIR) return env.VAULT_LAB_DATA_DIR;
  if (env.XDG_DATA_HOME) return path.join(env.XDG_DATA_HOME, 'vault-lab');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'vault-lab');
  return path.join(os.homedir(), '.local', 'share', 'vault-lab');
}

/**
 * The cache dir — parsed labs, PostgreSQL templates, the UI's code cache: all rebuilt when missing,
 * so deleting it is always safe. `$VAULT_LAB_CACHE_DIR`; else, when `$VAULT_LAB_DATA_DIR` is set,
 * its `cache/` (one folder holds a whole run, as tests and CI want); else `$XDG_CACHE_HOME/vault-lab`
 * (`~/.cache/vault-lab`); on macOS without XDG_CACHE_HOME, `~/Library/Caches/vault-lab`.
 * The first call moves what older versions cached under the data dir (see migrateLegacyCaches).
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const dir = cacheDirOf(env, platform);
  if (!migrated.has(dir)) {
    migrated.add(dir);
    migrateLegacyCaches(dataDir(env, platform), dir);
  }
  return dir;
}

function cacheDirOf(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (env.VAULT_LAB_CACHE_DIR) return env.VAULT_LAB_CACHE_DIR;
  if (env.VAULT_LAB_DATA_DIR) return path.join(env.VAULT_LAB_DATA_DIR, 'cache');
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'vault-lab');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'vault-lab');
  return path.join(os.homedir(), '.cache', 'vault-lab');
}

const migrated = new Set<string>();

/** Renames, or copies then removes when the two folders are on different file systems. */
function move(from: string, to: string) {
  fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
  try {
    fs.renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
    fs.rmSync(from, { recursive: true, force: true });
  }
}

/**
 * Older versions kept the caches in the data dir (`cache/labs.json`, `cache/v8/`, `postgres/`).
 * Each is moved to the cache dir, or dropped when the cache dir already has its own (it is a
 * cache: rebuilt on demand); progress and workspaces are never touched. Best effort: a cache that
 * cannot move stays where it was and a fresh one is built.
 * @returns what was moved or dropped, for tests and the curious.
 */
export function migrateLegacyCaches(data: string, cache: string): string[] {
  const done: string[] = [];
  const pairs: Array<[string, string]> = [
    [path.join(data, 'cache', 'labs.json'), path.join(cache, 'labs.json')],
    [path.join(data, 'cache', 'v8'), path.join(cache, 'v8')],
    [path.join(data, 'postgres'), path.join(cache, 'postgres')],
  ];
  for (const [from, to] of pairs) {
    if (path.resolve(from) === path.resolve(to) || !fs.existsSync(from)) continue;
    try {
      if (fs.existsSync(to)) {
        fs.rmSync(from, { recursive: true, force: true });
        done.push(`dropped ${from}`);
      } else {
        move(from, to);
        done.push(`moved ${from} to ${to}`);
      }
    } catch {
      /* left in place */
    }
  }
  const oldCache = path.join(data, 'cache');
  try {
    if (path.resolve(oldCache) !== path.resolve(cache) && !fs.readdirSync(oldCache).length) fs.rmdirSync(oldCache);
  } catch {
    /* not there, or not empty */
  }
  return done;
}

/**
 * macOS: data kept under `~/.local/share/vault-lab` by older versions moves to Application Support
 * the first time, so no one's progress is left behind. Elsewhere, and when either dir is set
 * explicitly, nothing happens. Returns a sentence when something moved.
 */
export function migrateLegacyData(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform !== 'darwin' || env.VAULT_LAB_DATA_DIR || env.XDG_DATA_HOME) return undefined;
  const old = path.join(os.homedir(), '.local', 'share', 'vault-lab');
  const now = dataDir(env, platform);
  if (!fs.existsSync(old) || fs.existsSync(now)) return undefined;
  try {
    move(old, now);
    return `vault-lab: moved your progress from ${old} to ${now}`;
  } catch {
    return undefined;
  }
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
