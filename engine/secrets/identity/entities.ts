/** `identity/entity*`: entities by id and by name, batch delete and merge. */
import { notFound, userError } from '../../sdk/errors.js';
import type { FieldData, PathDef } from '../../framework/backend.js';
import { type Alias, type Entity, type IdentityStore, policiesCannotContainRoot } from './store.js';

export const ENTITY_FIELDS = {
  name: { type: 'string' as const, description: 'Name of the entity.' },
  id: { type: 'string' as const, description: 'ID of the entity. If set, updates the corresponding entity.' },
  metadata: { type: 'kvpairs' as const, description: 'Metadata to be associated with the entity.' },
  policies: { type: 'commaStringSlice' as const, description: 'Policies to be tied to the entity.' },
  disabled: {
    type: 'bool' as const,
    description: 'If set true, tokens tied to this identity will not be able to be used.',
  },
};

export function aliasData(s: IdentityStore, a: Alias): Record<string, unknown> {
  return {
    id: a.id,
    canonical_id: a.canonical_id,
    mount_accessor: a.mount_accessor,
    mount_path: a.mount_path,
    mount_type: a.mount_type,
    name: a.name,
    metadata: a.metadata,
    custom_metadata: a.custom_metadata,
    local: a.local,
    merged_from_canonical_ids: a.merged_from_canonical_ids,
    namespace_id: 'root',
    creation_time: s.time(a.creation_time),
    last_update_time: s.time(a.last_update_time),
  };
}

export function entityData(s: IdentityStore, e: Entity): Record<string, unknown> {
  const direct = s.directGroups(e.id).map((g) => g.id);
  const inherited = s.inheritedGroups(e.id).map((g) => g.id);
  return {
    id: e.id,
    name: e.name,
    policies: e.policies,
    metadata: e.metadata,
    disabled: e.disabled,
    aliases: s.aliasesOf(e.id).map((a) => aliasData(s, a)),
    direct_group_ids: direct,
    inherited_group_ids: inherited,
    group_ids: [...direct, ...inherited],
    merged_entity_ids: e.merged_entity_ids,
    namespace_id: 'root',
    creation_time: s.time(e.creation_time),
    last_update_time: s.time(e.last_update_time),
  };
}

/** Applies the sent fields to an entity (a supplied map or list replaces the old one). */
function apply(s: IdentityStore, e: Entity, d: FieldData) {
  if (d.has('name')) {
    const name = d.get<string>('name');
    const other = name ? s.entityByName(name) : undefined;
    if (other && other.id !== e.id) throw userError('entity name is already in use');
    if (name) e.name = name;
  }
  if (d.has('policies')) e.policies = policiesCannotContainRoot(d.get<string[]>('policies'));
  if (d.has('metadata')) {
    const m = d.get<Record<string, string>>('metadata');
    e.metadata = Object.keys(m).length ? m : null;
  }
  if (d.has('disabled')) e.disabled = d.get<boolean>('disabled');
  e.last_update_time = s.now();
}

async function upsert(s: IdentityStore, existing: Entity | undefined, d: FieldData, fields: Partial<Entity> = {}) {
  if (existing) {
    apply(s, existing, d);
    await s.saveEntity(existing);
    return {};
  }
  const e = s.newEntity(fields);
  if (s.entityByName(e.name)) throw userError('entity name is already in use');
  apply(s, e, d);
  s.entities.set(e.id, e);
  await s.saveEntity(e);
  return { data: { id: e.id, name: e.name, aliases: null } };
}

function listEntities(s: IdentityStore, by: 'id' | 'name') {
  const all = [...s.entities.values()];
  if (!all.length) throw notFound();
  const keyInfo: Record<string, unknown> = {};
  for (const e of all) {
    const aliases = s.aliasesOf(e.id).map((a) => ({
      id: a.id,
      name: a.name,
      mount_accessor: a.mount_accessor,
      mount_type: a.mount_type,
      mount_path: a.mount_path,
    }));
    // Keyed by id whichever way the list goes, as Vault does.
    keyInfo[e.id] = { name: e.name, ...(aliases.length ? { aliases } : {}) };
  }
  return { data: { keys: all.map((e) => (by === 'id' ? e.id : e.name)).sort(), key_info: keyInfo } };
}

