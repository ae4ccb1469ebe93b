/**
 * Command families for content/coverage.yaml: does a command line a lab types belong to a
 * family the seeds type? A family is written as a command pattern:
 *
 * - `vault …` patterns are read with the CLI's own parser. The typed command must be the
 *   same command (`kv metadata delete`); the pattern's path, when given, is a glob on the
 *   typed path (`*` within a segment, `**` across); every flag the pattern sets must be
 *   set (its value a glob, `*` for any); every further pattern argument must match a
 *   typed argument (`key=*` any value, `@*` a file).
 * - other programs: the same program, and every pattern word found among the typed words
 *   (globs again, e.g. a curl URL ending in /v1/sys/health).
 */
import { parseVaultArgs, type VaultArgs } from '../../cli/index.js';
import { parseShell, type SimpleCommand } from '../../labs/checks/shellwords.js';

const esc = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** A path glob: `*` within a segment, `**` across segments. */
function glob(pattern: string): RegExp {
  const re = pattern
    .split(/(\*\*|\*)/)
    .map((p) => (p === '**' ? '.*' : p === '*' ? '[^/]*' : esc(p)))
    .join('');
  return new RegExp(`^${re}$`, 's');
}

/** Words glob across slashes: `*` in a non-path word stands for anything. */
const wordGlob = (p: string) => new RegExp(`^${p.split('*').map(esc).join('.*')}$`, 's');

const trim = (p: string) => p.replace(/^\/+|\/+$/g, '');

function target(v: VaultArgs): string | undefined {
  const first = v.args[0];
  if (v.command.startsWith('kv ') && v.set.has('mount')) return trim(`${trim(String(v.flags.mount))}/${first ?? ''}`);
  return first === undefined ? undefined : trim(first);
}

export interface Pattern {
  text: string;
  cmd: SimpleCommand;
  vault?: VaultArgs;
}

/**
 * Reads a family pattern. A `vault` command our CLI does not know (`vault operator raft
 * join`) is compared word by word, like other programs.
 */
export function readPattern(text: string): Pattern {
  const cmd = parseShell(text)[0]?.[0];
  if (!cmd) throw new Error(`empty family pattern "${text}"`);
  if (cmd.program !== 'vault') return { text, cmd };
  const v = parseVaultArgs(cmd.args);
  return 'error' in v ? { text, cmd } : { text, cmd, vault: v };
}

function matchVault(typed: VaultArgs, want: VaultArgs): boolean {
  if (typed.command !== want.command) return false;
  const wp = target(want);
  if (wp !== undefined) {
    const tp = target(typed);
    if (tp === undefined || !glob(trim(wp)).test(tp)) return false;
  }
  for (const name of want.set) {
    if (name === 'mount' && want.command.startsWith('kv ')) continue;
    if (!typed.set.has(name)) return false;
    const w = String(want.flags[name]);
    if (!wordGlob(w).test(String(typed.flags[name]))) return false;
  }
  const rest = typed.args.slice(1);
  return want.args.slice(1).every((a) => rest.some((x) => wordGlob(a).test(x)));
}

function matchOther(typed: SimpleCommand, want: SimpleCommand): boolean {
  if (typed.program !== want.program) return false;
  return want.args.every((a) => typed.args.some((x) => wordGlob(a).test(x)));
}

interface Parsed {
  cmd: SimpleCommand;
  vault?: VaultArgs;
}

/** Lines are parsed once: the coverage checks ask every family about every line. */
const parsedLines = new Map<string, Parsed[]>();

function parseLine(line: string): Parsed[] {
  let out = parsedLines.get(line);
  if (!out) {
    out = parseShell(line)
      .flat()
      .map((cmd) => {
        if (cmd.program !== 'vault') return { cmd };
        const v = parseVaultArgs(cmd.args);
        return 'error' in v ? { cmd } : { cmd, vault: v };
      });
    parsedLines.set(line, out);
  }
  return out;
}

/** Does any simple command of the typed line (pipelines, substitutions) belong to the family? */
export function lineTypes(line: string, p: Pattern): boolean {
  for (const c of parseLine(line)) {
    if (p.vault) {
      if (c.vault && matchVault(c.vault, p.vault)) return true;
    } else if (matchOther(c.cmd, p.cmd)) return true;
  }
  return false;
}
