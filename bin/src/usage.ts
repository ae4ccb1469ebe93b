/**
 * `vault-lab`'s subcommands as data: a table entry per subcommand (name, synopsis, options,
 * description, positional arguments) from which the parser, `--help`, `help <cmd>`, the usage
 * errors (exit 2) and the shell completion scripts are all derived. A new subcommand is one
 * entry in `SUBCOMMANDS` (bin/src/subcommands.ts); it gets `--help`, `-h`, `help <name>`,
 * exit codes and completion without further code.
 */

/** What a shell may offer for a value: lab files, any file, folders, or fixed words. */
export type Completer = 'lab' | 'file' | 'dir' | 'none' | readonly string[];

export interface OptionSpec {
  /** The long name without dashes: `junit` is `--junit` (and `-junit`). */
  name: string;
  /** Placeholder of the value (`<file>`); absent for a switch. */
  value?: string;
  help: string;
  /** What completion offers for the value (default: files when the option takes one). */
  complete?: Completer;
  /** A sentence when the value is wrong (a usage error, exit 2). */
  check?: (v: string) => string | undefined;
  /** A one-letter alias, e.g. `j` for `-j`. */
  short?: string;
}

export interface ArgSpec {
  /** As shown in the usage line, e.g. `<lab.yaml|dir>`. */
  name: string;
  min: number;
  max: number;
  complete?: Completer;
  /** A sentence when the positional arguments are wrong (a usage error, exit 2). */
  check?: (args: string[]) => string | undefined;
}

export interface Parsed {
  /** Option values by name: a string for valued options, `true` for switches. Repeats: the last wins. */
  opts: Record<string, string | true>;
  args: string[];
  /** The arguments as typed (minus `--help`), for commands that read them themselves. */
  raw: string[];
}

export interface Subcommand {
  name: string;
  /** One line for the list in `vault-lab --help`. */
  synopsis: string;
  /** Paragraphs printed under the usage line. */
  description: string;
  args?: ArgSpec;
  options?: OptionSpec[];
  /** How the options are written in help: `--junit` (default) or Vault's `-dev`. */
  dash?: '-' | '--';
  /** Left out of the help list and completion (build helpers). */
  hidden?: boolean;
  /** Extra text after the options (examples, environment). */
  footer?: string;
  run(p: Parsed): Promise<number>;
}

/** A usage error: one line for stderr; the caller adds the usage hint and exits 2. */
export class UsageError extends Error {}

/** Exit codes: 0 success, 1 the work failed, 2 the command line was wrong. */
export const EXIT_USAGE = 2;

const HELP_FLAGS = new Set(['-h', '--help', '-help']);

/** True when argv asks for help (before any `--`). */
export function wantsHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (HELP_FLAGS.has(a)) return true;
  }
  return false;
}

function findOption(cmd: Subcommand, name: string): OptionSpec | undefined {
  return (cmd.options ?? []).find((o) => o.name === name || o.short === name);
}

/** Parses argv for one subcommand; throws UsageError with one line on anything wrong. */
export function parseArgs(cmd: Subcommand, argv: string[]): Parsed {
  const opts: Record<string, string | true> = {};
  const args: string[] = [];
  let onlyArgs = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyArgs || !a.startsWith('-') || a === '-') {
      args.push(a);
      continue;
    }
    if (a === '--') {
      onlyArgs = true;
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const spec = findOption(cmd, name);
    if (!spec) throw new UsageError(`unknown option ${a.split('=')[0]}`);
    const shown = `${cmd.dash ?? '--'}${spec.name}`;
    if (!spec.value) {
      if (eq !== -1) {
        const v = body.slice(eq + 1).toLowerCase();
        if (!['true', 'false', '1', '0'].includes(v)) throw new UsageError(`${shown} takes no value, not "${v}"`);
        if (v === 'true' || v === '1') opts[spec.name] = true;
        else delete opts[spec.name];
      } else opts[spec.name] = true;
      continue;
    }
    let v: string | undefined;
    if (eq !== -1) v = body.slice(eq + 1);
    else if (i + 1 < argv.length) v = argv[++i];
    if (v === undefined) throw new UsageError(`${shown} needs a value: ${shown} ${spec.value}`);
    const bad = spec.check?.(v);
    if (bad) throw new UsageError(`${shown}: ${bad}`);
    opts[spec.name] = v;
  }
  const spec = cmd.args ?? { name: '', min: 0, max: 0 };
  if (args.length < spec.min) throw new UsageError(`missing ${spec.name}`);
  if (args.length > spec.max)
    throw new UsageError(
      spec.max === 0
        ? `takes no arguments, not "${args[0]}"`
        : `too many arguments: ${args
            .slice(spec.max)
            .map((x) => `"${x}"`)
            .join(' ')}`,
    );
  const badArgs = spec.check?.(args);
  if (badArgs) throw new UsageError(badArgs);
  return { opts, args, raw: argv };
}

/** `vault-lab test <lab.yaml|dir> [options]` */
export function usageLine(prog: string, cmd: Subcommand): string {
  const parts = [prog, cmd.name].filter(Boolean);
  if (cmd.options?.length) parts.push('[options]');
  if (cmd.args?.name) parts.push(cmd.args.name);
  return parts.join(' ');
}

/** The full help of one subcommand (what `--help` prints). */
export function subcommandHelp(prog: string, cmd: Subcommand): string {
  const lines = [`Usage: ${usageLine(prog, cmd)}`, '', ...indent(cmd.description.trim())];
  const options = cmd.options ?? [];
  if (options.length) {
    const dash = cmd.dash ?? '--';
    const label = (o: OptionSpec) =>
      `${o.short ? `-${o.short}, ` : ''}${dash}${o.name}${o.value ? (dash === '-' ? `=${o.value}` : ` ${o.value}`) : ''}`;
    const width = Math.min(30, Math.max(...options.map((o) => label(o).length)) + 2);
    lines.push('', 'Options:');
    for (const o of options) {
      const l = label(o);
      const help = o.help.split('\n');
      if (l.length + 2 > width) lines.push(`  ${l}`, ...help.map((h) => `  ${' '.repeat(width)}${h}`));
      else lines.push(`  ${l.padEnd(width)}${help[0]}`, ...help.slice(1).map((h) => `  ${' '.repeat(width)}${h}`));
    }
    lines.push(`  ${'-h, --help'.padEnd(width)}print this help`);
  }
  if (cmd.footer) lines.push('', cmd.footer.trim());
  return lines.join('\n') + '\n';
}

function indent(text: string): string[] {
  return text.split('\n').map((l) => (l ? `  ${l}` : ''));
}

/** The hint after a usage error: `Run 'vault-lab test --help' for usage.` */
export function usageHint(prog: string, cmd?: Subcommand): string {
  return cmd
    ? `Usage: ${usageLine(prog, cmd)}\nRun '${prog} ${cmd.name} --help' for more.`
    : `Run '${prog} --help' for usage.`;
}

/** The two-column list of visible subcommands, for the top help. */
export function commandList(cmds: Subcommand[]): string {
  const shown = cmds.filter((c) => !c.hidden && c.name);
  const width = Math.max(...shown.map((c) => c.name.length)) + 3;
  return shown.map((c) => `  ${c.name.padEnd(width)}${c.synopsis}`).join('\n');
}
