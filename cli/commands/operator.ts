/** `vault operator init | unseal | seal`: Shamir initialisation and the unseal ceremony. */
import type { Command, CommandContext } from '../command.js';
import { kvTable, toJson, toYaml } from '../format.js';

/** The seal-status table `vault operator unseal` prints (the same rows as `vault status`). */
function sealStatusTable(s: Record<string, unknown>): string {
  const rows: Array<[string, string]> = [
    ['Seal Type', String(s.type)], ['Initialized', String(s.initialized)], ['Sealed', String(s.sealed)],
    ['Total Shares', String(s.n)], ['Threshold', String(s.t)],
  ];
  if (s.sealed) rows.push(['Unseal Progress', `${s.progress}/${s.t}`], ['Unseal Nonce', s.nonce ? String(s.nonce) : 'n/a']);
  rows.push(['Version', String(s.version)], ['Build Date', String(s.build_date)], ['Storage Type', String(s.storage_type)]);
  if (!s.sealed) rows.push(['Cluster Name', String(s.cluster_name)], ['Cluster ID', String(s.cluster_id)]);
  rows.push(['HA Enabled', 'false']);
  return kvTable(rows);
}

function printData(ctx: CommandContext, data: Record<string, unknown>, table: () => string): number {
  const fmt = ctx.format();
  if (fmt === 'json' || fmt === 'pretty') ctx.io.stdout(toJson(data));
  else if (fmt === 'yaml') ctx.io.stdout(toYaml(data));
  else ctx.io.stdout(table());
  return 0;
}

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
    'key-shares': { kind: 'int', default: 5, aliases: ['n'], usage: 'Number of key shares to split the generated root key into.' },
    'key-threshold': { kind: 'int', default: 3, aliases: ['t'], usage: 'Number of key shares required to reconstruct the root key.' },
    status: { kind: 'bool', default: false, usage: 'Print the current initialization status. Exit 0 if initialized, 2 if not, 1 on error.' },
  },
  output: true,
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    const c = ctx.client();
    if (ctx.flags.status) {
      let r;
      try { r = await c.request('GET', 'sys/init'); } catch (e) { ctx.fail('Error checking init status', e); return 1; }
      if (r.body?.initialized) { ctx.io.stdout('Vault is initialized\n'); return 0; }
      ctx.io.stdout('Vault is not initialized\n');
      return 2;
    }
    const shares = Number(ctx.flags['key-shares']);
    const threshold = Number(ctx.flags['key-threshold']);
    let r;
    try {
      r = await c.request('PUT', 'sys/init', { secret_shares: shares, secret_threshold: threshold });
    } catch (e) { return ctx.fail('Error initializing', e); }
    const b = r.body ?? {};
    const b64 = (b.keys_base64 as string[]) ?? [];
    const hex = (b.keys as string[]) ?? [];
    const data = {
      unseal_keys_b64: b64, unseal_keys_hex: hex, unseal_shares: shares, unseal_threshold: threshold,
      recovery_keys_b64: [], recovery_keys_hex: [], recovery_keys_shares: 0, recovery_keys_threshold: 0,
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
    migrate: { kind: 'bool', default: false, usage: 'Indicate that this share is provided with the intent that it is part of a seal migration process.' },
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
      if (!key) return ctx.error('Error unsealing: an unseal key is required: pass it as an argument or type it at the prompt');
      body = { key, migrate: !!ctx.flags.migrate };
    }
    let r;
    try { r = await c.request('PUT', 'sys/unseal', body); } catch (e) { return ctx.fail(ctx.flags.reset ? 'Error resetting unseal process' : 'Error unsealing', e); }
    const s = r.body ?? {};
    return printData(ctx, s, () => sealStatusTable(s));
  },
};

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
    try { await ctx.client().request('PUT', 'sys/seal'); } catch (e) { return ctx.fail('Error sealing', e); }
    ctx.io.stdout('Success! Vault is sealed.\n');
    return 0;
  },
};
