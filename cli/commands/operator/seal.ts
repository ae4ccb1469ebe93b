import type { Command } from '../../command.js';

export const operatorSeal: Command = {
  name: 'operator seal',
  synopsis: 'Seals the Vault server',
  help: `Usage: vault operator seal [options]

  Seals the Vault server. Sealing tells the Vault server to stop responding
  to any operations until it is unsealed. When sealed, the Vault server
  discards its in-memory root key to unlock the data, so it is physically
  blocked from responding to operations unsealed.

  If an unseal is in progress, sealing the Vault will reset the unsealing
  process. Users will have to re-enter their portions of the root key again.

  This command does nothing if the Vault server is already sealed.

  Seal the Vault server:

      $ vault operator seal`,
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    try {
      await ctx.client().request('PUT', 'sys/seal');
    } catch (e) {
      return ctx.fail('Error sealing', e);
    }
    ctx.io.stdout('Success! Vault is sealed.\n');
    return 0;
  },
};
