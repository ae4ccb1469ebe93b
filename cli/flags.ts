/**
 * Vault's flag syntax: single- or double-dash long flags, `-flag=value` or `-flag value`,
 * flags before positional arguments (flags after them are not parsed, with Vault's warning).
 */

export type FlagKind = 'string' | 'bool' | 'int' | 'duration' | 'strings' | 'map';
export interface FlagSpec {
  kind: FlagKind;
  default?: unknown;
  usage?: string;
  aliases?: string[];
  /** Environment variable supplying the default. */
  env?: string;
  /** Hidden from help. */
  hidden?: boolean;
}
export type FlagSpecs = Record<string, FlagSpec>;

export class UsageError extends Error {}

export interface Parsed {
  flags: Record<string, unknown>;
  /** Which flags were set explicitly. */
  set: Set<string>;
  args: string[];
  warnings: string[];
}

/** The HTTP and output flags every command accepts. */
export const GLOBAL_FLAGS: FlagSpecs = {
  address: { kind: 'string', env: 'VAULT_ADDR', usage: 'Address of the Vault server.' },
  'agent-address': { kind: 'string', env: 'VAULT_AGENT_ADDR', hidden: true },
  'ca-cert': { kind: 'string', env: 'VAULT_CACERT', hidden: true },
  'ca-path': { kind: 'string', env: 'VAULT_CAPATH', hidden: true },
  'client-cert': { kind: 'string', env: 'VAULT_CLIENT_CERT', hidden: true },
  'client-key': { kind: 'string', env: 'VAULT_CLIENT_KEY', hidden: true },
  namespace: { kind: 'string', env: 'VAULT_NAMESPACE', aliases: ['ns'], hidden: true },
  'tls-server-name': { kind: 'string', env: 'VAULT_TLS_SERVER_NAME', hidden: true },
  'tls-skip-verify': { kind: 'bool', env: 'VAULT_SKIP_VERIFY', hidden: true },
  'wrap-ttl': {
    kind: 'duration',
    env: 'VAULT_WRAP_TTL',
    usage: 'Wraps the response in a cubbyhole token with the requested TTL.',
  },
  'policy-override': { kind: 'bool', hidden: true },
  mfa: { kind: 'strings', hidden: true },
  'output-curl-string': {
    kind: 'bool',
    usage: 'Instead of executing the request, print an equivalent cURL command string and exit.',
  },
  'output-policy': {
    kind: 'bool',
    usage:
      'Instead of executing the request, print an example HCL policy that would be required to run this command, and exit.',
  },
  'unlock-key': { kind: 'string', hidden: true },
  header: { kind: 'map', hidden: true },
  'non-interactive': { kind: 'bool', usage: 'When set true, prevents asking the user for input via the terminal.' },
  'disable-redirects': { kind: 'bool', hidden: true },
};

export const OUTPUT_FLAGS: FlagSpecs = {
  format: {
    kind: 'string',
    default: 'table',
    env: 'VAULT_FORMAT',
    usage: 'Print the output in the given format. Valid formats are "table", "json", "yaml", or "pretty".',
  },
  field: { kind: 'string', usage: 'Print only the field with the given name.' },
};

function parseBool(v: string): boolean | undefined {
  const s = v.toLowerCase();
  if (['1', 't', 'true'].includes(s)) return true;
  if (['0', 'f', 'false'].includes(s)) return false;
  return undefined;
}

/**
 * Parses argv against the specs.
 * @throws UsageError with Go's flag-package wording for unknown or malformed flags.
 */
