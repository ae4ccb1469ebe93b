/** AppRole `role/…`: roles CRUD, `role-id` read and custom, and the per-field role paths. */
import { notFound, unsupportedPath, userError } from '../../sdk/errors.js';
import type { FieldData, PathDef } from '../../framework/backend.js';
import {
  emptyTokenParams,
  LEGACY_TOKEN_FIELDS,
  listResponse,
  parseCidrList,
  parsePolicies,
  parseTokenFields,
  TOKEN_FIELDS,
  tokenData,
} from '../common.js';
import { AppRoleStore, type RoleEntry } from './store.js';

/** Vault's GenericNameRegex for role names. */
export const ROLE = '(?<role_name>\\w(?:[\\w\\-.@]*\\w)?)';

const LEGACY = ['policies', 'period'] as const;

export const ROLE_FIELDS = {
  role_name: { type: 'string' as const, description: 'Name of the role.' },
  bind_secret_id: {
    type: 'bool' as const,
    default: true,
    description: 'Impose secret_id to be presented when logging in using this role.',
  },
  secret_id_bound_cidrs: {
    type: 'commaStringSlice' as const,
    aliases: ['bound_cidr_list'],
    description: 'CIDR blocks allowed to log in with this role.',
  },
  secret_id_num_uses: {
    type: 'int' as const,
    description: 'Number of times a SecretID can access the role, after which it expires. 0 = unlimited.',
  },
  secret_id_ttl: {
    type: 'duration' as const,
    description: 'Duration after which the issued SecretID expires. 0 = never.',
  },
  local_secret_ids: {
    type: 'bool' as const,
    description: 'If set, the secret IDs generated using this role will be cluster local (create only).',
  },
  role_id: { type: 'string' as const, description: 'Identifier of the role. Defaults to a UUID.' },
  ...TOKEN_FIELDS,
  policies: LEGACY_TOKEN_FIELDS.policies,
  period: LEGACY_TOKEN_FIELDS.period,
};

/** Vault refuses a role that anyone could log in with. */
export function validateConstraints(r: RoleEntry) {
  if (!r.bind_secret_id && !r.secret_id_bound_cidrs.length && !r.token_bound_cidrs.length)
    throw userError('at least one constraint should be enabled on the role');
}

export function roleData(r: RoleEntry): Record<string, unknown> {
  return {
    bind_secret_id: r.bind_secret_id,
    local_secret_ids: r.local_secret_ids,
    secret_id_bound_cidrs: r.secret_id_bound_cidrs.length ? [...r.secret_id_bound_cidrs] : null,
    secret_id_num_uses: r.secret_id_num_uses,
    secret_id_ttl: r.secret_id_ttl,
    ...tokenData(r),
  };
}

