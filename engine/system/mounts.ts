/** sys/mounts, sys/auth, sys/remount, sys/internal/ui/mounts, sys/mounts-all. */
import type { PathDef } from '../framework/backend.js';
import type { FieldData, FieldSchema } from '../framework/fields.js';
import type { SystemHost } from '../sdk/system-host.js';
import type { MountEntry } from '../sdk/system-view.js';
import { parseDuration } from '../sdk/duration.js';
import { userError, VaultError } from '../sdk/errors.js';

const KV_VERSIONS: Record<string, string> = { 'kv-v2': '2', 'kv-v1': '1' };

/** The mount object as `GET sys/mounts` shows it. */
export function mountJSON(host: SystemHost, e: MountEntry): Record<string, unknown> {
  const builtin = e.type === 'kv' ? 'v0.17.0+builtin' : `v${host.version}+builtin.vault`;
  return {
    accessor: e.accessor,
    config: {
      default_lease_ttl: e.config.default_lease_ttl,
      max_lease_ttl: e.config.max_lease_ttl,
      force_no_cache: e.config.force_no_cache,
      ...(e.table === 'auth' ? { token_type: e.config.token_type ?? 'default-service' } : {}),
      ...pickList(e.config),
    },
    description: e.description,
    external_entropy_access: false,
    local: e.local,
    options: e.options,
    plugin_version: '',
    running_plugin_version: builtin,
    running_sha256: '',
    seal_wrap: e.seal_wrap,
    type: e.type,
    uuid: e.uuid,
    ...(['kv', 'transit', 'pki', 'database', 'userpass', 'approle', 'kubernetes'].includes(e.type)
      ? { deprecation_status: 'supported' }
      : {}),
  };
}

function pickList(c: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const k of [
    'audit_non_hmac_request_keys',
    'audit_non_hmac_response_keys',
    'listing_visibility',
    'passthrough_request_headers',
    'allowed_response_headers',
  ])
    if (c[k] !== undefined) out[k] = c[k];
  return out;
}

/**
 * A TTL from a mount's config: "" and "system" mean the system value. Vault words a bad one
 * differently on enable ("unable to parse default TTL of …") and on tune (Go's error alone).
 */
function ttlOf(v: unknown, label: string | null): number {
  if (v === undefined || v === null || v === '' || v === 'system') return 0;
  try {
    return parseDuration(v as string);
  } catch {
    const goErr = `time: invalid duration "${String(v)}"`;
    throw userError(label ? `unable to parse ${label} of ${String(v)}: ${goErr}` : goErr);
  }
}

function configFrom(raw: Record<string, unknown> | undefined, on: 'enable' | 'tune'): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (!raw) return c;
  const enabling = on === 'enable';
  if ('default_lease_ttl' in raw) c.default_lease_ttl = ttlOf(raw.default_lease_ttl, enabling ? 'default TTL' : null);
  if ('max_lease_ttl' in raw) c.max_lease_ttl = ttlOf(raw.max_lease_ttl, enabling ? 'max TTL' : null);
  if ('force_no_cache' in raw) c.force_no_cache = raw.force_no_cache === true || raw.force_no_cache === 'true';
  for (const k of [
    'audit_non_hmac_request_keys',
    'audit_non_hmac_response_keys',
    'listing_visibility',
    'passthrough_request_headers',
    'allowed_response_headers',
    'token_type',
    'user_lockout_config',
  ])
    if (k in raw) c[k] = raw[k];
  if (c.default_lease_ttl && c.max_lease_ttl && (c.default_lease_ttl as number) > (c.max_lease_ttl as number))
    throw userError('given default lease TTL greater than given max lease TTL');
  return c;
}

function normalizeType(
  type: string,
  options: Record<string, string> | null,
): { type: string; options: Record<string, string> | null } {
  if (type in KV_VERSIONS) return { type: 'kv', options: { ...(options ?? {}), version: KV_VERSIONS[type] } };
  if (type === 'generic') return { type: 'kv', options };
  if (type === 'kv') return { type, options: { version: '1', ...(options ?? {}) } };
  return { type, options };
}

function tuneJSON(host: SystemHost, e: MountEntry) {
  const t = host.mountTTLs(e);
  const out: Record<string, unknown> = {
    default_lease_ttl: t.defaultTTL,
    max_lease_ttl: t.maxTTL,
    force_no_cache: e.config.force_no_cache,
    description: e.description,
    options: e.options,
    ...pickList(e.config),
  };
  if (e.table === 'auth') out.token_type = e.config.token_type ?? 'default-service';
  return out;
}

