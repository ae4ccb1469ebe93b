/**
 * Which `vault …` command lines our CLI knows — asked of the CLI binary itself
 * (`vault <words> -h`), so the lint and the CLI cannot drift and `labs/` needs no
 * import of CLI internals. Answers are cached per process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { vaultCliScript } from '../runtime/paths.js';

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

interface Answer {
  status: number | null;
  text: string;
}
const asked = new Map<string, Answer>();

function ask(words: string[], script: string): Answer {
  const key = words.join(' ');
  let a = asked.get(key);
  if (!a) {
    const r = spawnSync(process.execPath, [script, ...words, '-h'], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    a = { status: r.status, text: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
    asked.set(key, a);
  }
  return a;
}

/** The subcommands a group's usage lists (`vault kv -h` → get, put, …), or null when `word` is not a group. */
function subcommands(a: Answer, word: string): Set<string> | null {
  if (!new RegExp(`^Usage: vault ${word} <subcommand>`).test(a.text)) return null;
  const i = a.text.indexOf('Subcommands:');
  if (i === -1) return new Set();
  return new Set(
    a.text
      .slice(i)
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/)[0])
      .filter(Boolean),
  );
}

/**
 * True when our CLI has the command (`vault kv put`, `vault read`, `vault policy`).
 * Asks `vault <word> -h` once per first word (a group lists its subcommands), and
 * `vault <word> <sub> -h` only for deeper commands.
 * @param words e.g. `['kv', 'put']`
 */
export function cliKnows(words: string[], script = vaultCliScript()): boolean {
  // Without a built CLI there is nobody to ask; say nothing rather than guess.
  if (!words.length || !fs.existsSync(script)) return true;
  const key = words.join(' ');
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const top = ask([words[0]], script);
  let known: boolean;
  if (top.status !== 0) known = false;
  else {
    const subs = subcommands(top, words[0]);
    if (!subs || words.length === 1 || subs.has(words[1])) known = true;
    else {
      // A nested group (`kv metadata`) is not listed as a subcommand: ask about it directly.
      const deep = ask(words.slice(0, 2), script);
      known = deep.status === 0 && !new RegExp(`^Usage: vault ${words[0]} <subcommand>`).test(deep.text);
    }
  }
  cache.set(key, known);
  return known;
}