export function rolePaths(store: AppRoleStore, mountMaxTTL: () => number): PathDef[] {
  const write = async (name: string, op: 'create' | 'update', d: FieldData) => {
    const existing = await store.getRole(name);
    const lname = name.toLowerCase();
    const base: RoleEntry = existing ?? {
      ...emptyTokenParams(),
      ...AppRoleStore.newRole(lname),
      bind_secret_id: true,
      secret_id_bound_cidrs: [],
      secret_id_num_uses: 0,
      secret_id_ttl: 0,
      local_secret_ids: false,
    };
    const previousRoleId = existing?.role_id;
    const r: RoleEntry = { ...base, ...parseTokenFields(base, d, [...LEGACY]) };
    if (d.has('local_secret_ids')) {
      if (op !== 'create' || existing) throw userError('local_secret_ids can only be modified during role creation');
      r.local_secret_ids = d.get<boolean>('local_secret_ids');
    }
    if (d.has('role_id')) r.role_id = d.get<string>('role_id');
    if (!r.role_id) throw userError('invalid role_id supplied, or failed to generate a role_id');
    if (d.has('bind_secret_id')) r.bind_secret_id = d.get<boolean>('bind_secret_id');
    if (d.has('secret_id_bound_cidrs'))
      r.secret_id_bound_cidrs = parseCidrList(d.get<string[]>('secret_id_bound_cidrs'), 'secret_id_bound_cidrs');
    if (d.has('secret_id_num_uses')) r.secret_id_num_uses = d.get<number>('secret_id_num_uses');
    if (r.secret_id_num_uses < 0) throw userError('secret_id_num_uses cannot be negative');
    if (d.has('secret_id_ttl')) r.secret_id_ttl = d.get<number>('secret_id_ttl');
    if (r.secret_id_ttl < 0) throw userError('secret_id_ttl cannot be negative');
    if (r.token_period > mountMaxTTL())
      throw userError(
        `period of "${r.token_period}s" is greater than the backend's maximum lease TTL of "${mountMaxTTL()}s"`,
      );
    validateConstraints(r);
    if (!(await store.roleIdFree(r.role_id, r.name))) throw userError('role_id already in use');
    await store.putRole(r, previousRoleId);
    if (r.token_max_ttl > mountMaxTTL())
      return {
        warnings: [
          "token_max_ttl is greater than the backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
        ],
      };
  };

  const mustRole = async (name: string) => {
    const r = await store.getRole(name);
    if (!r) throw unsupportedPath();
    return r;
  };

  return [
    {
      pattern: 'role/?',
      synopsis: 'Lists all the roles registered with the backend.',
      operations: { list: async () => listResponse(await store.listRoles()) },
    },
    {
      pattern: `role/${ROLE}`,
      synopsis: 'Register an role with the backend.',
      description:
        'A role holds the policies and token settings that machines logging in with its role_id (and a secret_id) receive.',
      fields: ROLE_FIELDS,
      existenceCheck: async (req) => !!(await store.getRole(req.params.role_name)),
      operations: {
        read: async (req) => {
          const r = await store.getRole(req.params.role_name);
          if (!r) throw notFound();
          return { data: roleData(r) };
        },
        create: (req, d) => write(req.params.role_name, 'create', d),
        update: (req, d) => write(req.params.role_name, 'update', d),
        delete: async (req) => {
          const r = await store.getRole(req.params.role_name);
          if (r) await store.deleteRole(r);
        },
      },
    },
    {
      pattern: `role/${ROLE}/role-id`,
      synopsis: "Returns the 'role_id' of the role.",
      fields: { role_name: ROLE_FIELDS.role_name, role_id: { type: 'string', description: 'Identifier of the role.' } },
      operations: {
        read: async (req) => {
          const r = await store.getRole(req.params.role_name);
          if (!r) throw notFound();
          return { data: { role_id: r.role_id } };
        },
        update: async (req, d) => {
          const r = await mustRole(req.params.role_name);
          const id = d.get<string>('role_id');
          if (!id) throw userError('missing role_id');
          if (!(await store.roleIdFree(id, r.name))) throw userError('role_id already in use');
          const prev = r.role_id;
          await store.putRole({ ...r, role_id: id }, prev);
        },
      },
    },
    {
      pattern: `role/${ROLE}/policies`,
      synopsis: 'Policies of the role.',
      fields: {
        role_name: ROLE_FIELDS.role_name,
        token_policies: TOKEN_FIELDS.token_policies,
        policies: LEGACY_TOKEN_FIELDS.policies,
      },
      operations: {
        read: async (req) => {
          const r = await store.getRole(req.params.role_name);
          if (!r) throw notFound();
          const data: Record<string, unknown> = { token_policies: [...r.token_policies] };
          if (r.legacy?.policies?.length) data.policies = [...r.token_policies];
          return { data };
        },
        update: async (req, d) => {
          const r = await mustRole(req.params.role_name);
          const legacy = { ...(r.legacy ?? {}) };
          let policies: string[];
          if (d.has('token_policies')) {
            policies = parsePolicies(d.get<string[]>('token_policies'));
            if (d.has('policies')) legacy.policies = policies;
            else delete legacy.policies;
          } else if (d.has('policies')) {
            policies = parsePolicies(d.get<string[]>('policies'));
            legacy.policies = policies;
          } else throw userError('missing token_policies');
          await store.putRole({ ...r, token_policies: policies, legacy });
        },
        delete: async (req) => {
          const r = await store.getRole(req.params.role_name);
          if (!r) return;
          const legacy = { ...(r.legacy ?? {}) };
          delete legacy.policies;
          await store.putRole({ ...r, token_policies: [], legacy });
        },
      },
    },
    ...fieldPaths(store, mustRole),
  ];
}

interface FieldPath {
  /** URL segment under role/<name>/. */
  seg: string;
  /** The stored field it reads and writes. */
  field: keyof RoleEntry;
  schema: Record<string, import('../../framework/backend.js').FieldSchema>;
  /** Value stored by DELETE (the field's default). */
  reset: unknown;
  parse: (d: FieldData) => unknown;
  check?: (r: RoleEntry) => void;
  synopsis: string;
}

