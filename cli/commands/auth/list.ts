import type { Command } from '../../command.js';
import { mountsOf, mountsTable } from '../mounts.js';

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
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    let r;
    try {
      r = await ctx.client().request('GET', 'sys/auth');
    } catch (e) {
      return ctx.fail('Error listing enabled authentications', e);
    }
    const mounts = mountsOf(r.body);
    if (ctx.format() !== 'table') return ctx.outputData(mounts);
    ctx.io.stdout(mountsTable(mounts, !!ctx.flags.detailed, 'auth'));
    return 0;
  },
};
