import type { Command } from '../command.js';
import { norm } from './common.js';

export const del: Command = {
  name: 'delete',
  synopsis: 'Delete secrets and configuration',
  help: `Usage: vault delete [options] PATH

  Deletes secrets and configuration from Vault at the given path. The behavior
  of "delete" is delegated to the backend corresponding to the given path.

      $ vault delete secret/my-secret`,
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error('Not enough arguments (expected 1, got 0)');
    const path = norm(ctx.args[0]);
    let r;
    try {
      r = await ctx.client().request('DELETE', path);
    } catch (e) {
      return ctx.fail(`Error deleting ${path}`, e);
    }
    if (r.body?.warnings) ctx.warnings(r.body);
    ctx.io.stdout(`Success! Data deleted (if it existed) at: ${path}\n`);
    return 0;
  },
};
