import type { Command } from '../../command.js';

export const printToken: Command = {
  name: 'print token',
  synopsis: 'Prints the vault token currently in use',
  help: 'Usage: vault print token\n\n  Prints the value of the Vault token that will be used for commands, after\n  taking into account the configured token-helper and the environment.',
  http: false,
  async run(ctx) {
    ctx.io.stdout((ctx.client().token ?? '') + '\n');
    return 0;
  },
};
