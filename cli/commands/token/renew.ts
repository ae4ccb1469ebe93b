import type { Command } from '../../command.js';

export const tokenRenew: Command = {
  name: 'token renew',
  synopsis: 'Renew a token lease',
  help: `Usage: vault token renew [options] [TOKEN]

  Renews a token's lease, extending the amount of time it can be used. If a
  TOKEN is not provided, the locally authenticated token is used. A token
  accessor can be used as well. Lease renewal will fail if the token is not
  renewable, the token has already been revoked, or if the token has already
  reached its maximum TTL.

  Renew a token (this uses the /auth/token/renew endpoint and permission):

      $ vault token renew 96ddf4bc-d217-f3ba-f9bd-017055595017

  Renew the currently authenticated token (this uses the /auth/token/renew-self
  endpoint and permission):

      $ vault token renew

  Renew a token requesting a specific increment value:

      $ vault token renew -increment=30m 96ddf4bc-d217-f3ba-f9bd-017055595017

Command Options:

  -accessor               Treat the argument as an accessor instead of a token.
  -increment=<duration>   Request a specific increment for renewal (alias -i).`,
  output: true,
  flags: { increment: { kind: 'duration', aliases: ['i'] }, accessor: { kind: 'bool' } },
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
    if (ctx.flags.accessor && !ctx.args.length)
      return ctx.error('Not enough arguments with -accessor (expected 1, got 0)');
    const inc = ctx.flags.increment as string | undefined;
    const c = ctx.client();
    let r;
    try {
      if (ctx.flags.accessor)
        r = await c.request('PUT', 'auth/token/renew-accessor', {
          accessor: ctx.args[0],
          ...(inc ? { increment: inc } : {}),
        });
      else if (ctx.args.length)
        r = await c.request('PUT', 'auth/token/renew', { token: ctx.args[0], ...(inc ? { increment: inc } : {}) });
      else r = await c.request('PUT', 'auth/token/renew-self', inc ? { increment: inc } : {});
    } catch (e) {
      return ctx.fail('Error renewing token', e);
    }
    return ctx.outputSecret(r.body);
  },
};
