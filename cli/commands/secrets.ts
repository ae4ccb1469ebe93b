/** `vault secrets enable | disable | list | tune | move` over `sys/mounts` and `sys/remount`. */
import type { Command, CommandContext } from '../command.js';
import type { FlagSpecs } from '../flags.js';
import { ApiError } from '../client.js';
import { columnsOf } from '../format.js';

export const slashed = (p: string) => { const s = p.replace(/^\/+/, '').replace(/\/+$/, ''); return s ? s + '/' : ''; };

/** Mount-tuning flags shared by enable and tune, secrets and auth. */
export const mountConfigFlags: FlagSpecs = {
  description: { kind: 'string', usage: 'Human-friendly description of the mount.' },
  'default-lease-ttl': { kind: 'duration', usage: 'The default lease TTL for this mount.' },
  'max-lease-ttl': { kind: 'duration', usage: 'The maximum lease TTL for this mount.' },
  'audit-non-hmac-request-keys': { kind: 'strings', usage: 'Request keys not HMAC\'d by audit devices.' },
  'audit-non-hmac-response-keys': { kind: 'strings', usage: 'Response keys not HMAC\'d by audit devices.' },
  'listing-visibility': { kind: 'string', usage: 'Whether to show this mount in the UI-specific listing endpoint ("unauth" or "hidden").' },
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
  for (const [flag, key] of [['audit-non-hmac-request-keys', 'audit_non_hmac_request_keys'], ['audit-non-hmac-response-keys', 'audit_non_hmac_response_keys'], ['passthrough-request-headers', 'passthrough_request_headers'], ['allowed-response-headers', 'allowed_response_headers']]) {
    if ((f[flag] as string[]).length) c[key] = f[flag];
  }
  if (f['listing-visibility']) c.listing_visibility = f['listing-visibility'];
  if (f['token-type']) c.token_type = f['token-type'];
  return c;
}

function options(ctx: CommandContext): Record<string, string> | undefined {
  const o = { ...(ctx.flags.options as Record<string, string>) };
  if ((ctx.flags.version as number) > 0) o.version = String(ctx.flags.version);
  return Object.keys(o).length ? o : undefined;
}

const oneArg = (ctx: CommandContext): number | undefined => {
  if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
  if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
  return undefined;
};

export const secretsEnable: Command = {
  name: 'secrets enable',
  synopsis: 'Enable a secrets engine',
  help: `Usage: vault secrets enable [options] TYPE

  Enables a secrets engine. By default, secrets engines are enabled at the path
  corresponding to their TYPE, but users can customize the path using the
  -path option.

  Once enabled, Vault will route all requests which begin with the path to the
  secrets engine.

  Enable the AWS secrets engine at aws/:

      $ vault secrets enable aws

  Enable the SSH secrets engine at ssh-prod/:

      $ vault secrets enable -path=ssh-prod ssh

  Enable the database secrets engine with an explicit maximum TTL of 30m:

      $ vault secrets enable -max-lease-ttl=30m database

  Enable a second KV engine, version 2, at team-a/:

      $ vault secrets enable -path=team-a -version=2 kv

Command Options:

  -default-lease-ttl=<duration>   The default lease TTL for this secrets engine.
  -description=<string>           Human-friendly description for the purpose of
                                  this engine.
  -max-lease-ttl=<duration>       The maximum lease TTL for this secrets engine.
  -options=<key=value>            Key-value pair provided as key=value for the
                                  mount options. This can be specified multiple
                                  times.
  -path=<string>                  Place where the secrets engine will be
                                  accessible. This must be unique cross all
                                  secrets engines. The default is the TYPE.
  -version=<int>                  Select the version of the engine to run (KV).`,
  flags: {
    ...mountConfigFlags,
    path: { kind: 'string' },
    'force-no-cache': { kind: 'bool' },
    local: { kind: 'bool' },
    'seal-wrap': { kind: 'bool' },
    'external-entropy-access': { kind: 'bool' },
    'plugin-name': { kind: 'string', hidden: true },
    version: { kind: 'int', default: 0 },
  },
  async run(ctx) {
    const bad = oneArg(ctx); if (bad !== undefined) return bad;
    const type = ctx.args[0].trim();
    const mountPath = slashed(String(ctx.flags.path || type));
    const body: Record<string, unknown> = { type, description: ctx.flags.description ?? '', config: mountConfig(ctx), local: ctx.flags.local, seal_wrap: ctx.flags['seal-wrap'], external_entropy_access: ctx.flags['external-entropy-access'] };
    const opts = options(ctx);
    if (opts) body.options = opts;
    try { await ctx.client().request('POST', `sys/mounts/${mountPath}`, body); } catch (e) { return ctx.fail('Error enabling', e); }
    const thing = type === 'plugin' ? String(ctx.flags['plugin-name'] || type) : type;
    ctx.io.stdout(`Success! Enabled the ${thing} secrets engine at: ${mountPath}\n`);
    return 0;
  },
};

