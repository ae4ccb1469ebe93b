import { ApiError } from '../api/client.js';
import type { Command } from '../command.js';
import { norm } from './common.js';

export const pathHelp: Command = {
  name: 'path-help',
  synopsis: 'Retrieve API help for paths',
  help: `Usage: vault path-help [options] PATH

  Retrieves API help for paths. All endpoints in Vault provide built-in help
  in markdown format. This includes system paths, secret engines, and auth
  methods.

  Get help for the thing mounted at database/:

      $ vault path-help database/

  The response object will return additional paths to retrieve help:

      $ vault path-help database/roles/

  Each secret engine produces different help output.`,
  output: true,
  async run(ctx) {
    if (ctx.args.length !== 1)
      return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const path = norm(ctx.args[0]);
    let r;
    try {
      r = await ctx.client().request('GET', path, undefined, { query: { help: '1' } });
    } catch (e) {
      if (e instanceof ApiError && e.errors?.some((x) => x.includes('Vault is sealed')))
        return ctx.error('Error: Vault is sealed.');
      return ctx.fail('Error retrieving help', e);
    }
    const body = r.body ?? {};
    if (ctx.format() === 'table') {
      ctx.io.stdout(String(body.help ?? '').replace(/\n?$/, '\n'));
      return 0;
    }
    return ctx.outputData(body);
  },
};
