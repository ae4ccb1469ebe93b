import type { Command } from '../../command.js';
import { listMounts } from '../mounts.js';

export const secretsList: Command = {
  name: 'secrets list',
  synopsis: 'List enabled secrets engines',
  help: `Usage: vault secrets list [options]

  Lists the enabled secret engines on the Vault server. This command also
  outputs information about the enabled path including configured TTLs and
  human-friendly descriptions. A TTL of "system" indicates that the system
  default is in use.

  List all enabled secrets engines:

      $ vault secrets list

  List all enabled secrets engines with detailed output:

      $ vault secrets list -detailed

Command Options:

  -detailed    Print detailed information such as TTLs and replication status
               about each secrets engine.`,
  output: true,
  flags: { detailed: { kind: 'bool' } },
  run: (ctx) => listMounts(ctx, 'secrets'),
};
