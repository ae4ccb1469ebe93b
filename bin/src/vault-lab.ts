/**
 * `vault-lab`: the course (terminal UI), and its tools — `server`, `test`, `validate`,
 * `new`, `quiz`, `completion`, and `clock` (inside a lab shell). Subcommands are a table
 * (subcommands.ts); usage.ts turns an entry into parsing, `--help` and exit codes:
 * 0 success, 1 the work failed, 2 the command line was wrong.
 * The non-interactive commands never load React.
 */
import { COURSE, SUBCOMMANDS } from './subcommands.js';
import {
  commandList,
  EXIT_USAGE,
  parseArgs,
  type Subcommand,
  subcommandHelp,
  UsageError,
  usageHint,
  wantsHelp,
} from './usage.js';

declare const __VAULT_LAB_VERSION__: string;
const VERSION = typeof __VAULT_LAB_VERSION__ === 'string' ? __VAULT_LAB_VERSION__ : 'dev';
const PROG = 'vault-lab';

function topHelp(): string {
  return `vault-lab ${VERSION} — a hands-on course in secrets management

Usage:
  vault-lab [--labs <dir>] [--no-shell] [--plain]   open the course in your terminal
  vault-lab --course <file|dir|npm package>          open a course you were given (see pack)
  vault-lab <command> [options] [args]
  vault-lab help <command>                           that command's options (or: <command> --help)

Commands:
${commandList(SUBCOMMANDS)}

Course options:
  --labs <dir>   take the labs from your own folder instead of the shipped course
  --course <x>   open a packed course file, a course folder, or an installed npm package
  --no-shell     no embedded shell: print the environment to use in your own terminal
  --plain        no full-screen UI: print state changes as lines (screen readers)

Examples:
  vault-lab server -dev -dev-root-token-id=root
  vault-lab test content/labs --junit results.xml
  vault-lab new my-first-lab && vault-lab validate my-first-lab.yaml

In the course, Ctrl-] or F2 moves between the shell and the lesson, ? lists every key,
and q (or Ctrl-C with the lesson focused) quits. NO_COLOR turns colour off;
VAULT_LAB_THEME=light|dark picks colours for your terminal's background.
Exit codes: 0 success, 1 failure, 2 a usage error.
`;
}

function usageError(msg: string, cmd?: Subcommand): number {
  const who = cmd?.name ? `${PROG} ${cmd.name}` : PROG;
  process.stderr.write(`${who}: ${msg}\n${usageHint(PROG, cmd?.name ? cmd : undefined)}\n`);
  return EXIT_USAGE;
}

async function runSubcommand(cmd: Subcommand, rest: string[]): Promise<number> {
  if (wantsHelp(rest)) {
    process.stdout.write(cmd.name ? subcommandHelp(PROG, cmd) : topHelp());
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs(cmd, rest);
  } catch (e) {
    if (e instanceof UsageError) {
      // Vault-style servers say it as Go's flag package does.
      const m =
        cmd.dash === '-' ? e.message.replace(/^unknown option -*/, 'flag provided but not defined: -') : e.message;
      return usageError(m, cmd);
    }
    throw e;
  }
  return cmd.run(parsed);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (process.platform === 'darwin') {
    // Older versions kept progress in ~/.local/share on macOS too; it moves to Application Support once.
    const moved = (await import('../../labs/index.js')).migrateLegacyData();
    if (moved) process.stderr.write(`${moved}\n`);
  }
  switch (cmd) {
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`vault-lab ${VERSION}\n`);
      return 0;
    case '--help':
    case '-h':
    case '-help':
      process.stdout.write(topHelp());
      return 0;
    case 'help': {
      if (!rest.length) {
        process.stdout.write(topHelp());
        return 0;
      }
      const target = SUBCOMMANDS.find((c) => c.name === rest[0] && !c.hidden);
      if (!target || rest.length > 1) return usageError(`no help for "${rest.join(' ')}": not a command`);
      process.stdout.write(subcommandHelp(PROG, target));
      return 0;
    }
  }
  const sub = cmd === undefined ? undefined : SUBCOMMANDS.find((c) => c.name === cmd);
  if (sub) return runSubcommand(sub, rest);
  if (cmd && !cmd.startsWith('-')) return usageError(`unknown command "${cmd}"`);
  return runSubcommand(COURSE, argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`vault-lab: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
