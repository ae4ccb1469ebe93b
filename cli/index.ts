/**
 * The CLI's door for the rest of the project: reading a `vault …` command line the way
 * the CLI itself does, without running it. Lab checks judge a typed command by meaning
 * (`command: { means: … }`) through this, so flag order, `-flag=v` vs `-flag v`, aliases
 * and `--` spellings are the CLI's own rules, not a regex's.
 * test/boundaries.test.ts checks that this door loads no engine.
 */
import { COMMANDS } from './commands/index.js';
import { GLOBAL_FLAGS, HelpRequested, OUTPUT_FLAGS, parseFlags, UsageError } from './flags.js';

export interface VaultArgs {
  /** The command's name, e.g. `kv get`. */
  command: string;
  /** Every flag of the command, with defaults (never from the environment). */
  flags: Record<string, unknown>;
  /** The flags the line gave explicitly (canonical names: `-ns` reads `namespace`). */
  set: Set<string>;
  args: string[];
}

/**
 * Parses the words after `vault` as the CLI would.
 * @example parseVaultArgs(['kv', 'get', '-mount=secret', 'hello']) // { command: 'kv get', args: ['hello'], … }
 */
export function parseVaultArgs(argv: string[]): VaultArgs | { error: string } {
  // The longest command name the words start with (as the CLI's dispatcher looks it up).
  for (let n = Math.min(3, argv.length); n >= 1; n--) {
    const name = argv.slice(0, n).join(' ');
    const cmd = COMMANDS.find((c) => c.name === name);
    if (!cmd) continue;
    const specs = {
      ...(cmd.http === false ? {} : GLOBAL_FLAGS),
      ...(cmd.output ? OUTPUT_FLAGS : {}),
      ...(cmd.flags ?? {}),
    };
    try {
      const p = parseFlags(argv.slice(n), specs, {});
      return { command: cmd.name, flags: p.flags, set: p.set, args: p.args };
    } catch (e) {
      if (e instanceof HelpRequested) return { error: `asks for the help of vault ${name}` };
      if (e instanceof UsageError) return { error: e.message };
      throw e;
    }
  }
  return { error: `unknown command "vault ${argv.slice(0, 2).join(' ')}"` };
}

/**
 * Runs the CLI in this process — `vault-lab test` does, for the `vault` in its headless lab
 * shells (labs/tools/cli-host.ts), so a command costs no Node.js start. The `vault` binary
 * runs the same function.
 */
export { runCli } from './main.js';
export type { IO as CliIO } from './command.js';
