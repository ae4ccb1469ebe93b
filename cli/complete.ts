/**
 * Shell completion the way HashiCorp's `vault` does it (mitchellh/cli over posener/complete v1):
 * bash runs `complete -C /path/to/vault vault`, so on TAB the binary itself is started with
 * COMP_LINE and COMP_POINT set and prints one candidate per line — commands, subcommands, and a
 * command's flags once the word being typed starts with `-`. `vault -autocomplete-install`
 * writes that `complete -C` line into ~/.bashrc (and ~/.zshrc with bashcompinit, and a fish
 * function when fish's config folder exists); `-autocomplete-uninstall` takes it out again.
 * Running install twice leaves one line and says "already installed", as Vault does.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FlagSpecs } from './flags.js';
import { GLOBAL_FLAGS, OUTPUT_FLAGS } from './flags.js';
import { COMMANDS, GROUPS } from './commands/index.js';

interface Node {
  sub: Map<string, Node>;
  /** `-name` → candidate values (empty: nothing to offer, as for Vault's PredictNothing/Anything). */
  flags: Map<string, string[]>;
}

const FLAG_VALUES: Record<string, string[]> = { format: ['table', 'json', 'yaml', 'pretty'] };

function flagMap(specs: FlagSpecs): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(specs)) if (!spec.hidden) m.set(`-${name}`, FLAG_VALUES[name] ?? []);
  return m;
}

let tree: Node | undefined;

/** The command tree: `kv get` is root → kv → get, each with its flags. */
function commandTree(): Node {
  if (tree) return tree;
  const root: Node = { sub: new Map(), flags: new Map() };
  const at = (words: string[]) => {
    let n = root;
    for (const w of words) {
      if (!n.sub.has(w)) n.sub.set(w, { sub: new Map(), flags: new Map() });
      n = n.sub.get(w)!;
    }
    return n;
  };
  for (const g of Object.keys(GROUPS)) at(g.split(' '));
  for (const c of COMMANDS) {
    at(c.name.split(' ')).flags = flagMap({
      ...(c.http === false ? {} : GLOBAL_FLAGS),
      ...(c.output ? OUTPUT_FLAGS : {}),
      ...(c.flags ?? {}),
    });
  }
  return (tree = root);
}

interface Args {
  completed: string[];
  last: string;
  lastCompleted: string;
}

/** posener's split: whitespace fields, an empty last field after a space, and `-flag=val` as two. */
function splitArgs(line: string): Args {
  const parts = line.split(/\s+/).filter(Boolean);
  if (/\s$/.test(line)) parts.push('');
  const tail = parts.pop() ?? '';
  parts.push(...tail.split('='));
  const all = parts.slice(1);
  const completed = all.slice(0, -1);
  return { completed, last: all[all.length - 1] ?? '', lastCompleted: completed[completed.length - 1] ?? '' };
}

function predict(node: Node, a: Args): { options: string[]; only: boolean } {
  let found = false;
  let options: string[] = [];
  for (let i = 0; i < a.completed.length; i++) {
    const child = node.sub.get(a.completed[i]);
    if (!child) continue;
    found = true;
    const r = predict(child, { ...a, completed: a.completed.slice(i + 1) });
    if (r.only) return r;
    options = r.options;
    break;
  }
  const values = node.flags.get(a.lastCompleted);
  if (values) return { options: values, only: true };
  if (!found) options.push(...node.sub.keys());
  if (a.last.startsWith('-')) options.push(...node.flags.keys());
  return { options, only: false };
}

/**
 * The candidates for a command line up to the cursor, as `vault` prints them for `complete -C`.
 * @example completeLine('vault to', 8) // ['token']
 */
export function completeLine(line: string, point: number): string[] {
  const a = splitArgs(point >= 0 && point < line.length ? line.slice(0, point) : line);
  const { options } = predict(commandTree(), a);
  return [...new Set(options)].filter((o) => o.startsWith(a.last)).sort();
}

// ---- -autocomplete-install / -autocomplete-uninstall ----

interface Installer {
  rc: string;
  installed(): boolean;
  install(): void;
  uninstall(): void;
}

const readLines = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
};
const hasLine = (file: string, line: string) => readLines(file).includes(line);
const append = (file: string, text: string) => fs.appendFileSync(file, `\n${text}\n`);
function removeLine(file: string, line: string) {
  const kept = readLines(file).filter((l) => l !== line);
  fs.writeFileSync(file, kept.join('\n'));
}

function rcInstaller(rc: string, line: string, before: string[] = []): Installer {
  return {
    rc,
    installed: () => hasLine(rc, line),
    install() {
      const missing = before.filter((b) => !hasLine(rc, b));
      append(rc, [...missing, line].join('\n'));
    },
    uninstall: () => removeLine(rc, line),
  };
}

function installers(home: string, bin: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Installer[] {
  const out: Installer[] = [];
  const names = platform === 'darwin' ? ['.bash_profile'] : ['.bashrc', '.bash_profile', '.bash_login', '.profile'];
  const bashrc = names.map((n) => path.join(home, n)).find((f) => fs.existsSync(f));
  if (bashrc) out.push(rcInstaller(bashrc, `complete -C ${bin} vault`));
  const zshrc = path.join(home, '.zshrc');
  if (fs.existsSync(zshrc))
    out.push(
      rcInstaller(zshrc, `complete -o nospace -C ${bin} vault`, [
        'autoload -Uz compinit && compinit',
        'autoload -U +X bashcompinit && bashcompinit',
      ]),
    );
  const fishDir = path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'fish');
  if (fs.existsSync(fishDir)) {
    const file = path.join(fishDir, 'completions', 'vault.fish');
    const text = [
      'function __complete_vault',
      '    set -lx COMP_LINE (commandline -cp)',
      '    test -z (commandline -ct)',
      '    and set COMP_LINE "$COMP_LINE "',
      `    ${bin}`,
      'end',
      'complete -f -c vault -a "(__complete_vault)"',
      '',
    ].join('\n');
    out.push({
      rc: file,
      installed: () => fs.existsSync(file),
      install() {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
      },
      uninstall: () => fs.rmSync(file, { force: true }),
    });
  }
  return out;
}

/** go-multierror's list format, as Vault prints it after "Error executing CLI: ". */
function multiError(errs: string[]): string {
  if (errs.length === 1) return `1 error occurred:\n\t* ${errs[0]}\n\n`;
  return `${errs.length} errors occurred:\n\t${errs.map((e) => `* ${e}`).join('\n\t')}\n\n`;
}

/**
 * `vault -autocomplete-install` / `-autocomplete-uninstall` for the binary at `bin`.
 * @returns an error text (Vault's wording) or undefined when done.
 */
export function autocompleteInstall(
  uninstall: boolean,
  bin: string,
  home: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const all = installers(home, bin, env, platform);
  if (!all.length) return `Did not find any shells to ${uninstall ? 'uninstall' : 'install'}`;
  const errs: string[] = [];
  for (const i of all) {
    try {
      if (uninstall) {
        if (!i.installed()) errs.push(`does not installed in ${i.rc}`);
        else i.uninstall();
      } else if (i.installed()) errs.push(`already installed in ${i.rc}`);
      else i.install();
    } catch (e) {
      errs.push((e as Error).message);
    }
  }
  return errs.length ? multiError(errs) : undefined;
}
