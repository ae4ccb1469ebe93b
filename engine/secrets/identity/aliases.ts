/** `identity/entity-alias*` and `identity/group-alias*`: an auth mount's accessor + a name, tied to an owner. */
import { notFound, userError } from '../../sdk/errors.js';
import { uuid } from '../../sdk/ids.js';
import type { LoginMount } from '../../sdk/identity.js';
import type { FieldData, PathDef } from '../../framework/backend.js';
import { aliasData } from './entities.js';
import type { Alias, IdentityStore } from './store.js';

export type MountLookup = (accessor: string) => LoginMount | undefined;

const ALIAS_FIELDS = {
  id: { type: 'string' as const, description: 'ID of the alias.' },
  name: { type: 'string' as const, description: 'Name of the alias (the username, role_id … on that mount).' },
  mount_accessor: { type: 'string' as const, description: 'Accessor of the auth mount the alias belongs to.' },
  canonical_id: { type: 'string' as const, description: 'ID of the owner.', aliases: ['entity_id'] },
  custom_metadata: { type: 'kvpairs' as const, description: 'User-provided key-value pairs.' },
};

function newAlias(m: LoginMount, accessor: string, name: string, owner: string, now: number): Alias {
  return {
    id: uuid(),
    canonical_id: owner,
    mount_accessor: accessor,
    mount_path: m.path,
    mount_type: m.type,
    name,
    metadata: null,
    custom_metadata: null,
    local: !!m.local,
    merged_from_canonical_ids: null,
    creation_time: now,
    last_update_time: now,
  };
}

function listAliases(table: Map<string, Alias>) {
  if (!table.size) throw notFound();
  const keyInfo: Record<string, unknown> = {};
  for (const a of table.values())
    keyInfo[a.id] = {
      canonical_id: a.canonical_id,
      custom_metadata: a.custom_metadata,
      local: a.local,
      mount_accessor: a.mount_accessor,
      mount_path: a.mount_path,
      mount_type: a.mount_type,
      name: a.name,
    };
  return { data: { keys: [...table.keys()].sort(), key_info: keyInfo } };
}

export function entityAliasPaths(s: IdentityStore, mountOf: MountLookup): PathDef[] {
  /** Creates or updates an entity alias; `existing` when the path named one. */
  const write = async (d: FieldData, existing?: Alias) => {
    const name = d.has('name') ? d.get<string>('name') : existing?.name;
    const accessor = d.has('mount_accessor') ? d.get<string>('mount_accessor') : existing?.mount_accessor;
    if (!existing && (!name || !accessor)) throw userError("'id' or 'mount_accessor' and 'name' must be provided");
    const mount = mountOf(accessor!);
    if (!mount) throw userError(`invalid mount accessor ${JSON.stringify(accessor)}`);
    let canonical = d.get<string>('canonical_id') || existing?.canonical_id || '';
    if (canonical && !s.entities.has(canonical))
      throw userError("given 'canonical_id' is not associated with an entity");
    let alias = existing ?? s.aliasByFactors(accessor!, name!);
    const clash = s.aliasByFactors(accessor!, name!);
    if (clash && alias && clash.id !== alias.id)
      throw userError('alias with combination of mount accessor and name already exists');
    if (alias?.local && canonical !== alias.canonical_id)
      throw userError("local aliases can't be moved between entities");
    if (!canonical) {
      if (alias) canonical = alias.canonical_id;
      else {
        const e = s.newEntity();
        s.entities.set(e.id, e);
        await s.saveEntity(e);
        canonical = e.id;
      }
    }
    const other = s.aliasesOf(canonical).find((a) => a.mount_accessor === accessor && a.id !== alias?.id);
    if (other)
      throw userError(
        alias
          ? 'Alias cannot be updated as the given entity already has an alias for this mount '
          : 'Alias already exists for requested entity and mount accessor',
      );
    const before = alias ? JSON.stringify(alias) : '';
    if (!alias) alias = newAlias(mount, accessor!, name!, canonical, s.now());
    alias.name = name!;
    alias.mount_accessor = accessor!;
    alias.mount_path = mount.path;
    alias.mount_type = mount.type;
    alias.canonical_id = canonical;
    if (d.has('custom_metadata')) {
      const m = d.get<Record<string, string>>('custom_metadata');
      alias.custom_metadata = Object.keys(m).length ? m : null;
    }
    if (before === JSON.stringify(alias) && existing) return {};
    alias.last_update_time = s.now();
    s.aliases.set(alias.id, alias);
    await s.saveAlias(alias);
    return { data: { id: alias.id, canonical_id: alias.canonical_id } };
  };
  return [
    {
      pattern: 'entity-alias',
      fields: ALIAS_FIELDS,
      operations: {
        update: (_r, d) => {
          const id = d.get<string>('id');
          if (id) {
            const a = s.aliases.get(id);
            if (!a) throw userError('invalid alias ID provided');
            return write(d, a);
          }
          return write(d);
        },
      },
    },
    { pattern: 'entity-alias/id/?', operations: { list: () => listAliases(s.aliases) } },
    {
      pattern: 'entity-alias/id/(?<id>[^/]+)',
      fields: ALIAS_FIELDS,
      operations: {
        read: (r) => {
          const a = s.aliases.get(r.params.id);
          if (!a) throw notFound();
          return { data: aliasData(s, a) };
        },
        update: (r, d) => {
          const a = s.aliases.get(r.params.id);
          if (!a) throw userError('invalid alias ID provided');
          return write(d, a);
        },
        delete: async (r) => {
          await s.deleteAlias(r.params.id);
        },
      },
    },
  ];
}