async function doTune(host: SystemHost, prefix: string, d: Record<string, unknown>) {
  const e = host.getMount(prefix);
  if (!e) throw userError(`cannot fetch mount entry for path "${prefix}"`);
  const config = configFrom(d, 'tune');
  const next = { ...e.config, ...config };
  if (
    next.default_lease_ttl &&
    next.max_lease_ttl &&
    (next.default_lease_ttl as number) > (next.max_lease_ttl as number)
  )
    throw userError('given default lease TTL greater than given max lease TTL');
  let options = d.options as Record<string, string> | undefined;
  if (options && typeof options === 'object') {
    if (options.version !== undefined && e.type !== 'kv')
      throw userError(`secrets engine "${e.type}" does not allow setting a version`);
    if (options.version !== undefined && e.options?.version === '2' && String(options.version) === '1')
      throw userError('cannot downgrade mount from version 2');
    options = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)]));
  } else options = undefined;
  await host.tune(prefix, {
    description: typeof d.description === 'string' ? d.description : undefined,
    config: config as Partial<MountEntry['config']>,
    options,
  });
}

/** The body of an enable (sys/mounts/:path, sys/auth/:path), typed as Vault declares it. */
const ENABLE_FIELDS: Record<string, FieldSchema> = {
  type: { type: 'string', description: 'The type of the backend, e.g. "kv" or "userpass".' },
  description: { type: 'string', description: 'User-friendly description for this mount.' },
  config: { type: 'map', description: 'Configuration for this mount, such as default_lease_ttl.' },
  local: { type: 'bool', default: false, description: 'Mark the mount as a local mount.' },
  seal_wrap: { type: 'bool', default: false, description: 'Whether to turn on seal wrapping.' },
  external_entropy_access: { type: 'bool', default: false, description: 'Whether to give access to entropy.' },
  options: { type: 'kvpairs', description: 'The options to pass into the backend, e.g. version=2.' },
  plugin_name: { type: 'string', description: 'Name of the plugin (the type is used when empty).' },
  plugin_version: { type: 'string', description: 'The semantic version of the plugin to use.' },
};

