/** Mount flags and tables shared by `vault secrets …` (sys/mounts) and `vault auth …` (sys/auth). */
import type { CommandContext } from '../command.js';
import type { FlagSpecs } from '../flags.js';
import { columnsOf } from '../format.js';

/** `Not enough arguments` / `Too many arguments` unless exactly one positional argument was given. */
export const oneArg = (ctx: CommandContext): number | undefined => {
  if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
  if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
  return undefined;
};

/** The `options` object of an enable/tune request: `-options` pairs plus `-version`. */
export function mountOptions(ctx: CommandContext): Record<string, string> | undefined {
  const o = { ...(ctx.flags.options as Record<string, string>) };
  if ((ctx.flags.version as number) > 0) o.version = String(ctx.flags.version);
  return Object.keys(o).length ? o : undefined;
}

/** `vault secrets list` and `vault auth list`: the mount table as a table, or as data. */
export async function listMounts(ctx: CommandContext, kind: 'secrets' | 'auth'): Promise<number> {
  if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
  let r;
  try {
    r = await ctx.client().request('GET', kind === 'secrets' ? 'sys/mounts' : 'sys/auth');
  } catch (e) {
    return ctx.fail(kind === 'secrets' ? 'Error listing secrets engines' : 'Error listing enabled authentications', e);
  }
  const mounts = mountsOf(r.body);
  if (ctx.format() !== 'table') return ctx.outputData(mounts);
  ctx.io.stdout(mountsTable(mounts, !!ctx.flags.detailed, kind));
  return 0;
}

/** What the two tables call their mounts, in messages. */
const NOUN = { secrets: 'secrets engine', auth: 'auth method' } as const;

/** `vault secrets enable TYPE` and `vault auth enable TYPE`: mount at `-path` (default: the type). */
export async function enableMount(ctx: CommandContext, kind: 'secrets' | 'auth'): Promise<number> {
  const bad = oneArg(ctx);
  if (bad !== undefined) return bad;
  const type = ctx.args[0].trim();
  const mountPath = slashed(String(ctx.flags.path || type));
  const body: Record<string, unknown> = {
    type,
    description: ctx.flags.description ?? '',
    config: mountConfig(ctx),
    local: ctx.flags.local,
    seal_wrap: ctx.flags['seal-wrap'],
  };
  if (kind === 'secrets') body.external_entropy_access = ctx.flags['external-entropy-access'];
  const opts = mountOptions(ctx);
  if (opts) body.options = opts;
  try {
    await ctx.client().request('POST', `${kind === 'secrets' ? 'sys/mounts' : 'sys/auth'}/${mountPath}`, body);
  } catch (e) {
    return ctx.fail(kind === 'secrets' ? 'Error enabling' : `Error enabling ${type} auth`, e);
  }
  const thing = type === 'plugin' ? String(ctx.flags['plugin-name'] || type) : type;
  ctx.io.stdout(
    kind === 'secrets'
      ? `Success! Enabled the ${thing} secrets engine at: ${mountPath}\n`
      : `Success! Enabled ${thing} auth method at: ${mountPath}\n`,
  );
  return 0;
}

/** `vault secrets tune PATH` and `vault auth tune PATH`: only the flags that were set change. */
export async function tuneMount(ctx: CommandContext, kind: 'secrets' | 'auth'): Promise<number> {
  const bad = oneArg(ctx);
  if (bad !== undefined) return bad;
  const p = slashed(ctx.args[0]);
  const body: Record<string, unknown> = mountConfig(ctx);
  if (ctx.set.has('description')) body.description = ctx.flags.description;
  const opts = mountOptions(ctx);
  if (opts) body.options = opts;
  try {
    await ctx.client().request('POST', `sys/mounts/${kind === 'auth' ? 'auth/' : ''}${p}tune`, body);
  } catch (e) {
    return ctx.fail(`Error tuning ${NOUN[kind]} ${p}`, e);
  }
  ctx.io.stdout(`Success! Tuned the ${NOUN[kind]} at: ${p}\n`);
  return 0;
}

export const slashed = (p: string) => {
  const s = p.replace(/^\/+/, '').replace(/\/+$/, '');
  return s ? s + '/' : '';
};

