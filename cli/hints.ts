/**
 * Commands and flags that tutorials use but HashiCorp's CLI does not have. The CLI
 * fails exactly as real Vault does and then adds one line naming what to type instead.
 */

export interface Hint {
  /** Matches the command words and flags the learner typed. */
  test: (argv: string[], error?: string) => boolean;
  text: (argv: string[]) => string;
}

const PREFIX = 'Hint (vault-lab):';

const positional = (argv: string[], from: number) => argv.slice(from).filter((a) => !a.startsWith('-'));

export const HINTS: Hint[] = [
  {
    test: (a) => a[0] === 'kv' && a[1] === 'metadata' && a[2] === 'destroy',
    text: (a) =>
      `${PREFIX} there is no "vault kv metadata destroy"; "vault kv metadata delete ${positional(a, 3)[0] ?? '<path>'}" removes every version and the metadata for good.`,
  },
  {
    test: (a, e) => a[0] === 'secrets' && a[1] === 'tune' && !!e && /-cas-required/.test(e),
    text: (a) =>
      `${PREFIX} check-and-set is a KV setting, not a mount option: "vault write ${(positional(a, 2)[0] ?? '<mount>').replace(/\/+$/, '')}/config cas_required=true" (or "vault kv metadata put -cas-required=true <path>" for one secret).`,
  },
  {
    test: (_a, e) => !!e && /flag provided but not defined: -token$/.test(e),
    text: () =>
      `${PREFIX} the vault CLI has no -token flag; set the token with "export VAULT_TOKEN=<token>" (or "VAULT_TOKEN=<token> vault …" for one command), or run "vault login".`,
  },
  {
    test: (a) => a[0] === 'kv' && a[1] === 'versions',
    text: (a) => `${PREFIX} to see a secret's versions use "vault kv metadata get ${positional(a, 2)[0] ?? '<path>'}".`,
  },
  {
    test: (a) => a[0] === 'server' || a[0] === 'agent' || a[0] === 'proxy',
    text: (a) =>
      `${PREFIX} this vault CLI is a client only; start a dev server with "vault-lab server -dev"${a[0] === 'server' ? '' : ` (there is no ${a[0]} here)`}.`,
  },
  {
    test: (a) => a[0] === 'token' && a[1] === 'list',
    text: () => `${PREFIX} tokens are listed by accessor: "vault list auth/token/accessors" (needs sudo).`,
  },
  {
    test: (a) => a[0] === 'lease' && a[1] === 'list',
    text: (a) =>
      `${PREFIX} leases are listed with "vault list sys/leases/lookup/${positional(a, 2)[0] ?? '<prefix>'}" (needs sudo).`,
  },
];

/** The hint line for what the learner typed, if one applies. */
export function hintFor(argv: string[], error?: string): string | undefined {
  const h = HINTS.find((x) => x.test(argv, error));
  return h?.text(argv);
}
