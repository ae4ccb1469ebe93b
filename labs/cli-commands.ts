/**
 * Which `vault …` command lines our CLI knows — asked of the CLI binary itself
 * (`vault <words> -h`), so the lint and the CLI cannot drift and `labs/` needs no
 * import of CLI internals. Answers are cached per process.
 */
import { spawnSync } from 'node:child_process';
import { vaultCliScript } from './paths.js';

const cache = new Map<string, boolean>();

/** The command words of a `vault …` line: up to two leading words that are not flags, paths or arguments. */
export function commandWords(line: string): string[] {
  const words = line.trim().split(/\s+/);
  if (words[0] !== 'vault') return [];
  const out: string[] = [];
  for (const w of words.slice(1, 3)) {
    if (!/^[a-z][a-z0-9-]*$/.test(w)) break;
    out.push(w);
  }
  return out;
}

/**
 * True when our CLI has the command (`vault kv put`, `vault read`, `vault policy`).
 * @param words e.g. `['kv', 'put']`
 */
export function cliKnows(words: string[], script = vaultCliScript()): boolean {
  if (!words.length) return true;
  const key = words.join(' ');
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const r = spawnSync(process.execPath, [script, ...words, '-h'], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH ?? '' } });
  let known = r.status === 0;
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  // A group answers its own usage for a word that is not one of its subcommands.
  if (known && words.length > 1 && new RegExp(`^Usage: vault ${words[0]} <subcommand>`).test(text.trim())) known = false;
  cache.set(key, known);
  return known;
}
