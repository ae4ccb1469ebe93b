/**
 * The identity store, Vault's `identity/` mount: always mounted, never removable. Entities
 * and groups live here; the core asks it (through `Backend.identity`) for the entity of a
 * login and, on every request, for a token's entity, groups and identity policies.
 */
import { userError } from '../../sdk/errors.js';
import type { IdentityResolver } from '../../sdk/identity.js';
import type { Backend, BackendContext, FieldData, PathDef } from '../../framework/backend.js';
import { entityAliasPaths, groupAliasPaths } from './aliases.js';
import { entityData, entityPaths } from './entities.js';
import { groupData, groupPaths } from './groups.js';
import { type Alias, IdentityStore } from './store.js';

const LOOKUP_FIELDS = {
  type: { type: 'string' as const },
  id: { type: 'string' as const },
  name: { type: 'string' as const },
  alias_id: { type: 'string' as const },
  alias_name: { type: 'string' as const },
  alias_mount_accessor: { type: 'string' as const },
};

/** Which one thing a lookup asks for: exactly one of id, name, alias_id, alias_name + accessor. */
function lookupQuery(d: FieldData) {
  const sent = ['id', 'name', 'alias_id'].filter((k) => d.get<string>(k));
  const aliasName = d.get<string>('alias_name'),
    aliasMount = d.get<string>('alias_mount_accessor');
  if (aliasName || aliasMount) {
    if (!aliasName || !aliasMount) throw userError("both 'alias_name' and 'alias_mount_accessor' needs to be set");
    sent.push('alias');
  }
  if (!sent.length) throw userError('query parameter not supplied');
  if (sent.length > 1) throw userError('query parameter conflict; please supply distinct set of query parameters');
  return { by: sent[0], value: d.get<string>(sent[0] === 'alias' ? 'alias_name' : sent[0]), aliasMount };
}

function lookupPaths(s: IdentityStore): PathDef[] {
  const viaAlias = (table: Map<string, Alias>, q: ReturnType<typeof lookupQuery>) =>
    q.by === 'alias_id' ? table.get(q.value) : s.aliasByFactors(q.aliasMount, q.value, table);
  return [
    {
      pattern: 'lookup/entity',
      fields: LOOKUP_FIELDS,
      operations: {
        update: (_r, d) => {
          const q = lookupQuery(d);
          const e =
            q.by === 'id'
              ? s.entities.get(q.value)
              : q.by === 'name'
                ? s.entityByName(q.value)
                : s.entities.get(viaAlias(s.aliases, q)?.canonical_id ?? '');
          // A miss is a 204, not a 404.
          return e ? { data: entityData(s, e) } : {};
        },
      },
    },
    {
      pattern: 'lookup/group',
      fields: LOOKUP_FIELDS,
      operations: {
        update: (_r, d) => {
          const q = lookupQuery(d);
          const g =
            q.by === 'id'
              ? s.groups.get(q.value)
              : q.by === 'name'
                ? s.groupByName(q.value)
                : s.groups.get(viaAlias(s.groupAliases, q)?.canonical_id ?? '');
          return g ? { data: groupData(s, g) } : {};
        },
      },
    },
  ];
}

export async function identityBackend(ctx: BackendContext): Promise<Backend> {
  const s = new IdentityStore(ctx.storage, ctx.clock);
  await s.load();
  const mountOf = (accessor: string) => ctx.system.authMountByAccessor?.(accessor);
  const identity: IdentityResolver = {
    loginEntity: (mount, alias, groupAliases) => s.loginEntity(mount, alias, groupAliases),
    resolve: (id) => s.resolve(id),
  };
  return {
    type: 'identity',
    kind: 'secret',
    help: 'Identity store: entities, entity aliases, groups and group aliases.',
    paths: [
      ...entityPaths(s),
      ...entityAliasPaths(s, mountOf),
      ...groupPaths(s),
      ...groupAliasPaths(s, mountOf),
      ...lookupPaths(s),
    ],
    identity,
  };
}