export function groupAliasPaths(s: IdentityStore, mountOf: MountLookup): PathDef[] {
  const write = async (d: FieldData, existing?: Alias) => {
    const name = d.has('name') ? d.get<string>('name') : existing?.name;
    const accessor = d.has('mount_accessor') ? d.get<string>('mount_accessor') : existing?.mount_accessor;
    if (!name) throw userError('missing alias name');
    if (!accessor) throw userError('missing mount_accessor');
    const mount = mountOf(accessor);
    if (!mount) throw userError(`invalid mount accessor ${JSON.stringify(accessor)}`);
    if (mount.local) throw userError(`mount accessor "${accessor}" is a local mount`);
    const clash = s.aliasByFactors(accessor, name, s.groupAliases);
    if (clash && clash.id !== existing?.id)
      throw userError('combination of mount and group alias name is already in use');
    let groupId = d.get<string>('canonical_id') || existing?.canonical_id || '';
    if (groupId) {
      const g = s.groups.get(groupId);
      if (!g) throw userError("invalid group ID given in 'canonical_id'");
      if (g.type !== 'external') throw userError("alias can't be set on an internal group");
    } else {
      const now = s.now();
      const id = uuid();
      const g = {
        id,
        name: `group_${id.replace(/-/g, '').slice(0, 8)}`,
        type: 'external' as const,
        policies: [],
        metadata: null,
        member_entity_ids: [],
        member_group_ids: [],
        modify_index: 1,
        creation_time: now,
        last_update_time: now,
      };
      s.groups.set(id, g);
      await s.saveGroup(g);
      groupId = id;
    }
    const prev = s.groupAliasOf(groupId);
    if (prev && prev.id !== existing?.id) await s.deleteGroupAlias(prev.id);
    const a = existing ?? newAlias(mount, accessor, name, groupId, s.now());
    Object.assign(a, { name, mount_accessor: accessor, mount_path: mount.path, mount_type: mount.type });
    a.canonical_id = groupId;
    a.last_update_time = s.now();
    s.groupAliases.set(a.id, a);
    await s.saveGroupAlias(a);
    return { data: { id: a.id, canonical_id: a.canonical_id } };
  };
  return [
    {
      pattern: 'group-alias',
      fields: ALIAS_FIELDS,
      operations: {
        update: (_r, d) => {
          const id = d.get<string>('id');
          if (!id) return write(d);
          const a = s.groupAliases.get(id);
          if (!a) throw userError('invalid alias ID provided');
          return write(d, a);
        },
      },
    },
    { pattern: 'group-alias/id/?', operations: { list: () => listAliases(s.groupAliases) } },
    {
      pattern: 'group-alias/id/(?<id>[^/]+)',
      fields: ALIAS_FIELDS,
      operations: {
        read: (r) => {
          const a = s.groupAliases.get(r.params.id);
          if (!a) throw notFound();
          return { data: aliasData(s, a) };
        },
        update: (r, d) => {
          const a = s.groupAliases.get(r.params.id);
          if (!a) throw userError('invalid alias ID provided');
          return write(d, a);
        },
        delete: async (r) => {
          await s.deleteGroupAlias(r.params.id);
        },
      },
    },
  ];
}
