/**
 * The identity store's data: entities, entity aliases, groups and group aliases, kept in
 * memory (loaded once when the mount comes up) and written through to storage. Every change
 * bumps `generation`, which keys the per-entity resolution cache and the core's ACL cache.
 */
import { VaultError, userError } from '../../sdk/errors.js';
import { rfc3339Nano, uuid } from '../../sdk/ids.js';
import type { Clock } from '../../sdk/clock.js';
import type { StorageView } from '../../sdk/storage.js';
import type { LoginAlias, LoginMount, ResolvedGroup, ResolvedIdentity } from '../../sdk/identity.js';

export interface Entity {
  id: string;
  name: string;
  policies: string[];
  metadata: Record<string, string> | null;
  disabled: boolean;
  merged_entity_ids: string[] | null;
  creation_time: number;
  last_update_time: number;
}

export interface Alias {
  id: string;
  canonical_id: string;
  mount_accessor: string;
  mount_path: string;
  mount_type: string;
  name: string;
  metadata: Record<string, string> | null;
  custom_metadata: Record<string, string> | null;
  local: boolean;
  merged_from_canonical_ids: string[] | null;
  creation_time: number;
  last_update_time: number;
}

export interface Group {
  id: string;
  name: string;
  type: 'internal' | 'external';
  policies: string[];
  metadata: Record<string, string> | null;
  member_entity_ids: string[];
  member_group_ids: string[];
  modify_index: number;
  creation_time: number;
  last_update_time: number;
}

type Kind = 'entity' | 'alias' | 'group' | 'galias';

export class IdentityStore {
  readonly entities = new Map<string, Entity>();
  readonly aliases = new Map<string, Alias>();
  readonly groups = new Map<string, Group>();
  readonly groupAliases = new Map<string, Alias>();
  /** Merged-away entity id → the id it was merged into (tokens carrying it keep working). */
  readonly mergedInto = new Map<string, string>();
  /** External group id → entity ids that logged in with one of its aliases. */
  readonly externalMembers = new Map<string, Set<string>>();
  generation = 0;
  private resolved = new Map<string, ResolvedIdentity>();
  private resolvedAt = -1;

  constructor(
    private readonly view: StorageView,
    private readonly clock: Clock,
  ) {}

  async load(): Promise<void> {
    const tables: Array<[Kind, Map<string, unknown>]> = [
      ['entity', this.entities],
      ['alias', this.aliases],
      ['group', this.groups],
      ['galias', this.groupAliases],
    ];
    for (const [kind, map] of tables)
      for (const id of await this.view.list(`${kind}/`)) {
        const v = await this.view.getJSON(`${kind}/${id}`);
        if (v) map.set(id, v);
      }
    const ext = await this.view.getJSON<Record<string, string[]>>('external-members');
    for (const [g, ids] of Object.entries(ext ?? {})) this.externalMembers.set(g, new Set(ids));
    for (const e of this.entities.values()) for (const m of e.merged_entity_ids ?? []) this.mergedInto.set(m, e.id);
  }

  now() {
    return this.clock.nowMs();
  }

  private async put(kind: Kind, v: { id: string }) {
    this.generation++;
    await this.view.putJSON(`${kind}/${v.id}`, v);
  }
  private async drop(kind: Kind, id: string) {
    this.generation++;
    await this.view.delete(`${kind}/${id}`);
  }
  saveEntity = (e: Entity) => this.put('entity', e);
  saveAlias = (a: Alias) => this.put('alias', a);
  saveGroup = (g: Group) => this.put('group', g);
  saveGroupAlias = (a: Alias) => this.put('galias', a);

  // ---------------------------------------------------------------- finding