export const secretsDisable: Command = {
  name: 'secrets disable',
  synopsis: 'Disable a secret engine',
  help: `Usage: vault secrets disable [options] PATH

  Disables a secrets engine at the given PATH. The argument corresponds to
  the enabled PATH of the engine, not the TYPE! All secrets created by this
  engine are revoked and its Vault data is removed.

  Disable the secrets engine enabled at aws/:

      $ vault secrets disable aws/`,
  async run(ctx) {
    const bad = oneArg(ctx); if (bad !== undefined) return bad;
    const p = slashed(ctx.args[0]);
    try { await ctx.client().request('DELETE', `sys/mounts/${p}`); } catch (e) { return ctx.fail(`Error disabling secrets engine at ${p}`, e); }
    ctx.io.stdout(`Success! Disabled the secrets engine (if it existed) at: ${p}\n`);
    return 0;
  },
};

type Mounts = Record<string, Record<string, unknown>>;

/** The `sys/mounts` / `sys/auth` map (top-level injected or under `data`). */
export function mountsOf(body: Record<string, unknown> | null): Mounts {
  const data = (body?.data as Mounts | undefined) ?? {};
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v && typeof v === 'object'));
}

const ttlCell = (type: string, ttl: unknown) => (type === 'system' || type === 'cubbyhole' ? '' : Number(ttl) ? String(ttl) : 'system');
const optionsCell = (o: unknown) => (o && typeof o === 'object' ? `map[${Object.keys(o).sort().map((k) => `${k}:${(o as Record<string, unknown>)[k]}`).join(' ')}]` : 'map[]');

/** The table `vault secrets list` / `vault auth list` prints (simple or -detailed). */
export function mountsTable(mounts: Mounts, detailed: boolean, kind: 'secrets' | 'auth'): string {
  const paths = Object.keys(mounts).sort();
  if (!detailed) {
    return columnsOf(['Path', 'Type', 'Accessor', 'Description'], paths.map((p) => [p, String(mounts[p].type), String(mounts[p].accessor ?? ''), String(mounts[p].description ?? '')]));
  }
  const head = kind === 'secrets'
    ? ['Path', 'Plugin', 'Accessor', 'Default TTL', 'Max TTL', 'Force No Cache', 'Replication', 'Seal Wrap', 'External Entropy Access', 'Options', 'Description', 'UUID', 'Version', 'Running Version', 'Running SHA256', 'Deprecation Status']
    : ['Path', 'Plugin', 'Accessor', 'Default TTL', 'Max TTL', 'Token Type', 'Replication', 'Seal Wrap', 'External Entropy Access', 'Options', 'Description', 'UUID', 'Version', 'Running Version', 'Running SHA256', 'Deprecation Status'];
  const rows = paths.map((p) => {
    const m = mounts[p];
    const cfg = (m.config as Record<string, unknown>) ?? {};
    const type = String(m.type);
    return [
      p, type, String(m.accessor ?? ''), ttlCell(type, cfg.default_lease_ttl), ttlCell(type, cfg.max_lease_ttl),
      kind === 'secrets' ? String(cfg.force_no_cache ?? false) : String(cfg.token_type ?? ''),
      m.local ? 'local' : 'replicated', String(m.seal_wrap ?? false), String(m.external_entropy_access ?? false),
      optionsCell(m.options), String(m.description ?? ''), String(m.uuid ?? ''), String(m.plugin_version ?? ''),
      String(m.running_plugin_version ?? ''), String(m.running_sha256 ?? ''), String(m.deprecation_status ?? ''),
    ];
  });
  return columnsOf(head, rows);
}

