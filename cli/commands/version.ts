import type { Command } from '../command.js';

export const version: Command = {
  name: 'version',
  synopsis: 'Prints the Vault CLI version',
  help: 'Usage: vault version\n\n  Prints the version of this Vault CLI.',
  http: false,
  async run(ctx) {
    ctx.io.stdout('Vault v1.15.6 (vault-lab), built 2024-02-28T17:07:34Z\n');
    return 0;
  },
};
