import type { Command } from '../../command.js';

export const tokenLookup: Command = {
  name: 'token lookup',
  synopsis: 'Display information about a token',
  help: `Usage: vault token lookup [options] [TOKEN | ACCESSOR]

  Displays information about a token or accessor. If a TOKEN is not provided,
  the locally authenticated token is used.

  Get information about the locally authenticated token:

      $ vault token lookup

  Get information about a particular token:

      $ vault token lookup 96ddf4bc-d217-f3ba-f9bd-017055595017

  Get information about a token via its accessor:

      $ vault token lookup -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da

Command Options:

  -accessor    Treat the argument as an accessor instead of a token.`,
  output: true,
  flags: { accessor: { kind: 'bool' } },
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
    if (ctx.flags.accessor && !ctx.args.length)
      return ctx.error('Not enough arguments with -accessor (expected 1, got 0)');
    const c = ctx.client();
    let r;
    try {
      if (ctx.flags.accessor) r = await c.request('POST', 'auth/token/lookup-accessor', { accessor: ctx.args[0] });
      else if (ctx.args.length) r = await c.request('POST', 'auth/token/lookup', { token: ctx.args[0] });
      else r = await c.request('GET', 'auth/token/lookup-self');
    } catch (e) {
      return ctx.fail('Error looking up token', e);
    }
    return ctx.outputSecret(r.body);
  },
};
