/**
 * `vault operator rekey`: new unseal key shares for the Shamir seal (reference part 2 §7.1).
 * -init starts, each holder then gives a current key (argument, `-`, or a hidden prompt),
 * the last one receives the new shares; -status and -cancel as in Vault.
 */
import type { Command } from '../../command.js';
import { kvTable, wrapAtLength } from '../../format.js';
import { printData } from './common.js';

function statusTable(s: Record<string, unknown>): string {
  const rows: Array<[string, string]> = [
    ['Nonce', String(s.nonce)],
    ['Started', String(s.started)],
    ['Rekey Progress', `${s.progress}/${s.required}`],
    ['New Shares', String(s.n)],
    ['New Threshold', String(s.t)],
    ['Verification Required', String(s.verification_required)],
  ];
  return kvTable(rows);
}

export const operatorRekey: Command = {
  name: 'operator rekey',
  synopsis: 'Generates new unseal keys',
  help: `Usage: vault operator rekey [options] [KEY]

  Generates a new set of unseal keys. This can optionally change the total
  number of key shares or the required threshold of those key shares to
  reconstruct the root key. This operation is zero downtime, but it requires
  the Vault is unsealed and a quorum of existing unseal keys are provided.

  Initialize a rekey:

      $ vault operator rekey -init -key-shares=15 -key-threshold=9

  Provide an unseal key (repeat until the threshold is reached):

      $ vault operator rekey

  Cancel a rekey in progress:

      $ vault operator rekey -cancel`,
  flags: {
    init: { kind: 'bool', default: false, usage: 'Initialize the rekeying operation.' },
    cancel: { kind: 'bool', default: false, usage: 'Reset the rekeying progress.' },
    status: {
      kind: 'bool',
      default: false,
      usage: 'Print the status of the current attempt without providing an unseal key.',
    },
    'key-shares': {
      kind: 'int',
      default: 5,
      aliases: ['n'],
      usage: 'Number of key shares to split the generated root key into.',
    },
    'key-threshold': {
      kind: 'int',
      default: 3,
      aliases: ['t'],
      usage: 'Number of key shares required to reconstruct the root key.',
    },
    nonce: {
      kind: 'string',
      usage: 'Nonce value provided at initialization. The same nonce value must be provided with each unseal key.',
    },
  },
  output: true,
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
    const c = ctx.client();
    if (ctx.flags.init) {
      let r;
      try {
        r = await c.request('PUT', 'sys/rekey/init', {
          secret_shares: Number(ctx.flags['key-shares']),
          secret_threshold: Number(ctx.flags['key-threshold']),
        });
      } catch (e) {
        return ctx.fail('Error initializing rekey', e);
      }
      const s = r.body ?? {};
      return printData(ctx, s, () => statusTable(s));
    }
    if (ctx.flags.cancel) {
      try {
        await c.request('DELETE', 'sys/rekey/init');
      } catch (e) {
        return ctx.fail('Error canceling rekey', e);
      }
      ctx.io.stdout('Success! Canceled rekeying (if it was started)\n');
      return 0;
    }
    let st;
    try {
      st = (await c.request('GET', 'sys/rekey/init')).body ?? {};
    } catch (e) {
      return ctx.fail('Error reading rekey status', e);
    }
    if (ctx.flags.status) return printData(ctx, st, () => statusTable(st));
    if (!st.started)
      return ctx.error('No rekey is in progress. Start a rekey process by running "vault operator rekey -init".');
    let key = ctx.args[0];
    if (key === '-' || key === undefined) {
      if (key === undefined && ctx.io.promptSecret) key = await ctx.io.promptSecret('Unseal Key (will be hidden): ');
      else key = await ctx.io.readStdin();
    }
    key = (key ?? '').trim();
    if (!key) return ctx.error('Error posting unseal key: an unseal key is required');
    const nonce = typeof ctx.flags.nonce === 'string' && ctx.flags.nonce ? ctx.flags.nonce : String(st.nonce);
    let r;
    try {
      r = await c.request('PUT', 'sys/rekey/update', { key, nonce });
    } catch (e) {
      return ctx.fail('Error posting unseal key', e);
    }
    const b = r.body ?? {};
    if (!b.complete) return printData(ctx, b, () => statusTable(b));
    const keys = (b.keys_base64 as string[]) ?? [];
    return printData(ctx, b, () => {
      const lines = keys.map((k, i) => `Key ${i + 1}: ${k}`);
      const msg = wrapAtLength(
        `Vault unseal keys rekeyed with ${st.n} key shares and a key threshold of ${st.t}. Please securely distribute the key shares printed above. When Vault is re-sealed, restarted, or stopped, you must supply at least ${st.t} of these keys to unseal it before it can start servicing requests.`,
      );
      return `${lines.join('\n')}\n\nOperation nonce: ${String(b.nonce)}\n\n${msg}\n`;
    });
  },
};
