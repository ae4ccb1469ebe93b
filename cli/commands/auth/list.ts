import type { Command } from '../../command.js';
import { listMounts } from '../mounts.js';

export const authList: Command = {
  name: 'auth list',
  synopsis: 'Lists enabled auth methods',
  help: `Usage: vault auth list [options]

  Lists the enabled auth methods on the Vault server. This command also outputs
  information about the method including configuration and human-friendly
  descriptions. A TTL of "system" indicates that the system default is in use.

  List all enabled auth methods:

      $ vault auth list

  List all enabled auth methods with detailed output:

      $ vault auth list -detailed

Command Options:

  -detailed    Print detailed information such as configuration and replication
               status about each auth method. This option is only applicable to
               table-formatted output.`,
  output: true,
  flags: { detailed: { kind: 'bool' } },
  run: (ctx) => listMounts(ctx, 'auth'),
};
