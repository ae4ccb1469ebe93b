import type { Command } from '../../command.js';
import { oneArg, slashed } from '../mounts.js';

export const authDisable: Command = {
  name: 'auth disable',
  synopsis: 'Disables an auth method',
  help: `Usage: vault auth disable [options] PATH

  Disables an existing auth method at the given PATH. The argument corresponds
  to the PATH of the mount, not the TYPE!. Once the auth method is disabled its
  path can no longer be used to authenticate.

  All access tokens generated via the disabled auth method are immediately
  revoked. This command will block until all tokens are revoked.

  Disable the auth method at userpass/:

      $ vault auth disable userpass/`,
  async run(ctx) {
    const bad = oneArg(ctx);
    if (bad !== undefined) return bad;
    const p = slashed(ctx.args[0]);
    try {
      await ctx.client().request('DELETE', `sys/auth/${p}`);
    } catch (e) {
      return ctx.fail(`Error disabling auth method at ${p}`, e);
    }
    ctx.io.stdout(`Success! Disabled the auth method (if it existed) at: ${p}\n`);
    return 0;
  },
};
