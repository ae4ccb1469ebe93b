import { type Command, type CommandContext, PRETTY_REFUSED } from '../../command.js';
import { toJson, toYaml } from '../../format.js';

export const tokenCapabilities: Command = {
  name: 'token capabilities',
  synopsis: 'Print capabilities of a token on a path',
  help: `Usage: vault token capabilities [options] [TOKEN] PATH

  Fetches the capabilities of a token for a given path. If a TOKEN is provided
  as an argument, the "/sys/capabilities" endpoint and permission is used. If
  no TOKEN is provided, the "/sys/capabilities-self" endpoint and permission
  is used with the locally authenticated token.

  List capabilities for the local token on the "secret/foo" path:

      $ vault token capabilities secret/foo

  List capabilities for a token on the "cubbyhole/foo" path:

      $ vault token capabilities 96ddf4bc-d217-f3ba-f9bd-017055595017 cubbyhole/foo

  List capabilities for a token on the "cubbyhole/foo" path via its accessor:

      $ vault token capabilities -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da cubbyhole/foo

Command Options:

  -accessor    Treat the first argument as an accessor instead of a token.`,
  output: true,
  flags: { accessor: { kind: 'bool' } },
  async run(ctx) {
    const n = ctx.args.length;
    if (n === 0) return ctx.error('Not enough arguments (expected 1-2, got 0)');
    if (n > 2) return ctx.error(`Too many arguments (expected 1-2, got ${n})`);
    if (ctx.flags.accessor && n !== 2) return ctx.error(`Not enough arguments with -accessor (expected 2, got ${n})`);
    const path = ctx.args[n - 1].replace(/^\/+/, '');
    const c = ctx.client();
    let r;
    try {
      if (n === 1) r = await c.request('POST', 'sys/capabilities-self', { paths: [path] });
      else if (ctx.flags.accessor)
        r = await c.request('POST', 'sys/capabilities-accessor', { accessor: ctx.args[0], paths: [path] });
      else r = await c.request('POST', 'sys/capabilities', { token: ctx.args[0], paths: [path] });
    } catch (e) {
      return ctx.fail('Error listing capabilities', e);
    }
    return printCapabilities(ctx, r.body, path);
  },
};

function printCapabilities(ctx: CommandContext, body: Record<string, unknown> | null, path: string): number {
  const data = (body?.data as Record<string, unknown> | undefined) ?? body ?? {};
  const caps = [...(((data[path] ?? data.capabilities) as string[] | undefined) ?? [])].sort();
  const fmt = ctx.format();
  if (fmt === 'pretty') return ctx.error(PRETTY_REFUSED);
  if (fmt === 'json') ctx.io.stdout(toJson(caps));
  else if (fmt === 'yaml') ctx.io.stdout(toYaml(caps));
  else ctx.io.stdout(caps.join(', ') + '\n');
  return 0;
}
