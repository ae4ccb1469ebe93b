import type { Command } from '../../command.js';
import { printData, sealStatusTable } from './common.js';

export const operatorUnseal: Command = {
  name: 'operator unseal',
  synopsis: 'Unseals the Vault server',
  help: `Usage: vault operator unseal [options] [KEY]

  Provide a portion of the root key to unseal a Vault server. Vault starts
  in a sealed state. It cannot perform operations until it is unsealed. This
  command accepts a portion of the root key (an "unseal key").

  The unseal key can be supplied as an argument to the command, but this is
  not recommended as the unseal key will be available in your history:

      $ vault operator unseal IXyR0OJnSFobekZMMCKCoVEpT7wI6l+USMzE3IcyDyo=

  Instead, run the command with no arguments and it will prompt for the key:

      $ vault operator unseal
      Unseal Key (will be hidden): IXyR0OJnSFobekZMMCKCoVEpT7wI6l+USMzE3IcyDyo=`,
  flags: {
    reset: { kind: 'bool', default: false, usage: 'Discard any previously entered keys to the unseal process.' },
    migrate: {
      kind: 'bool',
      default: false,
      usage: 'Indicate that this share is provided with the intent that it is part of a seal migration process.',
    },
  },
  output: true,
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
    const c = ctx.client();
    let body: Record<string, unknown>;
    if (ctx.flags.reset) {
      body = { reset: true };
    } else {
      let key = ctx.args[0];
      if (key === '-' || key === undefined) {
        if (key === undefined && ctx.io.promptSecret) key = await ctx.io.promptSecret('Unseal Key (will be hidden): ');
        else key = await ctx.io.readStdin();
      }
      key = (key ?? '').trim();
      if (!key)
        return ctx.error('Error unsealing: an unseal key is required: pass it as an argument or type it at the prompt');
      body = { key, migrate: !!ctx.flags.migrate };
    }
    let r;
    try {
      r = await c.request('PUT', 'sys/unseal', body);
    } catch (e) {
      return ctx.fail(ctx.flags.reset ? 'Error resetting unseal process' : 'Error unsealing', e);
    }
    const s = r.body ?? {};
    return printData(ctx, s, () => sealStatusTable(s));
  },
};
