/** `identity/group*`: internal groups (members set by hand) and external ones (members from logins). */
import { VaultError, notFound, userError } from '../../sdk/errors.js';
import { uuid } from '../../sdk/ids.js';
import type { FieldData, PathDef } from '../../framework/backend.js';
import { aliasData } from './entities.js';
import { type Group, type IdentityStore, policiesCannotContainRoot } from './store.js';

const GROUP_FIELDS = {
  id: { type: 'string' as const, description: 'ID of the group. If set, updates the corresponding group.' },
  name: { type: 'string' as const, description: 'Name of the group.' },
  type: { type: 'string' as const, description: 'Type of the group, internal or external. Defaults to internal.' },
  metadata: { type: 'kvpairs' as const, description: 'Metadata to be associated with the group.' },
  policies: { type: 'commaStringSlice' as const, description: 'Policies to be tied to the group.' },
  member_group_ids: { type: 'commaStringSlice' as const, description: 'Group IDs to be assigned as group members.' },
  member_entity_ids: { type: 'commaStringSlice' as const, description: 'Entity IDs to be assigned as group members.' },
};

export function groupData(s: IdentityStore, g: Group): Record<string, unknown> {
  const alias = s.groupAliasOf(g.id);
  const parents = s.parentsOf(g.id).map((p) => p.id);
  const members = g.type === 'external' ? [...(s.externalMembers.get(g.id) ?? [])] : g.member_entity_ids;
  return {
    id: g.id,
    name: g.name,
    type: g.type,
    policies: g.policies,
    metadata: g.metadata,
    member_entity_ids: members,
    member_group_ids: g.member_group_ids.length ? g.member_group_ids : null,
    parent_group_ids: parents.length ? parents : null,
    alias: alias ? aliasData(s, alias) : {},
    modify_index: g.modify_index,
    namespace_id: 'root',
    creation_time: s.time(g.creation_time),
    last_update_time: s.time(g.last_update_time),
  };
}

/** True when `child` (or a group below it) is `ancestor`: adding it as a member would close a loop. */
function reaches(s: IdentityStore, from: string, target: string, seen = new Set<string>()): boolean {
  if (from === target) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  return (s.groups.get(from)?.member_group_ids ?? []).some((c) => reaches(s, c, target, seen));
}

function apply(s: IdentityStore, g: Group, d: FieldData) {
  if (d.has('type')) {
    const t = d.get<string>('type') || 'internal';
    if (t !== 'internal' && t !== 'external') throw userError(`invalid group type ${JSON.stringify(t)}`);
    if (t !== g.type) throw userError('group type cannot be changed');
  }
  if (d.has('name')) {
    const name = d.get<string>('name');
    const other = name ? s.groupByName(name) : undefined;
    if (other && other.id !== g.id) throw userError('group name is already in use');
    if (name) g.name = name;
  }
  if (d.has('policies'))
    g.policies = policiesCannotContainRoot(d.get<string[]>('policies').map((p) => p.toLowerCase()));
  if (d.has('metadata')) {
    const m = d.get<Record<string, string>>('metadata');
    g.metadata = Object.keys(m).length ? m : null;
  }
  if (d.has('member_entity_ids')) {
    if (g.type === 'external') throw userError("member entities can't be set manually for external groups");
    const ids = [...new Set(d.get<string[]>('member_entity_ids'))];
    for (const id of ids) if (!s.entities.has(id)) throw new VaultError(500, `invalid entity ID ${JSON.stringify(id)}`);
    g.member_entity_ids = ids;
  }
  if (d.has('member_group_ids')) {
    if (g.type === 'external') throw userError("member groups can't be set for external groups");
    const ids = [...new Set(d.get<string[]>('member_group_ids'))];
    for (const id of ids) {
      if (id === g.id)
        throw new VaultError(500, `member group ID ${JSON.stringify(id)} is same as the ID of the group`);
      if (!s.groups.has(id)) throw new VaultError(500, `invalid member group ID ${JSON.stringify(id)}`);
      if (reaches(s, id, g.id))
        throw userError(`cyclic relationship detected for member group ID ${JSON.stringify(id)}`);
    }
    g.member_group_ids = ids;
  }
  g.modify_index++;
  g.last_update_time = s.now();
}