export function mountPaths(host: SystemHost): PathDef[] {
  const migrations = new Map<string, { source_mount: string; target_mount: string; status: string }>();
  const enable = (table: 'mounts' | 'auth') => async (req: { params: Record<string, string> }, d: FieldData) => {
    const rawType = d.get<string>('type');
    if (!rawType) throw userError('backend type must be specified as a string');
    if (table === 'auth' && rawType === 'token') throw userError('token credential backend cannot be instantiated');
    const given = d.has('options') ? d.get<Record<string, string>>('options') : null;
    const { type, options } = normalizeType(rawType, given);
    if (table === 'mounts' && options?.version && type !== 'kv')
      throw userError(`secrets engine "${type}" does not allow setting a version`);
    await host.mount({
      path: req.params.path,
      type,
      table,
      description: d.get<string>('description'),
      config: configFrom(d.get<Record<string, unknown>>('config'), 'enable') as MountEntry['config'],
      options: options ? Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)])) : null,
      local: d.get<boolean>('local'),
      seal_wrap: d.get<boolean>('seal_wrap'),
    });
  };
  const list = (table: 'mounts' | 'auth') => () => {
    const data: Record<string, unknown> = {};
    for (const e of host.mountTable(table)) data[e.path] = mountJSON(host, e);
    return { data };
  };
  return [
    {
      pattern: 'mounts',
      injectTopLevel: true,
      synopsis: 'List the currently mounted backends.',
      operations: { read: list('mounts') },
    },
    {
      pattern: 'mounts/(?<path>.+?)/tune/?',
      injectTopLevel: true,
      synopsis: 'Tune backend configuration parameters for this mount.',
      operations: {
        read: (req) => {
          const e = host.getMount(norm(req.params.path));
          if (!e) throw userError(`cannot fetch mount entry for path "${norm(req.params.path)}"`);
          return { data: tuneJSON(host, e) };
        },
        update: async (req) => {
          await doTune(host, norm(req.params.path), req.data);
        },
      },
    },
    {
      pattern: 'mounts/(?<path>.+)',
      injectTopLevel: true,
      fields: ENABLE_FIELDS,
      synopsis: 'Mount a new backend at a new path.',
      operations: {
        read: (req) => {
          const e = host.getMount(norm(req.params.path));
          if (!e) throw userError(`No secret engine mount at ${norm(req.params.path)}`);
          return { data: mountJSON(host, e) };
        },
        update: enable('mounts'),
        delete: async (req) => host.unmount('mounts', req.params.path),
      },
    },
    {
      pattern: 'auth',
      injectTopLevel: true,
      synopsis: 'List the currently enabled credential backends.',
      operations: { read: list('auth') },
    },
    {
      pattern: 'auth/(?<path>.+?)/tune/?',
      injectTopLevel: true,
      operations: {
        read: (req) => {
          const p = 'auth/' + norm(req.params.path);
          const e = host.getMount(p);
          if (!e) throw userError(`cannot fetch mount entry for path "${p}"`);
          return { data: tuneJSON(host, e) };
        },
        update: async (req) => doTune(host, 'auth/' + norm(req.params.path), req.data),
      },
    },
    {
      pattern: 'auth/(?<path>.+)',
      injectTopLevel: true,
      fields: ENABLE_FIELDS,
      synopsis: 'Enable a new credential backend with a name.',
      operations: {
        read: (req) => {
          const e = host.getMount('auth/' + norm(req.params.path));
          if (!e) throw userError(`No auth engine at ${norm(req.params.path)}`);
          return { data: mountJSON(host, e) };
        },
        update: enable('auth'),
        delete: async (req) => {
          if (norm(req.params.path) === 'token/') throw userError('token credential backend cannot be disabled');
          await host.unmount('auth', req.params.path);
        },
      },
    },
    {
      pattern: 'remount',
      injectTopLevel: true,
      fields: {
        from: { type: 'string', required: true, description: 'The path of the mount to move.' },
        to: { type: 'string', required: true, description: 'The new path of the mount.' },
      },
      synopsis: 'Move the mount point of an already-mounted backend.',
      operations: {
        update: async (_req, d) => {
          const from = d.get<string>('from'),
            to = d.get<string>('to');
          await host.remount(from, to);
          // The move is done by the time we answer; the status endpoint reports it as finished.
          const id = crypto.randomUUID();
          migrations.set(id, { source_mount: norm(from), target_mount: norm(to), status: 'success' });
          return { data: { migration_id: id } };
        },
      },
    },
    {
      pattern: 'remount/status/(?<id>.+)',
      synopsis: 'Check the status of a mount move.',
      operations: {
        read: (req) => {
          const info = migrations.get(req.params.id);
          if (!info) throw userError(`Did not find migration info for migration ID "${req.params.id}"`);
          return { data: { migration_id: req.params.id, migration_info: info } };
        },
      },
    },
    {
      pattern: '(?:internal/ui/mounts|mounts-all)/(?<path>.+)',
      synopsis: 'Information about one mount, for clients that need its type and version.',
      operations: {
        read: async (req) => {
          const path = req.params.path.replace(/^\/+/, '');
          if (!path) throw userError('path not set');
          const mount = host.matchMount(path.endsWith('/') ? path : path + '/') ?? host.matchMount(path);
          const denied = () =>
            new VaultError(
              403,
              `preflight capability check returned 403, please ensure client's policies grant access to path "${path.endsWith('/') ? path : path + '/'}"`,
            );
          if (!mount) throw denied();
          if (req.token) {
            const acl = await host.policies.forToken(req.token);
            if (!acl.hasAnyUnder(mount.prefix)) throw denied();
          } else throw denied();
          return { data: { ...mountJSON(host, mount.entry), path: mount.prefix } };
        },
      },
    },
    {
      pattern: 'internal/ui/mounts',
      operations: {
        read: async (req) => {
          const acl = req.token ? await host.policies.forToken(req.token) : null;
          const visible = (e: MountEntry) => {
            const prefix = e.table === 'auth' ? `auth/${e.path}` : e.path;
            if (acl) return acl.hasAnyUnder(prefix);
            return e.config.listing_visibility === 'unauth';
          };
          const secret: Record<string, unknown> = {},
            auth: Record<string, unknown> = {};
          for (const e of host.mountTable('mounts')) if (visible(e)) secret[e.path] = mountJSON(host, e);
          for (const e of host.mountTable('auth')) if (visible(e)) auth[e.path] = mountJSON(host, e);
          return { data: { secret, auth } };
        },
      },
    },
  ];
}

function norm(p: string) {
  const s = p.replace(/^\/+/, '');
  return s.endsWith('/') ? s : s + '/';
}
