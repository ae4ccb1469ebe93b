import type { Command } from '../command.js';
import { norm } from './common.js';
import { ArgError, parseKVArgs } from '../kvargs.js';

export const write: Command = {
  name: 'write',
  synopsis: 'Write data, configuration, and secrets',
  help: `Usage: vault write [options] PATH [DATA K=V...]

  Writes data to Vault at the given path. The data can be credentials, secrets,
  configuration, or arbitrary data. The specific behavior of this command is
  determined at the thing mounted at the path.

  Data is specified as "key=value" pairs. If the value begins with an "@", then
  it is loaded from a file. If the value is "-", Vault will read the value from
  stdin.

      $ vault write sys/mounts/my-mount type=kv`,
  output: true,
  flags: { force: { kind: 'bool', aliases: ['f'] } },
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error('Not enough arguments (expected 1, got 0)');
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
      r = await ctx.client().request('PUT', path, data);
    } catch (e) {
      return ctx.fail(`Error writing data to ${path}`, e);
    }
    if (!r.body) {
      ctx.io.stdout(`Success! Data written to: ${path}\n`);
      return 0;
    }
    if (!r.body.data && !r.body.auth && !r.body.wrap_info && !r.body.lease_id && ctx.format() === 'table') {
      ctx.warnings(r.body);
      ctx.io.stdout(`Success! Data written to: ${path}\n`);
      return 0;
    }
    return ctx.outputSecret(r.body);
  },
};
