/**
 * AppRole secret IDs: generate (or supply a custom one), list accessors, look up and
 * destroy by value or by accessor — always through the owning role's path.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../sdk/clock.js';
import { userError, VaultError } from '../../sdk/errors.js';
import type { BackendResponse } from '../../sdk/types.js';
import type { FieldData, PathDef } from '../../framework/backend.js';
import { addressAllowed, listResponse, parseCidrList } from '../common.js';
import { ROLE } from './role.js';
import type { AppRoleStore, RoleEntry, SecretIdEntry } from './store.js';

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
/** Engine-clock milliseconds as Go prints a time.Time in JSON (nanosecond precision). */
const goTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');

const roleName = { type: 'string' as const, description: 'Name of the role.' };
const GEN_FIELDS = {
  role_name: roleName,
  metadata: {
    type: 'any' as const,
    description: 'Metadata tied to the SecretID: a JSON object as a string, or key=value pairs separated by commas.',
  },
  cidr_list: { type: 'commaStringSlice' as const, description: 'CIDR blocks allowed to use this SecretID.' },
  token_bound_cidrs: {
    type: 'commaStringSlice' as const,
    description: 'CIDR blocks allowed to use tokens issued with this SecretID.',
  },
  num_uses: {
    type: 'int' as const,
    description: "Number of uses of this SecretID; defaults to the role's secret_id_num_uses.",
  },
  ttl: { type: 'duration' as const, description: "Lifetime of this SecretID; defaults to the role's secret_id_ttl." },
};

