import type { Command } from '../command.js';
import { norm, printList } from './common.js';

export const list: Command = {
  name: 'list',
  synopsis: 'List data or secrets',
  help: `Usage: vault list [options] PATH

  Lists data from Vault at the given path. This can be used to list keys in a,
  given secrets engine.

      $ vault list secret/my-app/`,
  output: true,
  async run(ctx) {
    if (ctx.args.length !== 1)
      return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const path = norm(ctx.args[0]);
    let r;
    try {
      r = await ctx
        .client()
        .request('GET', path.endsWith('/') ? path : path + '/', undefined, { allow404: true, query: { list: 'true' } });
    } catch (e) {
      return ctx.fail(`Error listing ${path}`, e);
    }
    return printList(ctx, r.status === 404 ? null : r.body, path);
  },
};
