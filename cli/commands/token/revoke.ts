import type { Command } from '../../command.js';

export const tokenRevoke: Command = {
  name: 'token revoke',
  synopsis: 'Revoke a token and its children',
  help: `Usage: vault token revoke [options] [TOKEN | ACCESSOR]

  Revokes authentication tokens and their children. If a TOKEN is not provided,
  the locally authenticated token is used. The "-mode" flag can be used to
  control the behavior of the revocation. See the "-mode" flag documentation
  for more information.

  Revoke a token and all the token's children:

      $ vault token revoke 96ddf4bc-d217-f3ba-f9bd-017055595017

  Revoke a token leaving the token's children:

      $ vault token revoke -mode=orphan 96ddf4bc-d217-f3ba-f9bd-017055595017

  Revoke a token by accessor:

      $ vault token revoke -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da

Command Options:

  -accessor       Treat the argument as an accessor instead of a token.
  -mode=<string>  "orphan" keeps the children; "path" revokes every token
                  created under the given creation path prefix.
  -self           Revoke the currently authenticated token.`,
  flags: { accessor: { kind: 'bool' }, self: { kind: 'bool' }, mode: { kind: 'string', default: '' } },
  async run(ctx) {
    const { accessor, self } = ctx.flags as { accessor: boolean; self: boolean };
    const mode = String(ctx.flags.mode ?? '');
    const n = ctx.args.length;
    if (self && n > 0) return ctx.error(`Too many arguments with -self (expected 0, got ${n})`);
    if (!self && n > 1) return ctx.error(`Too many arguments (expected 1 or -self, got ${n})`);
    if (!self && n < 1) return ctx.error(`Not enough arguments (expected 1 or -self, got ${n})`);
    if (self && accessor) return ctx.error('Cannot use -self with -accessor!');
    if (self && mode) return ctx.error('Cannot use -self with -mode!');
    if (accessor && mode === 'orphan') return ctx.error('Cannot use -accessor with -mode=orphan!');
    if (accessor && mode === 'path') return ctx.error('Cannot use -accessor with -mode=path!');
    const c = ctx.client();
    try {
      switch (mode) {
        case '':
          if (self) await c.request('PUT', 'auth/token/revoke-self', {});
          else if (accessor) await c.request('PUT', 'auth/token/revoke-accessor', { accessor: ctx.args[0] });
          else await c.request('PUT', 'auth/token/revoke', { token: ctx.args[0] });
          break;
        case 'orphan':
          await c.request('PUT', 'auth/token/revoke-orphan', { token: ctx.args[0] });
          break;
        case 'path':
          await c.request('PUT', `sys/leases/revoke-prefix/${ctx.args[0].replace(/^\/+/, '')}`, {});
          break;
        default:
          return ctx.error(`Invalid mode: ${mode}`);
      }
    } catch (e) {
      return ctx.fail('Error revoking token', e);
    }
    ctx.io.stdout('Success! Revoked token (if it existed)\n');
    return 0;
  },
};
