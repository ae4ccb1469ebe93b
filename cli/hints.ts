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

/** The value of `-name=value` (or `-name value`, `--name=value`) in argv. */
function flagValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (m?.[1] === name) return m[2] ?? argv[i + 1];
  }
  return undefined;
}

/**
 * Auth methods whose login HashiCorp's CLI has no handler for, and the keys their login path
 * takes. Only `@file` values are echoed back: a pasted JWT or secret_id stays off the screen.
 */
const WRITE_LOGINS: Record<string, Array<[key: string, placeholder: string]>> = {
  kubernetes: [
    ['role', '<role>'],
    ['jwt', '@<service-account token file>'],
  ],
  approle: [
    ['role_id', '<role_id>'],
    ['secret_id', '<secret_id>'],
  ],
};

function writeLogin(argv: string[], method: string): string {
  const mount = (flagValue(argv, 'path') ?? method).replace(/^\/+|\/+$/g, '');
  const typed = new Map(
    positional(argv, 1)
      .map((a) => a.split('='))
      .filter((kv) => kv.length > 1)
      .map(([k, ...v]) => [k, v.join('=')] as const),
  );
  const args = WRITE_LOGINS[method].map(([key, placeholder]) => {
    const v = typed.get(key);
    const safe = v && (key === 'role' || v.startsWith('@')) && !/\s|"/.test(v);
    return `${key}=${safe ? v : placeholder}`;
  });
  return `vault write auth/${mount}/login ${args.join(' ')}`;
}

export const HINTS: Hint[] = [
  {
    test: (a) => a[0] === 'login' && (flagValue(a, 'method') ?? '') in WRITE_LOGINS,
    text: (a) => {
      const method = flagValue(a, 'method') ?? '';
      return `${PREFIX} HashiCorp's CLI has no ${method} login; log in with "${writeLogin(a, method)}" (add -field=token to print just the token).`;
    },
  },
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
