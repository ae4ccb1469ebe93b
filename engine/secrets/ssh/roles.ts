/** `roles/<name>` (write, read, delete) and `LIST roles`, for `key_type=ca` roles. */
import { VaultError, notFound, userError } from '../../sdk/errors.js';
import type { PathDef } from '../../framework/backend.js';
import type { FieldData, FieldSchema } from '../../framework/fields.js';
import type { SshRole, SshStore } from './store.js';

export const ROLE_FIELDS: Record<string, FieldSchema> = {
  key_type: { type: 'string', default: '', description: '`ca` (the OTP mode is not part of this engine).' },
  allow_user_certificates: { type: 'bool', default: false },
  allow_host_certificates: { type: 'bool', default: false },
  allowed_users: {
    type: 'string',
    default: '',
    description: 'Comma-separated principals for user certificates; * = any.',
  },
  allowed_users_template: { type: 'bool', default: false },
  default_user: { type: 'string', default: '' },
  default_user_template: { type: 'bool', default: false },
  allowed_domains: { type: 'string', default: '' },
  allowed_domains_template: { type: 'bool', default: false },
  allow_bare_domains: { type: 'bool', default: false },
  allow_subdomains: { type: 'bool', default: false },
  allowed_extensions: { type: 'string', default: '' },
  default_extensions: { type: 'map', default: {} },
  default_extensions_template: { type: 'bool', default: false },
  allowed_critical_options: { type: 'string', default: '' },
  default_critical_options: { type: 'map', default: {} },
  allow_user_key_ids: { type: 'bool', default: false },
  key_id_format: { type: 'string', default: '' },
  ttl: { type: 'duration', default: 0 },
  max_ttl: { type: 'duration', default: 0 },
  algorithm_signer: { type: 'string', default: 'default' },
  allowed_user_key_lengths: { type: 'map', default: {} },
  not_before_duration: { type: 'duration', default: 30 },
  allow_empty_principals: { type: 'bool', default: false },
};

const SIGNERS = ['default', 'ssh-rsa', 'rsa-sha2-256', 'rsa-sha2-512'];

/** Map values as strings (Vault's convertMapToStringValue). */
export function stringMap(m: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** `allowed_user_key_lengths`: each value an int, a list of ints or a comma-separated string of them. */
function keyLengths(m: Record<string, unknown>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(m)) {
    const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v];
    out[k] = items.map((x) => {
      const n = typeof x === 'number' ? x : Number(String(x).trim());
      if (!Number.isInteger(n) || n < 0)
        throw userError(`allowed_user_key_lengths: "${String(x)}" for key type "${k}" is not a key length`);
      return n;
    });
  }
  return out;
}

function roleFrom(d: FieldData): SshRole {
  const r: Record<string, unknown> = {};
  for (const name of Object.keys(ROLE_FIELDS)) r[name] = d.get(name);
  const role = r as unknown as SshRole;
  role.default_extensions = stringMap(d.get('default_extensions'));
  role.default_critical_options = stringMap(d.get('default_critical_options'));
  role.allowed_user_key_lengths = keyLengths(d.get('allowed_user_key_lengths'));
  if (role.algorithm_signer === '') role.algorithm_signer = 'default';
  return role;
}

export function rolePaths(store: SshStore): PathDef[] {
  return [
    {
      pattern: 'roles/?',
      synopsis: 'List the roles of this mount.',
      operations: {
        list: async () => {
          const keys = await store.roles();
          if (!keys.length) throw notFound();
          const key_info: Record<string, unknown> = {};
          for (const k of keys) key_info[k] = { key_type: (await store.role(k))?.key_type ?? 'ca' };
          return { data: { keys, key_info } };
        },
      },
    },
    {
      pattern: 'roles/(?<role>[^/]+)',
      synopsis: 'Manage the roles that decide which certificates may be signed.',
      fields: ROLE_FIELDS,
      existenceCheck: async (req) => !!(await store.role(req.params.role)),
      operations: {
        read: async (req) => {
          const r = await store.role(req.params.role);
          if (!r) throw notFound();
          return { data: { ...r } };
        },
        create: async (req, d) => write(req.params.role, d),
        update: async (req, d) => write(req.params.role, d),
        delete: async (req) => {
          await store.deleteRole(req.params.role);
        },
      },
    },
  ];

  async function write(name: string, d: FieldData) {
    const kt = d.get<string>('key_type');
    if (!kt) throw userError('missing key type');
    if (kt === 'otp')
      throw userError('key_type "otp" is not supported by this engine; use key_type=ca (signed certificates)');
    if (kt !== 'ca') throw userError('invalid key type');
    const role = roleFrom(d);
    if (!role.allow_user_certificates && !role.allow_host_certificates)
      throw userError("Either 'allow_user_certificates' or 'allow_host_certificates' must be set to 'true'");
    if (role.max_ttl > 0 && role.ttl > role.max_ttl)
      throw userError('"ttl" value must be less than "max_ttl" when both are specified');
    if (!SIGNERS.includes(role.algorithm_signer))
      throw new VaultError(500, `unknown algorithm signer "${role.algorithm_signer}"`);
    await store.putRole(name, role);
  }
}
