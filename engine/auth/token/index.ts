/**
 * The token auth method (`auth/token/`): create, lookup, renew, revoke, accessors.
 * Token state and TTL arithmetic live in the core; this file is the API over them.
 */
import type { Backend, BackendContext, BackendRequest, PathDef } from '../../framework/backend.js';
import { VaultError, userError } from '../../sdk/errors.js';
import { normalizePolicyName } from '../../sdk/policy-name.js';
import type { TokenEntry } from '../../sdk/types.js';
import { rolePaths, type TokenRole } from './roles.js';

const createFields = {
  id: { type: 'string' as const },
  policies: { type: 'commaStringSlice' as const },
  meta: { type: 'kvpairs' as const, aliases: ['metadata'] },
  no_parent: { type: 'bool' as const },
  no_default_policy: { type: 'bool' as const },
  renewable: { type: 'bool' as const, default: true },
  ttl: { type: 'duration' as const, aliases: ['lease'] },
  explicit_max_ttl: { type: 'duration' as const },
  period: { type: 'duration' as const },
  display_name: { type: 'string' as const },
  num_uses: { type: 'int' as const },
  type: { type: 'string' as const },
  entity_alias: { type: 'string' as const },
};

export function tokenBackend(ctx: BackendContext): Backend {
  const sys = ctx.system;

  async function isSudo(req: BackendRequest): Promise<boolean> {
    const t = req.token!;
    if (t.policies.includes('root')) return true;
    return sys.hasSudo(t.policies, `auth/token/${req.path}`);
  }

  async function create(
    req: BackendRequest,
    d: import('../../framework/fields.js').FieldData,
    mode: 'normal' | 'orphan' | 'role',
  ): Promise<Record<string, unknown>> {
    const parent = req.token!;
    if (parent.type === 'batch') throw userError('batch tokens cannot create more tokens');
    if (parent.numUses > 0 || (parent.internal?.restricted as boolean))
      throw userError('restricted use token cannot generate child tokens');
    const sudo = await isSudo(req);
    let role: TokenRole | undefined;
    if (mode === 'role') {
      role = await ctx.storage.getJSON<TokenRole>(`roles/${req.params.role}`);
      if (!role) throw userError(`unknown role ${req.params.role}`);
    }
    const id = d.get<string>('id');
    if (id) {
      if (!sudo) throw userError('root or sudo privileges required to specify token id');
      if (id.includes('.')) throw userError('token IDs can not contain periods');
    }
    const noParent = d.get<boolean>('no_parent');
    if (noParent && !sudo && mode === 'normal')
      throw userError('root or sudo privileges required to create orphan token');
    const period = d.get<number>('period') || role?.token_period || 0;
    if (d.get<number>('period') && !sudo && mode !== 'role')
      throw userError('root or sudo privileges required to create periodic token');
    const numUses = d.get<number>('num_uses') || role?.token_num_uses || 0;
    if (numUses < 0) throw userError('number of uses cannot be negative');
    const typ =
      d.get<string>('type') ||
      (role?.token_type && role.token_type !== 'default-service' && role.token_type !== 'default'
        ? role.token_type.replace('default-', '')
        : 'service');
    if (typ !== 'service' && typ !== 'batch') throw userError(`invalid 'type' value "${typ}"`);
    if (typ === 'batch') {
      // Vault: a batch token is a fixed-TTL blob; it cannot carry a use count, a period or an explicit max TTL.
      const bad = d.get<number>('explicit_max_ttl')
        ? 'explicit_max_ttl'
        : d.get<number>('num_uses')
          ? 'num_uses'
          : d.get<number>('period')
            ? 'period'
            : '';
      if (bad) throw userError(`batch tokens cannot have "${bad}" set`);
    }

    let policies = d.has('policies') ? d.get<string[]>('policies').map(normalizePolicyName).filter(Boolean) : [];
    if (policies.includes('response-wrapping')) throw userError('cannot assign policy "response-wrapping"');
    const parentHasRoot = parent.policies.includes('root');
    if (role) {
      const allowed = (role.allowed_policies ?? []).map(normalizePolicyName);
      const allowedGlob = role.allowed_policies_glob ?? [];
      if (allowed.length || allowedGlob.length) {
        if (!policies.length) policies = [...allowed];
        const bad = policies.filter(
          (p) => p !== 'default' && !allowed.includes(p) && !allowedGlob.some((g) => policyGlob(g, p)),
        );
        if (bad.length)
          throw userError(
            `token policies (${goList(policies)}) must be subset of the role's allowed policies (${goList(allowed)}) or glob policies (${goList(allowedGlob)})`,
          );
      } else {
        // A role without allowed policies may only hand out what the caller already has.
        if (!policies.length) policies = [...parent.policies];
        const parentSet = new Set(parent.policies);
        if (!parentHasRoot && !policies.every((p) => p === 'default' || parentSet.has(p)))
          throw userError(
            `token policies (${goList(policies)}) must be subset of parent token's policies (${goList(parent.policies)})`,
          );
      }
      const dis = policies.find(
        (p) =>
          (role!.disallowed_policies ?? []).map(normalizePolicyName).includes(p) ||
          (role!.disallowed_policies_glob ?? []).some((g) => policyGlob(g, p)),
      );
      if (dis) throw userError(`token policy "${dis}" is disallowed by this role`);
    } else if (!policies.length) {
      policies = [...parent.policies];
    } else if (!sudo) {
      const parentSet = new Set(parent.policies);
      if (!policies.every((p) => p === 'default' || parentSet.has(p)))
        throw userError('child policies must be subset of parent');
    }
    if (policies.includes('root') && !parentHasRoot)
      throw userError('root tokens may not be created by a non-root token');
    const noDefault = d.get<boolean>('no_default_policy') || !!role?.token_no_default_policy;
    // Batch tokens cannot be revoked, so none may be root.
    if (policies.includes('root') && typ === 'batch') throw userError('batch tokens cannot be root tokens');
    if (policies.includes('root')) policies = ['root'];
    else if (!noDefault && (parent.policies.includes('default') || sudo || parentHasRoot)) policies.push('default');
    else if (noDefault) policies = policies.filter((p) => p !== 'default');

    const ttl = d.get<number>('ttl') || role?.token_ttl || 0;
    const explicitMax = d.get<number>('explicit_max_ttl') || role?.token_explicit_max_ttl || 0;
    if (policies.includes('root') && parent.expireAt !== null && !ttl && !explicitMax && !period)
      throw userError('expiring root tokens cannot create non-expiring root tokens');
    let displayName = 'token';
    const dn = d.get<string>('display_name');
    if (dn) displayName = `token-${dn.replace(/[^A-Za-z0-9-]/g, '-').replace(/-+$/, '')}`;
    const orphan = mode === 'orphan' || noParent || !!role?.orphan;
    const suffix = role?.path_suffix ? `/${role.path_suffix}` : '';
    const path =
      mode === 'orphan'
        ? 'auth/token/create-orphan'
        : mode === 'role'
          ? `auth/token/create/${req.params.role}${suffix}`
          : 'auth/token/create';
    const ttls = ctx.ttls();
    const { entry, warnings } = await sys.tokens.create({
      id: id || undefined,
      policies,
      parent: orphan ? '' : parent.id,
      // A child token belongs to its parent's entity; an orphan to none.
      entityId: orphan ? undefined : parent.entityId || undefined,
      path,
      displayName,
      meta: d.get<Record<string, string>>('meta'),
      ttl,
      explicitMaxTTL: explicitMax,
      period,
      numUses,
      renewable:
        typ !== 'batch' &&
        (role ? role.renewable !== false && d.get<boolean>('renewable') : d.get<boolean>('renewable')),
      type: typ as 'service' | 'batch',
      role: role ? req.params.role : undefined,
      mountMaxTTL: role?.token_max_ttl || ttls.maxTTL,
      mountDefaultTTL: ttls.defaultTTL,
    });
    const unknown: string[] = [];
    for (const p of policies)
      if (p !== 'root' && p !== 'default' && !(await sys.policyExists(p))) unknown.push(`Policy "${p}" does not exist`);
    if (id)
      warnings.push(
        'Supplying a custom ID for the token uses the weaker SHA1 hashing instead of the more secure SHA2-256 HMAC for token obfuscation. SHA1 hashed tokens on the wire leads to less secure lookups.',
      );
    return { tokenAuth: sys.tokens.authBlock(entry), warnings: [...warnings, ...unknown] };
  }

  const lookupBy = async (token: string | undefined) => {
    if (!token) throw userError('missing token ID');
    const t = await sys.tokens.lookup(token);
    if (!t) throw new VaultError(403, 'bad token');
    return t;
  };

  const renew = async (t: TokenEntry, increment: number) => {
    const { entry, warnings, renewed } = await sys.tokens.renew(t, increment);
    // The issuing auth method declined (userpass: the user is gone): nothing renewed, 204 as in Vault.
    if (renewed === false) return {};
    return { tokenAuth: sys.tokens.authBlock(entry), warnings };
  };

  const tokenField = {
    token: { type: 'string' as const },
    accessor: { type: 'string' as const },
    increment: { type: 'duration' as const },
  };

  const paths: PathDef[] = [
    {
      pattern: 'create',
      fields: createFields,
      synopsis: 'The token create path is used to create new tokens.',
      operations: { update: (req, d) => create(req, d, 'normal') },
    },
    {
      pattern: 'create-orphan',
      fields: createFields,
      synopsis: 'Create a token without a parent.',
      operations: { update: (req, d) => create(req, d, 'orphan') },
    },
    {
      pattern: 'create/(?<role>[^/]+)',
      fields: createFields,
      synopsis: 'Create a token from a role.',
      operations: { update: (req, d) => create(req, d, 'role') },
    },
    {
      pattern: 'lookup-self',
      fields: tokenField,
      synopsis: 'Lookup the properties of the calling token.',
      operations: {
        read: (req) => ({ data: sys.tokens.lookupData(req.token!) }),
        update: (req) => ({ data: sys.tokens.lookupData(req.token!) }),
      },
    },
    {
      pattern: 'lookup(?:/(?<urltoken>.+))?',
      fields: tokenField,
      synopsis: 'Lookup the properties of a token.',
      operations: {
        read: async (req, d) => ({
          data: sys.tokens.lookupData(await lookupBy(req.params.urltoken ?? d.get<string>('token'))),
        }),
        update: async (req, d) => ({
          data: sys.tokens.lookupData(await lookupBy(req.params.urltoken ?? d.get<string>('token'))),
        }),
      },
    },
    {
      pattern: 'lookup-accessor(?:/(?<urlaccessor>.+))?',
      fields: tokenField,
      operations: {
        update: async (req, d) => {
          const t = await sys.tokens.lookupAccessor(req.params.urlaccessor ?? d.get<string>('accessor'));
          if (!t) throw userError('invalid accessor');
          return { data: sys.tokens.lookupData(t, true) };
        },
      },
    },
    {
      pattern: 'renew-self',
      fields: tokenField,
      operations: { update: async (req, d) => renew(req.token!, d.get<number>('increment')) },
    },
    {
      pattern: 'renew(?:/(?<urltoken>.+))?',
      fields: tokenField,
      operations: {
        update: async (req, d) => {
          const id = req.params.urltoken ?? d.get<string>('token');
          if (!id) throw userError('missing token ID');
          const t = await sys.tokens.lookup(id);
          if (!t) throw userError('token not found');
          return renew(t, d.get<number>('increment'));
        },
      },
    },
    {
      pattern: 'renew-accessor',
      fields: tokenField,
      operations: {
        update: async (_req, d) => {
          const t = await sys.tokens.lookupAccessor(d.get<string>('accessor'));
          if (!t) throw userError('invalid accessor');
          const r = await renew(t, d.get<number>('increment'));
          (r.tokenAuth as Record<string, unknown>).client_token = '';
          return r;
        },
      },
    },
    {
      pattern: 'revoke-self',
      operations: {
        update: async (req) => {
          if (req.token!.type === 'batch') throw userError('batch tokens cannot be revoked');
          await sys.tokens.revokeTree(req.token!.id);
        },
      },
    },
    {
      pattern: 'revoke(?:/(?<urltoken>.+))?',
      fields: tokenField,
      operations: {
        update: async (req, d) => {
          const id = req.params.urltoken ?? d.get<string>('token');
          if (!id) throw userError('missing token ID');
          if (id.startsWith('hvb.') || id.startsWith('b.')) throw userError('batch tokens cannot be revoked');
          await sys.tokens.revokeTree(id);
        },
      },
    },
    {
      pattern: 'revoke-accessor(?:/(?<urlaccessor>.+))?',
      fields: tokenField,
      operations: {
        update: async (req, d) => {
          const t = await sys.tokens.lookupAccessor(req.params.urlaccessor ?? d.get<string>('accessor'));
          if (!t) return { warnings: ['No token found with this accessor'] };
          await sys.tokens.revokeTree(t.id);
        },
      },
    },
    {
      pattern: 'revoke-orphan(?:/(?<urltoken>.+))?',
      fields: tokenField,
      operations: {
        update: async (req, d) => {
          const id = req.params.urltoken ?? d.get<string>('token');
          const t = id ? await sys.tokens.lookup(id) : undefined;
          if (!t) throw userError('token to revoke not found');
          await sys.tokens.revokeOrphan(t.id);
        },
      },
    },
    {
      pattern: 'accessors/?',
      operations: { list: async () => ({ data: { keys: await sys.tokens.accessors() } }) },
    },
    ...rolePaths(ctx),
  ];
  return {
    type: 'token',
    kind: 'auth',
    paths,
    help: 'The token credential backend is always enabled and builtin to Vault. Client tokens are used to identify a client and to allow Vault to associate policies and ACLs which are enforced on every request.',
    rootPaths: ['revoke-orphan/*', 'revoke-orphan', 'accessors/*', 'accessors/'],
  };
}

/** Go's %q of a string slice, as Vault prints policy lists in errors. */
function goList(a: string[]): string {
  return `[${a.map((x) => JSON.stringify(x)).join(' ')}]`;
}

/** Policy-name globs of token roles: `*` matches any run of characters. */
function policyGlob(glob: string, name: string): boolean {
  const re = new RegExp(
    '^' +
      glob
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
  return re.test(name);
}