export const secretsList: Command = {
  name: 'secrets list',
  synopsis: 'List enabled secrets engines',
  help: `Usage: vault secrets list [options]

  Lists the enabled secret engines on the Vault server. This command also
  outputs information about the enabled path including configured TTLs and
  human-friendly descriptions. A TTL of "system" indicates that the system
  default is in use.

  List all enabled secrets engines:

      $ vault secrets list

  List all enabled secrets engines with detailed output:

      $ vault secrets list -detailed

Command Options:

  -detailed    Print detailed information such as TTLs and replication status
               about each secrets engine.`,
  output: true,
  flags: { detailed: { kind: 'bool' } },
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    let r;
    try { r = await ctx.client().request('GET', 'sys/mounts'); } catch (e) { return ctx.fail('Error listing secrets engines', e); }
    const mounts = mountsOf(r.body);
    if (ctx.format() !== 'table') return ctx.outputData(mounts);
    ctx.io.stdout(mountsTable(mounts, !!ctx.flags.detailed, 'secrets'));
    return 0;
  },
};

export const secretsTune: Command = {
  name: 'secrets tune',
  synopsis: 'Tune a secrets engine configuration',
  help: `Usage: vault secrets tune [options] PATH

  Tunes the configuration options for the secrets engine at the given PATH.
  The argument corresponds to the PATH where the secrets engine is enabled,
  not the TYPE!

  Tune the default lease for the PKI secrets engine:

      $ vault secrets tune -default-lease-ttl=72h pki/

Command Options:

  -default-lease-ttl=<duration>   The default lease TTL for this secrets engine
                                  ("system" resets it).
  -description=<string>           Human-friendly description of the engine.
  -max-lease-ttl=<duration>       The maximum lease TTL for this secrets engine.
  -options=<key=value>            Mount options; may be repeated.
  -version=<int>                  Select the version of the engine (KV: 2 upgrades).`,
  flags: { ...mountConfigFlags, 'default-lease-ttl': { kind: 'string' }, 'max-lease-ttl': { kind: 'string' }, version: { kind: 'int', default: 0 } },
  async run(ctx) {
    const bad = oneArg(ctx); if (bad !== undefined) return bad;
    const p = slashed(ctx.args[0]);
    const body: Record<string, unknown> = mountConfig(ctx);
    if (ctx.set.has('description')) body.description = ctx.flags.description;
    const opts = options(ctx);
    if (opts) body.options = opts;
    try { await ctx.client().request('POST', `sys/mounts/${p}tune`, body); } catch (e) { return ctx.fail(`Error tuning secrets engine ${p}`, e); }
    ctx.io.stdout(`Success! Tuned the secrets engine at: ${p}\n`);
    return 0;
  },
};

export const secretsMove: Command = {
  name: 'secrets move',
  synopsis: 'Move a secrets engine to a new path',
  help: `Usage: vault secrets move [options] SOURCE DESTINATION

  Moves an existing secrets engine to a new path. Any leases from the old
  secrets engine are revoked, but all configuration associated with the engine
  is preserved.

  Move the existing secrets engine at secret/ to generic/:

      $ vault secrets move secret/ generic/`,
  async run(ctx) {
    if (ctx.args.length < 2) return ctx.error(`Not enough arguments (expected 2, got ${ctx.args.length})`);
    if (ctx.args.length > 2) return ctx.error(`Too many arguments (expected 2, got ${ctx.args.length})`);
    const [from, to] = ctx.args.map(slashed);
    const c = ctx.client();
    let r;
    try { r = await c.request('POST', 'sys/remount', { from, to }); } catch (e) { return ctx.fail(`Error moving secrets engine ${from} to ${to}`, e); }
    const id = String(((r.body?.data as Record<string, unknown> | undefined)?.migration_id ?? r.body?.migration_id) ?? '');
    ctx.io.stdout(`Started moving secrets engine ${from} to ${to}, with migration ID ${id}\n`);
    for (let i = 0; i < 600; i++) {
      let status = 'success';
      try {
        const s = await c.request('GET', `sys/remount/status/${id}`);
        const info = ((s.body?.data as Record<string, unknown> | undefined)?.migration_info ?? {}) as Record<string, unknown>;
        status = String(info.status ?? 'success');
      } catch (e) {
        // Our engine moves a mount before answering sys/remount, so a server without the
        // status endpoint has already finished.
        if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 405)) return ctx.fail(`Error checking migration status of secrets engine ${from} to ${to}`, e);
      }
      if (status === 'success') { ctx.io.stdout(`Success! Finished moving secrets engine ${from} to ${to}, with migration ID ${id}\n`); return 0; }
      if (status === 'failure') { ctx.io.stderr(`Failure! Error encountered moving secrets engine ${from} to ${to}, with migration ID ${id}\n`); return 2; }
      await new Promise((res) => setTimeout(res, 200));
    }
    ctx.io.stderr(`Timed out waiting for the move of ${from} to ${to} (migration ID ${id})\n`);
    return 2;
  },
};