  entityByName(name: string): Entity | undefined {
    const n = name.toLowerCase();
    for (const e of this.entities.values()) if (e.name.toLowerCase() === n) return e;
    return undefined;
  }
  groupByName(name: string): Group | undefined {
    const n = name.toLowerCase();
    for (const g of this.groups.values()) if (g.name.toLowerCase() === n) return g;
    return undefined;
  }
  aliasesOf(entityId: string): Alias[] {
    return [...this.aliases.values()].filter((a) => a.canonical_id === entityId);
  }
  aliasByFactors(accessor: string, name: string, table = this.aliases): Alias | undefined {
    for (const a of table.values()) if (a.mount_accessor === accessor && a.name === name) return a;
    return undefined;
  }
  groupAliasOf(groupId: string): Alias | undefined {
    for (const a of this.groupAliases.values()) if (a.canonical_id === groupId) return a;
    return undefined;
  }
  /** Groups whose member_group_ids list this group. */
  parentsOf(groupId: string): Group[] {
    return [...this.groups.values()].filter((g) => g.member_group_ids.includes(groupId));
  }
  directGroups(entityId: string): Group[] {
    return [...this.groups.values()].filter(
      (g) => g.member_entity_ids.includes(entityId) || this.externalMembers.get(g.id)?.has(entityId),
    );
  }
  /** Groups reached upwards from the direct ones, excluding them. */
  inheritedGroups(entityId: string): Group[] {
    const direct = this.directGroups(entityId);
    const seen = new Set(direct.map((g) => g.id));
    const out: Group[] = [];
    const queue = [...direct];
    while (queue.length) {
      for (const p of this.parentsOf(queue.shift()!.id)) {
        if (seen.has(p.id)) continue;
        seen.add(p.id);
        out.push(p);
        queue.push(p);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- entities

  newEntity(fields: Partial<Entity> = {}): Entity {
    const id = fields.id || uuid();
    const now = this.now();
    return {
      id,
      name: fields.name || `entity_${id.replace(/-/g, '').slice(0, 8)}`,
      policies: fields.policies ?? [],
      metadata: fields.metadata ?? null,
      disabled: fields.disabled ?? false,
      merged_entity_ids: null,
      creation_time: now,
      last_update_time: now,
    };
  }

  /** Deletes an entity with its aliases and its group memberships. */
  async deleteEntity(id: string): Promise<void> {
    if (!this.entities.has(id)) return;
    for (const a of this.aliasesOf(id)) {
      this.aliases.delete(a.id);
      await this.drop('alias', a.id);
    }
    for (const g of this.groups.values())
      if (g.member_entity_ids.includes(id)) {
        g.member_entity_ids = g.member_entity_ids.filter((x) => x !== id);
        await this.saveGroup(g);
      }
    for (const [g, ids] of this.externalMembers) if (ids.delete(id)) await this.saveExternal(g);
    this.entities.delete(id);
    await this.drop('entity', id);
  }

  async deleteAlias(id: string): Promise<void> {
    if (!this.aliases.delete(id)) return;
    await this.drop('alias', id);
  }

  async deleteGroup(id: string): Promise<void> {
    const g = this.groups.get(id);
    if (!g) return;
    const a = this.groupAliasOf(id);
    if (a) {
      this.groupAliases.delete(a.id);
      await this.drop('galias', a.id);
    }
    for (const p of this.parentsOf(id)) {
      p.member_group_ids = p.member_group_ids.filter((x) => x !== id);
      await this.saveGroup(p);
    }
    this.externalMembers.delete(id);
    this.groups.delete(id);
    await this.drop('group', id);
  }

  async deleteGroupAlias(id: string): Promise<void> {
    if (!this.groupAliases.delete(id)) return;
    await this.drop('galias', id);
  }

  private async saveExternal(_g: string) {
    this.generation++;
    const out: Record<string, string[]> = {};
    for (const [k, v] of this.externalMembers) if (v.size) out[k] = [...v];
    await this.view.putJSON('external-members', out);
  }

  // ---------------------------------------------------------------- logins

  /** Vault's login flow: the alias's entity (its metadata refreshed) or a new entity and alias. */
  async loginEntity(mount: LoginMount, login: LoginAlias, groupAliases: string[] = []): Promise<string> {
    let alias = this.aliasByFactors(mount.accessor, login.name);
    let entity = alias ? this.entities.get(alias.canonical_id) : undefined;
    const metadata = login.metadata && Object.keys(login.metadata).length ? login.metadata : null;
    if (!alias || !entity) {
      entity = this.newEntity();
      this.entities.set(entity.id, entity);
      await this.saveEntity(entity);
      const now = this.now();
      alias = {
        id: alias?.id ?? uuid(),
        canonical_id: entity.id,
        mount_accessor: mount.accessor,
        mount_path: mount.path,
        mount_type: mount.type,
        name: login.name,
        metadata,
        custom_metadata: alias?.custom_metadata ?? null,
        local: !!mount.local,
        merged_from_canonical_ids: null,
        creation_time: now,
        last_update_time: now,
      };
      this.aliases.set(alias.id, alias);
      await this.saveAlias(alias);
    } else if (JSON.stringify(alias.metadata) !== JSON.stringify(metadata)) {
      alias.metadata = metadata;
      alias.last_update_time = this.now();
      await this.saveAlias(alias);
    }
    if (entity.disabled) throw new VaultError(403, 'permission denied', { multi: true });
    // External groups: the login's group aliases decide which of them the entity is in.
    for (const g of this.groups.values()) {
      if (g.type !== 'external') continue;
      const ga = this.groupAliasOf(g.id);
      const member = !!ga && ga.mount_accessor === mount.accessor && groupAliases.includes(ga.name);
      const set = this.externalMembers.get(g.id) ?? new Set<string>();
      if (member === set.has(entity.id)) continue;
      if (member) set.add(entity.id);
      else set.delete(entity.id);
      this.externalMembers.set(g.id, set);
      await this.saveExternal(g.id);
    }
    return entity.id;
  }

  // ---------------------------------------------------------------- resolution

  resolve(entityId: string): ResolvedIdentity | undefined {
    if (this.resolvedAt !== this.generation) {
      this.resolved.clear();
      this.resolvedAt = this.generation;
    }
    const hit = this.resolved.get(entityId);
    if (hit) return hit;
    const id = this.entities.has(entityId) ? entityId : this.mergedInto.get(entityId);
    const e = id ? this.entities.get(id) : undefined;
    if (!e) return undefined;
    const groups: ResolvedGroup[] = [...this.directGroups(e.id), ...this.inheritedGroups(e.id)].map((g) => ({
      id: g.id,
      name: g.name,
      metadata: g.metadata ?? {},
      policies: g.policies,
    }));
    const sources: Record<string, string[]> = {};
    const add = (p: string, from: string) => (sources[p] ??= []).push(from);
    for (const p of e.policies) add(p, `entity ${e.name}`);
    for (const g of groups) for (const p of g.policies) add(p, `group ${g.name}`);
    const r: ResolvedIdentity = {
      entityId: e.id,
      name: e.name,
      disabled: e.disabled,
      metadata: e.metadata ?? {},
      aliases: this.aliasesOf(e.id).map((a) => ({
        id: a.id,
        name: a.name,
        mountAccessor: a.mount_accessor,
        metadata: a.metadata ?? {},
        customMetadata: a.custom_metadata ?? {},
      })),
      groups,
      policies: Object.keys(sources).sort(),
      sources,
      version: `${e.id}@${this.generation}`,
    };
    this.resolved.set(entityId, r);
    return r;
  }

  time(ms: number) {
    return rfc3339Nano(ms);
  }
}

export const policiesCannotContainRoot = (ps: string[]) => {
  if (ps.some((p) => p.toLowerCase() === 'root')) throw userError('policies cannot contain root');
  return ps;
};
