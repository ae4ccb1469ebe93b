/** `roles/<name>` (create, read, update, patch, delete) and `LIST roles`. */
import { notFound, userError } from '../../sdk/errors.js';
import type { PathDef } from '../../framework/backend.js';
import type { FieldData, FieldSchema } from '../../framework/fields.js';
import type { PkiStore } from './store.js';
import { EXT_KEY_USAGES, KEY_USAGES, normalizeKeyBits } from './x509.js';

/** Every role field with Vault's default (reference §11.2). */
export const ROLE_FIELDS: Record<string, FieldSchema> = {
  ttl: {
    type: 'duration',
    default: 0,
    aliases: ['lease'],
    description: 'Default lifetime of issued certificates; 0 = mount default.',
  },
  max_ttl: { type: 'duration', default: 0, description: 'Maximum lifetime; 0 = mount maximum.' },
  allow_localhost: { type: 'bool', default: true },
  allowed_domains: {
    type: 'commaStringSlice',
    default: [],
    description: 'Domains this role may issue for (see allow_bare_domains / allow_subdomains / allow_glob_domains).',
  },
  allowed_domains_template: { type: 'bool', default: false },
  allow_bare_domains: { type: 'bool', default: false },
  allow_subdomains: { type: 'bool', default: false },
  allow_glob_domains: { type: 'bool', default: false },
  allow_wildcard_certificates: { type: 'bool', default: true },
  allow_any_name: { type: 'bool', default: false },
  enforce_hostnames: { type: 'bool', default: true },
  allow_ip_sans: { type: 'bool', default: true },
  allowed_uri_sans: { type: 'commaStringSlice', default: [] },
  allowed_uri_sans_template: { type: 'bool', default: false },
  allowed_other_sans: { type: 'commaStringSlice', default: [] },
  allowed_serial_numbers: { type: 'commaStringSlice', default: [] },
  allowed_user_ids: { type: 'commaStringSlice', default: [] },
  server_flag: { type: 'bool', default: true },
  client_flag: { type: 'bool', default: true },
  code_signing_flag: { type: 'bool', default: false },
  email_protection_flag: { type: 'bool', default: false },
  key_type: { type: 'string', default: 'rsa' },
  key_bits: { type: 'int', default: 0 },
  signature_bits: { type: 'int', default: 0 },
  use_pss: { type: 'bool', default: false },
  key_usage: { type: 'commaStringSlice', default: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'] },
  ext_key_usage: { type: 'commaStringSlice', default: [] },
  ext_key_usage_oids: { type: 'commaStringSlice', default: [] },
  use_csr_common_name: { type: 'bool', default: true },
  use_csr_sans: { type: 'bool', default: true },
  ou: { type: 'commaStringSlice', default: [] },
  organization: { type: 'commaStringSlice', default: [] },
  country: { type: 'commaStringSlice', default: [] },
  locality: { type: 'commaStringSlice', default: [] },
  province: { type: 'commaStringSlice', default: [] },
  street_address: { type: 'commaStringSlice', default: [] },
  postal_code: { type: 'commaStringSlice', default: [] },
  generate_lease: { type: 'bool', default: false },
  no_store: { type: 'bool', default: false },
  require_cn: { type: 'bool', default: true },
  cn_validations: { type: 'commaStringSlice', default: ['email', 'hostname'] },
  policy_identifiers: { type: 'commaStringSlice', default: [] },
  basic_constraints_valid_for_non_ca: { type: 'bool', default: false },
  not_before_duration: { type: 'duration', default: 30 },
  not_after: { type: 'string', default: '' },
  issuer_ref: { type: 'string', default: 'default' },
};

export type Role = Record<string, unknown> & {
  ttl: number;
  max_ttl: number;
  key_type: string;
  key_bits: number;
  allowed_domains: string[];
  no_store: boolean;
  generate_lease: boolean;
};

/** Checks a role for the errors Vault reports when it is written. */
function validate(r: Role) {
  if (!['rsa', 'ec', 'ed25519', 'any'].includes(r.key_type)) throw userError(`unknown key_type ${r.key_type}`);
  try {
    r.key_bits = normalizeKeyBits(r.key_type, r.key_bits);
  } catch (e) {
    throw userError((e as Error).message);
  }
  if (r.max_ttl > 0 && r.ttl > r.max_ttl) throw userError('"ttl" value must be less than "max_ttl" value');
  for (const u of r.key_usage as string[]) {
    if (!KEY_USAGES.some((k) => k.toLowerCase() === u.toLowerCase()))
      throw userError(`unrecognized key usage "${u}"; valid values are ${KEY_USAGES.join(', ')}`);
  }
  for (const u of r.ext_key_usage as string[]) {
    if (!Object.keys(EXT_KEY_USAGES).some((k) => k.toLowerCase() === u.toLowerCase()))
      throw userError(`unrecognized extended key usage "${u}"`);
  }
  r.ext_key_usage = (r.ext_key_usage as string[]).map(
    (u) => Object.keys(EXT_KEY_USAGES).find((k) => k.toLowerCase() === u.toLowerCase())!,
  );
  for (const o of r.ext_key_usage_oids as string[])
    if (!/^\d+(\.\d+)+$/.test(o)) throw userError(`invalid OID "${o}" in ext_key_usage_oids`);
  if (r.not_after && Number.isNaN(Date.parse(r.not_after as string)))
    throw userError(`invalid not_after ${r.not_after}: use RFC 3339`);
}

function fromFields(d: FieldData, base?: Role): Role {
  const r: Record<string, unknown> = {};
  for (const name of Object.keys(ROLE_FIELDS)) r[name] = base && !d.has(name) ? base[name] : d.get(name);
  return r as Role;
}

export function rolePaths(store: PkiStore): PathDef[] {
  return [
    {
      pattern: 'roles/?',
      synopsis: 'List the existing roles in this backend',
      operations: {
        list: async () => {
          const keys = await store.roles();
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
      },
    },
    {
      pattern: 'roles/(?<name>[^/]+)',
      synopsis: 'Manage the roles that can be created with this backend.',
      fields: ROLE_FIELDS,
      existenceCheck: async (req) => !!(await store.role(req.params.name)),
      operations: {
        read: async (req) => {
          const r = await store.role(req.params.name);
          if (!r) throw notFound();
          return { data: { ...r } };
        },
        create: async (req, d) => write(req.params.name, fromFields(d)),
        update: async (req, d) => write(req.params.name, fromFields(d)),
        patch: async (req, d) => {
          const existing = (await store.role(req.params.name)) as Role | undefined;
          if (!existing) throw notFound();
          return write(req.params.name, fromFields(d, existing));
        },
        delete: async (req) => {
          await store.deleteRole(req.params.name);
        },
      },
    },
  ];

  async function write(name: string, r: Role) {
    validate(r);
    const warnings: string[] = [];
    if (!r.allow_any_name && !(r.allowed_domains as string[]).length && !r.allow_localhost) {
      warnings.push(
        'no allowed domains are set and allow_any_name and allow_localhost are false; this role cannot issue certificates for any name',
      );
    }
    await store.putRole(name, r);
    return { data: { ...r }, warnings };
  }
}
