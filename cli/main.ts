/**
 * The `vault` CLI entry: finds the command, parses Vault-style flags, runs it, and
 * turns every failure into the real CLI's message and exit code — never a stack trace.
 */
import { COMMANDS, GROUPS } from './commands/index.js';
import { type Command, type IO, makeContext } from './command.js';
import { GLOBAL_FLAGS, HelpRequested, OUTPUT_FLAGS, parseFlags, UsageError } from './flags.js';
import { CaptureSignal, curlString, policyString } from './api/capture.js';
import { hintFor } from './hints.js';

const COMMON = ['read', 'write', 'delete', 'list', 'login', 'agent', 'server', 'status', 'unwrap'];

function topUsage(): string {
  const byName = new Map(COMMANDS.map((c) => [c.name, c]));
  const line = (n: string, s: string) => `    ${n.padEnd(11)}${s}`;
  const common = COMMON.filter((n) => byName.has(n)).map((n) => line(n, byName.get(n)!.synopsis));
  const groups = Object.entries(GROUPS)
    .filter(([g]) => !g.includes(' '))
    .map(([g, s]) => line(g, s));
  return `Usage: vault <command> [args]\n\nCommon commands:\n${common.join('\n')}\n\nOther commands:\n${groups.join('\n')}\n`;
}

function groupUsage(group: string): string {
  const subs = COMMANDS.filter(
    (c) => c.name.startsWith(group + ' ') && c.name.split(' ').length === group.split(' ').length + 1,
  );
  const width = Math.max(...subs.map((c) => c.name.split(' ').pop()!.length)) + 4;
  return `Usage: vault ${group} <subcommand> [options] [args]\n\n  ${GROUPS[group] ?? ''}\n\nSubcommands:\n${subs.map((c) => `    ${c.name.split(' ').pop()!.padEnd(width)}${c.synopsis}`).join('\n')}\n`;
}

function find(argv: string[]): { cmd?: Command; rest: string[]; group?: string } {
  for (let n = Math.min(4, argv.length); n >= 1; n--) {
    const name = argv.slice(0, n).join(' ');
    const cmd = COMMANDS.find((c) => c.name === name);
    if (cmd) return { cmd, rest: argv.slice(n) };
  }
  for (let n = Math.min(3, argv.length); n >= 1; n--) {
    const name = argv.slice(0, n).join(' ');
    if (GROUPS[name]) return { group: name, rest: argv.slice(n) };
  }
  return { rest: argv };
}

/**
 * Runs the CLI.
 * @returns the exit code (0 success, 1 local error, 2 API error, 127 unknown command).
 */
export async function runCli(argv: string[], env: Record<string, string | undefined>, io: IO): Promise<number> {
  if (!argv.length || argv[0] === '-h' || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-help') {
    io.stderr(topUsage());
    return argv.length ? 0 : 127;
  }
  if (argv[0] === '-v' || argv[0] === '-version' || argv[0] === '--version') argv = ['version'];
  // Flags belong after the command (`vault status -address=…`); before it, the CLI shows its usage.
  if (argv[0].startsWith('-')) {
    io.stderr(topUsage());
    return 1;
  }
  const { cmd, rest, group } = find(argv);
  if (!cmd) {
    if (group) {
      // Like mitchellh/cli: a group (or an unknown subcommand of it) prints the group's help, exit 1.
      const wantsHelp = rest.some((a) => a === '-h' || a === '-help' || a === '--help');
      io.stderr(groupUsage(group));
      const hint = hintFor([...group.split(' '), ...rest]);
      if (hint && !wantsHelp) io.stderr(`\n${hint}\n`);
      return wantsHelp ? 0 : 1;
    }
    io.stderr(topUsage());
    const hint = hintFor(argv);
    if (hint) io.stderr(`\n${hint}\n`);
    return 127;
  }
  const specs = {
    ...(cmd.http === false ? {} : GLOBAL_FLAGS),
    ...(cmd.output ? OUTPUT_FLAGS : {}),
    ...(cmd.flags ?? {}),
  };
  let parsed;
  try {
    parsed = parseFlags(rest, specs, env);
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.stderr(cmd.help + '\n');
      return 0;
    }
    if (e instanceof UsageError) {
      io.stderr(e.message + '\n');
      const hint = hintFor([...cmd.name.split(' '), ...rest], e.message);
      if (hint) io.stderr(`${hint}\n`);
      return 1;
    }
    throw e;
  }
  const fmt = String(parsed.flags.format ?? env.VAULT_FORMAT ?? 'table').toLowerCase();
  if (!['table', 'json', 'yaml', 'yml', 'pretty', 'raw'].includes(fmt)) {
    io.stderr(`Invalid output format: ${fmt}\n`);
    return 1;
  }
  // Real Vault keeps "raw" for `vault read` (and "pretty" for autopilot state: the output step refuses it).
  if (fmt === 'raw' && cmd.name !== 'read') {
    io.stderr('This command does not support the -format=raw option.\n');
    return 1;
  }
  if (fmt === 'table') for (const w of parsed.warnings) io.stderr(`${w}\n`);
  const ctx = makeContext({ name: cmd.name, args: parsed.args, flags: parsed.flags, set: parsed.set, env, io });
  try {
    return await cmd.run(ctx);
  } catch (e) {
    if (e instanceof CaptureSignal) {
      io.stdout(parsed.flags['output-curl-string'] ? curlString(e) : policyString(e));
      return 0;
    }
    io.stderr(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