export function parseFlags(argv: string[], specs: FlagSpecs, env: Record<string, string | undefined>): Parsed {
  const byName = new Map<string, [string, FlagSpec]>();
  for (const [n, s] of Object.entries(specs)) {
    byName.set(n, [n, s]);
    for (const a of s.aliases ?? []) byName.set(a, [n, s]);
  }
  const flags: Record<string, unknown> = {};
  const set = new Set<string>();
  for (const [n, s] of Object.entries(specs)) {
    let def = s.default;
    if (s.env && env[s.env] !== undefined && env[s.env] !== '')
      def = s.kind === 'bool' ? (parseBool(env[s.env]!) ?? def) : env[s.env];
    flags[n] =
      def ??
      (s.kind === 'bool'
        ? false
        : s.kind === 'strings'
          ? []
          : s.kind === 'map'
            ? {}
            : s.kind === 'int'
              ? undefined
              : undefined);
  }
  const args: string[] = [];
  const accumulated = new Set<string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const found = byName.get(name);
    if (!found) {
      if (name === 'h' || name === 'help') throw new HelpRequested();
      throw new UsageError(`flag provided but not defined: -${name}`);
    }
    const [canon, spec] = found;
    let value: string | undefined = eq === -1 ? undefined : body.slice(eq + 1);
    if (spec.kind === 'bool') {
      if (value === undefined) {
        flags[canon] = true;
        set.add(canon);
        continue;
      }
      const b = parseBool(value);
      if (b === undefined) throw new UsageError(`invalid boolean value "${value}" for -${name}: parse error`);
      flags[canon] = b;
      set.add(canon);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      value = argv[++i];
    }
    set.add(canon);
    switch (spec.kind) {
      case 'int': {
        if (!/^-?\d+$/.test(value)) throw new UsageError(`invalid value "${value}" for flag -${name}: parse error`);
        flags[canon] = parseInt(value, 10);
        break;
      }
      case 'strings': {
        // Repeated list flags accumulate; the first use replaces the default.
        const prev = accumulated.has(canon) ? (flags[canon] as string[]) : [];
        accumulated.add(canon);
        flags[canon] = [
          ...prev,
          ...value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ];
        break;
      }
      case 'map': {
        const m = { ...((flags[canon] as Record<string, string>) ?? {}) };
        const k = value.indexOf('=');
        if (k <= 0) throw new UsageError(`invalid value "${value}" for flag -${name}: expected key=value`);
        m[value.slice(0, k)] = value.slice(k + 1);
        flags[canon] = m;
        break;
      }
      case 'duration': {
        if (!/^\d+$/.test(value) && !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d))+$/.test(value))
          throw new UsageError(`invalid value "${value}" for flag -${name}: time: invalid duration "${value}"`);
        flags[canon] = value;
        break;
      }
      default:
        flags[canon] = value;
    }
  }
  const rest = argv.slice(i);
  const warnings: string[] = [];
  // Global flags may follow the arguments (newer Vault accepts them anywhere); any other
  // dash-argument after a positional one stays an argument, with Vault's warning.
  const positional: string[] = [];
  const trailing: string[] = [];
  for (let j = 0; j < rest.length; j++) {
    const a = rest[j];
    const name = a.replace(/^--?/, '').split('=')[0];
    if (/^--?[A-Za-z]/.test(a) && GLOBAL_NAMES.has(name) && byName.has(name)) {
      const spec = byName.get(name)![1];
      const takesValue = spec.kind !== 'bool' && !a.includes('=');
      const sub = takesValue && j + 1 < rest.length ? [a, rest[++j]] : [a];
      const parsed = parseFlags(sub, { [byName.get(name)![0]]: spec }, {});
      for (const k of parsed.set) {
        flags[k] = parsed.flags[k];
        set.add(k);
      }
      continue;
    }
    if (a.startsWith('-') && a !== '-' && positional.length) trailing.push(a);
    positional.push(a);
  }
  if (trailing.length) {
    warnings.push(
      `Command flags must be provided before positional arguments. The following arguments will not be parsed as flags: [${trailing.join(',')}]`,
    );
  }
  args.push(...positional);
  return { flags, set, args, warnings };
}

export class HelpRequested extends Error {}

/** Flags Vault accepts after positional arguments too. */
const GLOBAL_NAMES = new Set([
  'address',
  'agent-address',
  'ca-cert',
  'ca-path',
  'client-cert',
  'client-key',
  'namespace',
  'ns',
  'tls-server-name',
  'tls-skip-verify',
  'wrap-ttl',
  'policy-override',
  'mfa',
  'output-curl-string',
  'output-policy',
  'unlock-key',
  'header',
  'non-interactive',
  'disable-redirects',
  'format',
]);
