import type { Command } from '../../command.js';

export const policyList: Command = {
  name: 'policy list',
  synopsis: 'Lists the installed policies',
  help: `Usage: vault policy list [options]

  Lists the names of the policies that are installed on the Vault server.

  List the available policies:

      $ vault policy list`,
  output: true,
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    let r;
    try {
      r = await ctx.client().request('LIST', 'sys/policies/acl');
    } catch (e) {
      return ctx.fail('Error listing policies', e);
    }
    const keys = ((r.body?.data as Record<string, unknown>)?.keys as string[]) ?? [];
    if (ctx.format() === 'yaml') {
      ctx.io.stdout(keys.map((k) => `- ${k}\n`).join(''));
      return 0;
    }
    if (ctx.format() !== 'table') {
      ctx.io.stdout(JSON.stringify(keys, null, 2) + '\n');
      return 0;
    }
    ctx.io.stdout(keys.map((k) => k + '\n').join(''));
    return 0;
  },
};
