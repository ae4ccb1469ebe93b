import type { Command } from '../../command.js';
import { printData } from './common.js';

export const operatorInit: Command = {
  name: 'operator init',
  synopsis: 'Initializes a server',
  help: `Usage: vault operator init [options]

  Initializes a Vault server. Initialization is the process by which Vault's
  storage backend is prepared to receive data. Since Vault servers share the
  same storage backend in HA mode, you only need to initialize one Vault to
  initialize the storage backend.

  During initialization, Vault generates an in-memory root key and applies
  Shamir's secret sharing algorithm to disassemble that root key into a
  configuration number of key shares such that a configurable subset of those
  key shares must come together to regenerate the root key. These keys are
  often called "unseal keys" in Vault's documentation.

  This command cannot be run against an already-initialized Vault cluster.

  Start initialization with the default options:

      $ vault operator init

  Initialize, but split the root key into 3 shares and require 2 of them:

      $ vault operator init -key-shares=3 -key-threshold=2`,
  flags: {
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
    status: {
      kind: 'bool',
      default: false,
      usage: 'Print the current initialization status. Exit 0 if initialized, 2 if not, 1 on error.',
    },
  },
  output: true,
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    const c = ctx.client();
    if (ctx.flags.status) {
      let r;
      try {
        r = await c.request('GET', 'sys/init');
      } catch (e) {
        ctx.fail('Error checking init status', e);
        return 1;
      }
      if (r.body?.initialized) {
        ctx.io.stdout('Vault is initialized\n');
        return 0;
      }
      ctx.io.stdout('Vault is not initialized\n');
      return 2;
    }
    const shares = Number(ctx.flags['key-shares']);
    const threshold = Number(ctx.flags['key-threshold']);
    let r;
    try {
      r = await c.request('PUT', 'sys/init', { secret_shares: shares, secret_threshold: threshold });
    } catch (e) {
      return ctx.fail('Error initializing', e);
    }
    const b = r.body ?? {};
    const b64 = (b.keys_base64 as string[]) ?? [];
    const hex = (b.keys as string[]) ?? [];
    const data = {
      unseal_keys_b64: b64,
      unseal_keys_hex: hex,
      unseal_shares: shares,
      unseal_threshold: threshold,
      recovery_keys_b64: [],
      recovery_keys_hex: [],
      recovery_keys_shares: 0,
      recovery_keys_threshold: 0,
      root_token: b.root_token,
    };
    return printData(ctx, data, () => {
      const lines = b64.map((k, i) => `Unseal Key ${i + 1}: ${k}`);
      return `${lines.join('\n')}

Initial Root Token: ${String(b.root_token)}

Vault initialized with ${shares} key shares and a key threshold of ${threshold}. Please securely
distribute the key shares printed above. When the Vault is re-sealed,
restarted, or stopped, you must supply at least ${threshold} of these keys to unseal it
before it can start servicing requests.

Vault does not store the generated root key. Without at least ${threshold} keys to
reconstruct the root key, Vault will remain permanently sealed!

It is possible to generate new unseal keys, provided you have a quorum of
existing unseal keys shares. See "vault operator rekey" for more information.
`;
    });
  },
};
