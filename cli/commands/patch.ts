import type { Command } from '../command.js';
import { norm } from './common.js';
import { ArgError, parseKVArgs } from '../kvargs.js';

export const patch: Command = {
  name: 'patch',
  synopsis: 'Patch data, configuration, and secrets',
  help: `Usage: vault patch [options] PATH [DATA K=V...]

  Patches data in Vault at the given path: fields you name are changed, the
  others keep their values (an HTTP PATCH with a JSON merge patch). The data
  can be credentials, secrets, configuration, or arbitrary data.

  Data is specified as "key=value" pairs. If the value begins with an "@", then
  it is loaded from a file. If the value is "-", Vault will read the value from
  stdin.

      $ vault patch pki/roles/example allow_localhost=false

Command Options:

  -force    Allow the operation to continue with no key=value pairs (alias -f).`,
  output: true,
  flags: { force: { kind: 'bool', aliases: ['f'] } },
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
    const path = norm(ctx.args[0]);
    let data: Record<string, unknown>;
    try {
      data = await parseKVArgs(ctx.args.slice(1), ctx.io);
    } catch (e) {
      if (e instanceof ArgError) return ctx.error(e.message);
      throw e;
    }
    if (!Object.keys(data).length && !ctx.flags.force) return ctx.error('Must supply data or use -force');
    let r;
    try {
      r = await ctx
        .client()
        .request('PATCH', path, data, { headers: { 'Content-Type': 'application/merge-patch+json' } });
    } catch (e) {
      return ctx.fail(`Error writing data to ${path}`, e);
    }
    if (!r.body) {
      if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${path}\n`);
      return 0;
    }
    return ctx.outputSecret(r.body);
  },
};
