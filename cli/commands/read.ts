import type { Command } from '../command.js';
import { norm } from './common.js';
import { ArgError, parseKVArgs } from '../kvargs.js';

export const read: Command = {
  name: 'read',
  synopsis: 'Read data and retrieves secrets',
  help: `Usage: vault read [options] PATH

  Reads data from Vault at the given path. This can be used to read secrets,
  generate dynamic credentials, get configuration details, and more.

  Read a secret from the static secrets engine:

      $ vault read secret/my-secret`,
  output: true,
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error('Not enough arguments (expected 1, got 0)');
    const path = norm(ctx.args[0]);
    let query: Record<string, string> = {};
    try {
      query = Object.fromEntries(
        Object.entries(await parseKVArgs(ctx.args.slice(1), ctx.io)).map(([k, v]) => [k, String(v)]),
      );
    } catch (e) {
      if (e instanceof ArgError) return ctx.error(e.message);
      throw e;
    }
    let r;
    try {
      r = await ctx.client().request('GET', path, undefined, { allow404: true, query });
    } catch (e) {
      return ctx.fail(`Error reading ${path}`, e);
    }
    if (r.status === 404 && !(r.body?.data || r.body?.warnings)) {
      ctx.io.stderr(`No value found at ${path}\n`);
      return 2;
    }
    if (ctx.format() === ('raw' as string)) {
      ctx.io.stdout(r.raw.endsWith('\n') ? r.raw : r.raw + '\n');
      return 0;
    }
    if (r.status === 404 && r.body?.warnings) {
      ctx.warnings(r.body);
      if (!r.body.data) {
        ctx.io.stderr(`No value found at ${path}\n`);
        return 2;
      }
    }
    return ctx.outputSecret(r.body);
  },
};
