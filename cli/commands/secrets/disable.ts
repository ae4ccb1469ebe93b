import type { Command } from '../../command.js';
import { oneArg, slashed } from '../mounts.js';

export const secretsDisable: Command = {
  name: 'secrets disable',
  synopsis: 'Disable a secret engine',
  help: `Usage: vault secrets disable [options] PATH

  Disables a secrets engine at the given PATH. The argument corresponds to
  the enabled PATH of the engine, not the TYPE! All secrets created by this
  engine are revoked and its Vault data is removed.

  Disable the secrets engine enabled at aws/:

      $ vault secrets disable aws/`,
  async run(ctx) {
    const bad = oneArg(ctx);
    if (bad !== undefined) return bad;
    const p = slashed(ctx.args[0]);
    try {
      await ctx.client().request('DELETE', `sys/mounts/${p}`);
    } catch (e) {
      return ctx.fail(`Error disabling secrets engine at ${p}`, e);
    }
    ctx.io.stdout(`Success! Disabled the secrets engine (if it existed) at: ${p}\n`);
    return 0;
  },
};