/** Parses `metadata` the way Vault does: a JSON object (string or object) or `k=v,k2=v2`. */
function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null || raw === '') return {};
  let obj: unknown = raw;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s.startsWith('{')) {
      try {
        obj = JSON.parse(s);
      } catch (e) {
        throw userError(`failed to parse metadata: ${(e as Error).message}`);
      }
    } else {
      const out: Record<string, string> = {};
      for (const pair of s.split(',')) {
        const i = pair.indexOf('=');
        if (i <= 0)
          throw userError(
            `failed to parse metadata: invalid key/value pair ${JSON.stringify(pair)}: format must be key=value`,
          );
        out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
      }
      return out;
    }
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj))
    throw userError('failed to parse metadata: expected a JSON object');
  return Object.fromEntries(
    Object.entries(obj as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/** The CIDRs on a secret ID must stay inside the role's. */
function subsetOf(child: string[], parent: string[], what: string) {
  if (!parent.length || !child.length) return;
  for (const c of child) {
    const addr = c.split('/')[0];
    if (!addressAllowed(addr, parent))
      throw userError(
        `failed to verify subset relationship between CIDR blocks on the role ${JSON.stringify(parent)} and CIDR blocks on the ${what} ${JSON.stringify(child)}`,
      );
  }
}

export function lookupData(e: SecretIdEntry): Record<string, unknown> {
  return {
    cidr_list: [...e.cidr_list],
    creation_time: goTime(e.creation_time),
    expiration_time: e.expiration_time ? goTime(e.expiration_time) : GO_ZERO_TIME,
    last_updated_time: goTime(e.last_updated_time),
    metadata: { ...e.metadata },
    secret_id_accessor: e.secret_id_accessor,
    secret_id_num_uses: e.secret_id_num_uses,
    secret_id_ttl: e.secret_id_ttl,
    token_bound_cidrs: [...e.token_bound_cidrs],
  };
}

export function secretIdPaths(store: AppRoleStore, clock: Clock, mountMaxTTL: () => number): PathDef[] {
  /** The role for a secret-id operation; Vault answers a plain error when it is missing. */
  const roleOr500 = async (name: string): Promise<RoleEntry> => {
    const r = await store.getRole(name);
    if (!r) throw new Error(`role ${JSON.stringify(name)} does not exist`);
    return r;
  };

  const issue = async (name: string, secretId: string, d: FieldData): Promise<BackendResponse> => {
    if (!secretId) throw userError('missing secret_id');
    const role = await store.getRole(name);
    if (!role) throw userError(`role ${JSON.stringify(name)} does not exist`);
    if (!role.bind_secret_id) throw userError('bind_secret_id is not set on the role');
    const cidrList = parseCidrList(d.get<string[]>('cidr_list'), 'cidr_list');
    subsetOf(cidrList, role.secret_id_bound_cidrs, 'secret ID');
    const tokenCidrs = parseCidrList(d.get<string[]>('token_bound_cidrs'), 'token_bound_cidrs');
    subsetOf(tokenCidrs, role.token_bound_cidrs, 'secret ID');
    let numUses = role.secret_id_num_uses;
    if (d.has('num_uses')) {
      numUses = d.get<number>('num_uses');
      if (numUses < 0) throw userError('num_uses cannot be negative');
      if (role.secret_id_num_uses > 0 && (numUses === 0 || numUses > role.secret_id_num_uses))
        throw userError("num_uses cannot be higher than the role's secret_id_num_uses");
    }
    let ttl = role.secret_id_ttl;
    if (d.has('ttl')) {
      ttl = d.get<number>('ttl');
      if (role.secret_id_ttl > 0 && (ttl === 0 || ttl > role.secret_id_ttl))
        throw userError("ttl cannot be longer than the role's secret_id_ttl");
    }
    if (ttl > 0) ttl = Math.min(ttl, mountMaxTTL());
    const metadata = parseMetadata(d.get('metadata'));
    if (await store.hasSecretId(role, secretId)) throw userError('SecretID is already registered');
    const now = clock.nowMs();
    const entry: SecretIdEntry = {
      secret_id_accessor: randomUUID(),
      secret_id_num_uses: numUses,
      secret_id_ttl: ttl,
      creation_time: now,
      expiration_time: ttl > 0 ? now + ttl * 1000 : 0,
      last_updated_time: now,
      metadata,
      cidr_list: cidrList,
      token_bound_cidrs: tokenCidrs,
    };
    await store.putSecretId(role, secretId, entry);
    return {
      data: {
        secret_id: secretId,
        secret_id_accessor: entry.secret_id_accessor,
        secret_id_num_uses: numUses,
        secret_id_ttl: ttl,
      },
      // `vault write -wrap-ttl=… role/x/secret-id` reports this as wrap_info.wrapped_accessor.
      wrappedAccessor: entry.secret_id_accessor,
    };
  };

  const secretIdField = { secret_id: { type: 'string' as const, description: 'SecretID attached to the role.' } };
  const accessorField = { secret_id_accessor: { type: 'string' as const, description: 'Accessor of the SecretID.' } };

  const destroyByValue = async (name: string, d: FieldData) => {
    const secretId = d.get<string>('secret_id');
    if (!secretId) throw userError('missing secret_id');
    await store.deleteSecretId(await roleOr500(name), secretId);
  };
  const destroyByAccessor = async (name: string, d: FieldData) => {
    const acc = d.get<string>('secret_id_accessor');
    if (!acc) throw userError('missing secret_id_accessor');
    const role = await roleOr500(name);
    if (!(await store.deleteByAccessor(role, acc)))
      throw new Error(`failed to find accessor entry for secret_id_accessor: ${JSON.stringify(acc)}`);
  };

  return [
    {
      pattern: `role/${ROLE}/secret-id/?`,
      synopsis: 'Generate a SecretID against this role.',
      description: 'The SecretID is scoped to this role only. List returns the accessors of its live SecretIDs.',
      fields: GEN_FIELDS,
      operations: {
        update: (req, d) => issue(req.params.role_name, randomUUID(), d),
        list: async (req) => {
          const role = await store.getRole(req.params.role_name);
          if (!role) throw userError(`role ${JSON.stringify(req.params.role_name)} does not exist`);
          return listResponse(await store.accessors(role));
        },
      },
    },
    {
      pattern: `role/${ROLE}/custom-secret-id`,
      synopsis: 'Assign a SecretID of choice against the role.',
      fields: { ...GEN_FIELDS, ...secretIdField },
      operations: { update: (req, d) => issue(req.params.role_name, d.get<string>('secret_id'), d) },
    },
    {
      pattern: `role/${ROLE}/secret-id/lookup/?`,
      synopsis: 'Read the properties of an issued secret_id',
      fields: { role_name: roleName, ...secretIdField },
      operations: {
        update: async (req, d) => {
          const secretId = d.get<string>('secret_id');
          if (!secretId) throw userError('missing secret_id');
          const e = await store.getSecretId(await roleOr500(req.params.role_name), secretId);
          if (!e) return;
          return { data: lookupData(e) };
        },
      },
    },
    {
      pattern: `role/${ROLE}/secret-id/destroy/?`,
      synopsis: 'Invalidate an issued secret_id',
      fields: { role_name: roleName, ...secretIdField },
      operations: {
        update: (req, d) => destroyByValue(req.params.role_name, d),
        delete: (req, d) => destroyByValue(req.params.role_name, d),
      },
    },
    {
      pattern: `role/${ROLE}/secret-id-accessor/lookup/?`,
      synopsis: 'Read an issued secret_id, using its accessor',
      fields: { role_name: roleName, ...accessorField },
      operations: {
        update: async (req, d) => {
          const acc = d.get<string>('secret_id_accessor');
          if (!acc) throw userError('missing secret_id_accessor');
          const a = await store.accessorEntry(await roleOr500(req.params.role_name), acc);
          if (!a)
            throw new VaultError(404, `failed to find accessor entry for secret_id_accessor: ${JSON.stringify(acc)}`);
          return { data: lookupData(a.entry) };
        },
      },
    },
    {
      pattern: `role/${ROLE}/secret-id-accessor/destroy/?`,
      synopsis: 'Delete an issued secret_id, using its accessor',
      fields: { role_name: roleName, ...accessorField },
      operations: {
        update: (req, d) => destroyByAccessor(req.params.role_name, d),
        delete: (req, d) => destroyByAccessor(req.params.role_name, d),
      },
    },
  ];
}