/** Vault's one-field role paths: role/<name>/secret-id-ttl, token-ttl, bind-secret-id … */
function fieldPaths(store: AppRoleStore, mustRole: (name: string) => Promise<RoleEntry>): PathDef[] {
  const nonNegative = (f: keyof RoleEntry) => (r: RoleEntry) => {
    if ((r[f] as number) < 0) throw userError(`${String(f)} cannot be negative`);
  };
  const ttlOrder = (r: RoleEntry) => {
    if (r.token_ttl > 0 && r.token_max_ttl > 0 && r.token_ttl > r.token_max_ttl)
      throw userError("'token_ttl' cannot be greater than 'token_max_ttl'");
  };
  const defs: FieldPath[] = [
    {
      seg: 'secret-id-num-uses',
      field: 'secret_id_num_uses',
      schema: { secret_id_num_uses: ROLE_FIELDS.secret_id_num_uses },
      reset: 0,
      parse: (d) => d.get<number>('secret_id_num_uses'),
      check: nonNegative('secret_id_num_uses'),
      synopsis: 'Use limit of the SecretID generated against the role.',
    },
    {
      seg: 'secret-id-ttl',
      field: 'secret_id_ttl',
      schema: { secret_id_ttl: ROLE_FIELDS.secret_id_ttl },
      reset: 0,
      parse: (d) => d.get<number>('secret_id_ttl'),
      check: nonNegative('secret_id_ttl'),
      synopsis: 'Duration in seconds of the SecretID generated against the role.',
    },
    {
      seg: 'token-num-uses',
      field: 'token_num_uses',
      schema: { token_num_uses: TOKEN_FIELDS.token_num_uses },
      reset: 0,
      parse: (d) => d.get<number>('token_num_uses'),
      check: nonNegative('token_num_uses'),
      synopsis: 'Number of times issued tokens can be used',
    },
    {
      seg: 'token-ttl',
      field: 'token_ttl',
      schema: { token_ttl: TOKEN_FIELDS.token_ttl },
      reset: 0,
      parse: (d) => d.get<number>('token_ttl'),
      check: ttlOrder,
      synopsis: 'Duration in seconds, the lifetime of the token issued by using the SecretID.',
    },
    {
      seg: 'token-max-ttl',
      field: 'token_max_ttl',
      schema: { token_max_ttl: TOKEN_FIELDS.token_max_ttl },
      reset: 0,
      parse: (d) => d.get<number>('token_max_ttl'),
      check: ttlOrder,
      synopsis: 'Duration in seconds, the maximum lifetime of the tokens issued.',
    },
    {
      seg: 'period',
      field: 'token_period',
      schema: { token_period: TOKEN_FIELDS.token_period, period: LEGACY_TOKEN_FIELDS.period },
      reset: 0,
      parse: (d) => d.get<number>(d.has('token_period') ? 'token_period' : 'period'),
      check: nonNegative('token_period'),
      synopsis: "Updates the value of 'period' on the role",
    },
    {
      seg: 'bind-secret-id',
      field: 'bind_secret_id',
      schema: { bind_secret_id: ROLE_FIELDS.bind_secret_id },
      reset: true,
      parse: (d) => d.get<boolean>('bind_secret_id'),
      check: validateConstraints,
      synopsis: 'Impose secret_id to be presented during login using this role.',
    },
    {
      seg: 'secret-id-bound-cidrs',
      field: 'secret_id_bound_cidrs',
      schema: { secret_id_bound_cidrs: ROLE_FIELDS.secret_id_bound_cidrs },
      reset: [],
      parse: (d) => parseCidrList(d.get<string[]>('secret_id_bound_cidrs'), 'secret_id_bound_cidrs'),
      check: validateConstraints,
      synopsis: 'CIDR blocks that can perform the login operation.',
    },
    {
      seg: 'token-bound-cidrs',
      field: 'token_bound_cidrs',
      schema: { token_bound_cidrs: TOKEN_FIELDS.token_bound_cidrs },
      reset: [],
      parse: (d) => parseCidrList(d.get<string[]>('token_bound_cidrs'), 'token_bound_cidrs'),
      check: validateConstraints,
      synopsis: 'CIDR blocks that can use the returned token.',
    },
  ];
  const paths: PathDef[] = defs.map((f) => ({
    pattern: `role/${ROLE}/${f.seg}`,
    synopsis: f.synopsis,
    fields: { role_name: ROLE_FIELDS.role_name, ...f.schema },
    operations: {
      read: async (req) => {
        const r = await store.getRole(req.params.role_name);
        if (!r) throw notFound();
        const v = r[f.field];
        const data: Record<string, unknown> = {
          [f.field]: Array.isArray(v) ? (v.length ? [...v] : f.field === 'secret_id_bound_cidrs' ? null : []) : v,
        };
        if (f.seg === 'period' && r.legacy?.period) data.period = r.token_period;
        return { data };
      },
      update: async (req, d) => {
        const r = await mustRole(req.params.role_name);
        if (!Object.keys(f.schema).some((k) => d.has(k))) throw userError(`missing ${Object.keys(f.schema)[0]}`);
        const next: RoleEntry = { ...r, [f.field]: f.parse(d) };
        f.check?.(next);
        await store.putRole(next);
      },
      delete: async (req) => {
        const r = await store.getRole(req.params.role_name);
        if (!r) return;
        const next: RoleEntry = { ...r, [f.field]: structuredClone(f.reset) };
        f.check?.(next);
        await store.putRole(next);
      },
    },
  }));
  paths.push({
    pattern: `role/${ROLE}/local-secret-ids`,
    synopsis: 'Enables cluster local secret IDs',
    fields: { role_name: ROLE_FIELDS.role_name },
    operations: {
      read: async (req) => {
        const r = await store.getRole(req.params.role_name);
        if (!r) throw notFound();
        return { data: { local_secret_ids: r.local_secret_ids } };
      },
    },
  });
  return paths;
}