export function entityPaths(s: IdentityStore): PathDef[] {
  const byName = (n: string) => s.entityByName(n);
  return [
    {
      pattern: 'entity',
      fields: ENTITY_FIELDS,
      synopsis: 'Create a new entity, or update one when its id or name is given.',
      operations: {
        update: (_r, d) => {
          const id = d.get<string>('id');
          if (id) {
            const e = s.entities.get(id);
            if (!e) throw userError('entity not found from id');
            return upsert(s, e, d);
          }
          const name = d.get<string>('name');
          return upsert(s, name ? byName(name) : undefined, d, { name });
        },
      },
    },
    {
      pattern: 'entity/id/?',
      operations: {
        list: () => listEntities(s, 'id'),
      },
    },
    {
      pattern: 'entity/name/?',
      operations: { list: () => listEntities(s, 'name') },
    },
    {
      pattern: 'entity/id/(?<id>[^/]+)',
      fields: ENTITY_FIELDS,
      operations: {
        read: (r) => {
          const e = s.entities.get(r.params.id);
          if (!e) throw notFound();
          return { data: entityData(s, e) };
        },
        update: (r, d) => {
          const e = s.entities.get(r.params.id);
          if (!e) throw userError('entity not found from id');
          return upsert(s, e, d);
        },
        delete: async (r) => {
          await s.deleteEntity(r.params.id);
        },
      },
    },
    {
      pattern: 'entity/name/(?<name>[^/]+)',
      fields: ENTITY_FIELDS,
      operations: {
        read: (r) => {
          const e = byName(r.params.name);
          if (!e) throw notFound();
          return { data: entityData(s, e) };
        },
        update: (r, d) => upsert(s, byName(r.params.name), d, { name: r.params.name }),
        delete: async (r) => {
          const e = byName(r.params.name);
          if (e) await s.deleteEntity(e.id);
        },
      },
    },
    {
      pattern: 'entity/batch-delete',
      fields: { entity_ids: { type: 'commaStringSlice', description: 'Entity IDs to delete.' } },
      operations: {
        update: async (_r, d) => {
          const ids = d.get<string[]>('entity_ids');
          if (!ids.length) throw userError('missing entity ids to delete');
          for (const id of ids) await s.deleteEntity(id);
        },
      },
    },
    {
      pattern: 'entity/merge/?',
      fields: {
        from_entity_ids: { type: 'commaStringSlice', description: 'Entity IDs to be merged.' },
        to_entity_id: { type: 'string', description: 'Entity ID into which all the other entities are merged.' },
        force: { type: 'bool', description: 'Kept for compatibility; conflicts are resolved with the list below.' },
        conflicting_alias_ids_to_keep: {
          type: 'commaStringSlice',
          description: 'Alias IDs to keep when the entities have aliases on the same mount.',
        },
      },
      operations: { update: (_r, d) => merge(s, d) },
    },
  ];
}

async function merge(s: IdentityStore, d: FieldData) {
  const toId = d.get<string>('to_entity_id');
  if (!toId) throw userError('missing entity id to merge to');
  const fromIds = d.get<string[]>('from_entity_ids');
  if (!fromIds.length) throw userError('missing entity ids to merge from');
  const to = s.entities.get(toId);
  if (!to) throw userError('entity id to merge to is invalid');
  if (fromIds.includes(toId)) throw userError('to_entity_id should not be present in from_entity_ids');
  const froms = fromIds.map((id) => {
    const e = s.entities.get(id);
    if (!e) throw userError('entity id to merge from is invalid');
    return e;
  });
  const keep = d.get<string[]>('conflicting_alias_ids_to_keep');
  // Aliases on a mount the target already has an alias on clash; the caller says which to keep.
  const clashes: Array<[Alias, Alias]> = [];
  for (const f of froms)
    for (const a of s.aliasesOf(f.id)) {
      const mine = s.aliasesOf(to.id).find((b) => b.mount_accessor === a.mount_accessor);
      if (mine) clashes.push([mine, a]);
    }
  if (clashes.length && froms.length > 1 && keep.length)
    throw userError('aliases conflicts cannot be resolved with multiple from entity ids - merge one entity at a time');
  if (clashes.length && !keep.length)
    throw userError(
      'toEntity and at least one fromEntity have aliases with the same mount accessor, repeat the merge request ' +
        'specifying exactly one fromEntity, clashes: ' +
        clashes
          .map(
            ([mine, theirs]) =>
              `mountAccessor: ${mine.mount_accessor}, toEntity ID: ${to.id}, fromEntity ID: ${theirs.canonical_id}, ` +
              `conflicting toEntity alias ID: ${mine.id}, conflicting fromEntity alias ID: ${theirs.id}`,
          )
          .join('; '),
    );
  for (const [mine, theirs] of clashes)
    if (!keep.includes(mine.id) && !keep.includes(theirs.id))
      throw userError(
        `conflicting mount accessors in following alias IDs and neither were present in ` +
          `conflicting_alias_ids_to_keep: ${mine.id}, ${theirs.id}`,
      );
  for (const [mine, theirs] of clashes) await s.deleteAlias(keep.includes(mine.id) ? theirs.id : mine.id);
  for (const f of froms) {
    for (const a of s.aliasesOf(f.id)) {
      a.merged_from_canonical_ids = [...(a.merged_from_canonical_ids ?? []), f.id];
      a.canonical_id = to.id;
      a.last_update_time = s.now();
      await s.saveAlias(a);
    }
    for (const g of s.groups.values())
      if (g.member_entity_ids.includes(f.id)) {
        g.member_entity_ids = [...new Set(g.member_entity_ids.map((x) => (x === f.id ? to.id : x)))];
        await s.saveGroup(g);
      }
    to.merged_entity_ids = [...(to.merged_entity_ids ?? []), f.id, ...(f.merged_entity_ids ?? [])];
    for (const m of [f.id, ...(f.merged_entity_ids ?? [])]) s.mergedInto.set(m, to.id);
    await s.deleteEntity(f.id);
  }
  to.last_update_time = s.now();
  await s.saveEntity(to);
}