/** Mount-tuning flags shared by enable and tune, secrets and auth. */
export const mountConfigFlags: FlagSpecs = {
  description: { kind: 'string', usage: 'Human-friendly description of the mount.' },
  'default-lease-ttl': { kind: 'duration', usage: 'The default lease TTL for this mount.' },
  'max-lease-ttl': { kind: 'duration', usage: 'The maximum lease TTL for this mount.' },
  'audit-non-hmac-request-keys': { kind: 'strings', usage: "Request keys not HMAC'd by audit devices." },
  'audit-non-hmac-response-keys': { kind: 'strings', usage: "Response keys not HMAC'd by audit devices." },
  'listing-visibility': {
    kind: 'string',
    usage: 'Whether to show this mount in the UI-specific listing endpoint ("unauth" or "hidden").',
  },
  'passthrough-request-headers': { kind: 'strings', usage: 'Request headers passed to the backend.' },
  'allowed-response-headers': { kind: 'strings', usage: 'Response headers the backend may set.' },
  options: { kind: 'map', usage: 'Key-value pair provided as key=value for the mount options; may be repeated.' },
  'plugin-version': { kind: 'string', hidden: true },
};

/** The `config` object of an enable/tune request from the flags that were set. */
export function mountConfig(ctx: CommandContext): Record<string, unknown> {
  const f = ctx.flags;
  const c: Record<string, unknown> = {};
  if (f['default-lease-ttl']) c.default_lease_ttl = f['default-lease-ttl'];
  if (f['max-lease-ttl']) c.max_lease_ttl = f['max-lease-ttl'];
  if (ctx.set.has('force-no-cache')) c.force_no_cache = f['force-no-cache'];
  for (const [flag, key] of [
    ['audit-non-hmac-request-keys', 'audit_non_hmac_request_keys'],
    ['audit-non-hmac-response-keys', 'audit_non_hmac_response_keys'],
    ['passthrough-request-headers', 'passthrough_request_headers'],
    ['allowed-response-headers', 'allowed_response_headers'],
  ]) {
    if ((f[flag] as string[]).length) c[key] = f[flag];
  }
  if (f['listing-visibility']) c.listing_visibility = f['listing-visibility'];
  if (f['token-type']) c.token_type = f['token-type'];
  return c;
}

type Mounts = Record<string, Record<string, unknown>>;

/** The `sys/mounts` / `sys/auth` map (top-level injected or under `data`). */
export function mountsOf(body: Record<string, unknown> | null): Mounts {
  const data = (body?.data as Mounts | undefined) ?? {};
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v && typeof v === 'object'));
}

const ttlCell = (type: string, ttl: unknown) =>
  type === 'system' || type === 'cubbyhole' ? '' : Number(ttl) ? String(ttl) : 'system';

const optionsCell = (o: unknown) =>
  o && typeof o === 'object'
    ? `map[${Object.keys(o)
        .sort()
        .map((k) => `${k}:${(o as Record<string, unknown>)[k]}`)
        .join(' ')}]`
    : 'map[]';

/** The table `vault secrets list` / `vault auth list` prints (simple or -detailed). */
export function mountsTable(mounts: Mounts, detailed: boolean, kind: 'secrets' | 'auth'): string {
  const paths = Object.keys(mounts).sort();
  if (!detailed) {
    return columnsOf(
      ['Path', 'Type', 'Accessor', 'Description'],
      paths.map((p) => [
        p,
        String(mounts[p].type),
        String(mounts[p].accessor ?? ''),
        String(mounts[p].description ?? ''),
      ]),
    );
  }
  const head = [
    'Path',
    'Plugin',
    'Accessor',
    'Default TTL',
    'Max TTL',
    kind === 'secrets' ? 'Force No Cache' : 'Token Type',
    'Replication',
    'Seal Wrap',
    'External Entropy Access',
    'Options',
    'Description',
    'UUID',
    'Version',
    'Running Version',
    'Running SHA256',
    'Deprecation Status',
  ];
  const rows = paths.map((p) => {
    const m = mounts[p];
    const cfg = (m.config as Record<string, unknown>) ?? {};
    const type = String(m.type);
    return [
      p,
      type,
      String(m.accessor ?? ''),
      ttlCell(type, cfg.default_lease_ttl),
      ttlCell(type, cfg.max_lease_ttl),
      kind === 'secrets' ? String(cfg.force_no_cache ?? false) : String(cfg.token_type ?? ''),
      m.local ? 'local' : 'replicated',
      String(m.seal_wrap ?? false),
      String(m.external_entropy_access ?? false),
      optionsCell(m.options),
      String(m.description ?? ''),
      String(m.uuid ?? ''),
      String(m.plugin_version ?? ''),
      String(m.running_plugin_version ?? ''),
      String(m.running_sha256 ?? ''),
      String(m.deprecation_status ?? ''),
    ];
  });
  return columnsOf(head, rows);
}