async function upsert(s: IdentityStore, existing: Group | undefined, d: FieldData, name = '') {
  if (existing) {
    apply(s, existing, d);
    await s.saveGroup(existing);
    return {};
  }
  const id = uuid();
  const now = s.now();
  const t = d.get<string>('type') || 'internal';
  if (t !== 'internal' && t !== 'external') throw userError(`invalid group type ${JSON.stringify(t)}`);
  const g: Group = {
    id,
    name: name || `group_${id.replace(/-/g, '').slice(0, 8)}`,
    type: t,
    policies: [],
    metadata: null,
    member_entity_ids: [],
    member_group_ids: [],
    modify_index: 0,
    creation_time: now,
    last_update_time: now,
  };
  if (s.groupByName(g.name)) throw userError('group name is already in use');
  apply(s, g, d);
  s.groups.set(id, g);
  await s.saveGroup(g);
  return { data: { id: g.id, name: g.name } };
}

function listGroups(s: IdentityStore, by: 'id' | 'name') {
  const all = [...s.groups.values()];
  if (!all.length) throw notFound();
  const keyInfo: Record<string, unknown> = {};
  for (const g of all) {
    const a = s.groupAliasOf(g.id);
    // Keyed by id whichever way the list goes, as Vault does.
    keyInfo[g.id] = {
      name: g.name,
      num_member_entities: g.member_entity_ids.length,
      num_parent_groups: s.parentsOf(g.id).length,
      ...(a ? { alias: { id: a.id, name: a.name, mount_accessor: a.mount_accessor } } : {}),
    };
  }
  return { data: { keys: all.map((g) => (by === 'id' ? g.id : g.name)).sort(), key_info: keyInfo } };
}

export function groupPaths(s: IdentityStore): PathDef[] {
  return [
    {
      pattern: 'group',
      fields: GROUP_FIELDS,
      synopsis: 'Create a new group, or update one when its id or name is given.',
      operations: {
        update: (_r, d) => {
          const id = d.get<string>('id');
          if (id) {
            const g = s.groups.get(id);
            if (!g) throw userError('invalid group ID');
            return upsert(s, g, d);
          }
          const name = d.get<string>('name');
          return upsert(s, name ? s.groupByName(name) : undefined, d, name);
        },
      },
    },
    { pattern: 'group/id/?', operations: { list: () => listGroups(s, 'id') } },
    { pattern: 'group/name/?', operations: { list: () => listGroups(s, 'name') } },
    {
      pattern: 'group/id/(?<id>[^/]+)',
      fields: GROUP_FIELDS,
      operations: {
        read: (r) => {
          const g = s.groups.get(r.params.id);
          if (!g) throw notFound();
          return { data: groupData(s, g) };
        },
        update: (r, d) => {
          const g = s.groups.get(r.params.id);
          if (!g) throw userError('invalid group ID');
          return upsert(s, g, d);
        },
        delete: async (r) => {
          await s.deleteGroup(r.params.id);
        },
      },
    },
    {
      pattern: 'group/name/(?<name>[^/]+)',
      fields: GROUP_FIELDS,
      operations: {
        read: (r) => {
          const g = s.groupByName(r.params.name);
          if (!g) throw notFound();
          return { data: groupData(s, g) };
        },
        update: (r, d) => upsert(s, s.groupByName(r.params.name), d, r.params.name),
        delete: async (r) => {
          const g = s.groupByName(r.params.name);
          if (g) await s.deleteGroup(g.id);
        },
      },
    },
  ];
}
