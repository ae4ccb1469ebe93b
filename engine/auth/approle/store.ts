/**
 * AppRole storage. Secret IDs are kept only as HMACs under a per-role key and prefix, and
 * accessors are indexed per role, so one role's path can never reach another role's
 * secret IDs. Expiry is judged on the engine clock whenever an entry is read.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Clock } from '../../sdk/clock.js';
import { sha256hex } from '../../sdk/ids.js';
import type { StorageView } from '../../sdk/storage.js';
import type { TokenParams } from '../common.js';

export interface RoleEntry extends TokenParams {
  name: string;
  role_id: string;
  hmac_key: string;
  bind_secret_id: boolean;
  secret_id_bound_cidrs: string[];
  secret_id_num_uses: number;
  secret_id_ttl: number;
  local_secret_ids: boolean;
}

export interface SecretIdEntry {
  secret_id_accessor: string;
  secret_id_num_uses: number;
  secret_id_ttl: number;
  creation_time: number;
  /** Unix ms, 0 = never. */
  expiration_time: number;
  last_updated_time: number;
  metadata: Record<string, string>;
  cidr_list: string[];
  token_bound_cidrs: string[];
}

export class AppRoleStore {
  constructor(
    private readonly storage: StorageView,
    private readonly clock: Clock,
  ) {}

  // -------------------------------------------------------------- roles
  getRole(name: string) {
    return this.storage.getJSON<RoleEntry>(`role/${name.toLowerCase()}`);
  }
  listRoles() {
    return this.storage.list('role/');
  }

  async roleByRoleId(roleId: string): Promise<RoleEntry | undefined> {
    const idx = await this.storage.getJSON<{ name: string }>(`role_id/${sha256hex(roleId)}`);
    return idx ? this.getRole(idx.name) : undefined;
  }

  /** Whether a role id is free for `name` (unused, or already this role's). */
  async roleIdFree(roleId: string, name: string): Promise<boolean> {
    const idx = await this.storage.getJSON<{ name: string }>(`role_id/${sha256hex(roleId)}`);
    return !idx || idx.name === name;
  }

  async putRole(role: RoleEntry, previousRoleId?: string): Promise<void> {
    if (previousRoleId && previousRoleId !== role.role_id)
      await this.storage.delete(`role_id/${sha256hex(previousRoleId)}`);
    await this.storage.putJSON(`role/${role.name}`, role);
    await this.storage.putJSON(`role_id/${sha256hex(role.role_id)}`, { name: role.name });
  }

  async deleteRole(role: RoleEntry): Promise<void> {
    await this.storage.clear(this.secretPrefix(role));
    await this.storage.clear(this.accessorPrefix(role));
    await this.storage.delete(`role_id/${sha256hex(role.role_id)}`);
    await this.storage.delete(`role/${role.name}`);
  }

  static newRole(name: string): Pick<RoleEntry, 'name' | 'role_id' | 'hmac_key'> {
    return { name, role_id: randomUUID(), hmac_key: randomUUID() };
  }

  // -------------------------------------------------------------- secret ids
  private hmac(role: RoleEntry, v: string) {
    return createHmac('sha256', role.hmac_key).update(v).digest('hex');
  }
  private secretPrefix(role: RoleEntry) {
    return `secret_id/${this.hmac(role, role.name)}/`;
  }
  private accessorPrefix(role: RoleEntry) {
    return `accessor/${this.hmac(role, role.name)}/`;
  }

  async hasSecretId(role: RoleEntry, secretId: string): Promise<boolean> {
    return !!(await this.storage.get(this.secretPrefix(role) + this.hmac(role, secretId)));
  }

  async putSecretId(role: RoleEntry, secretId: string, e: SecretIdEntry): Promise<void> {
    const h = this.hmac(role, secretId);
    await this.storage.putJSON(this.secretPrefix(role) + h, e);
    await this.storage.putJSON(this.accessorPrefix(role) + e.secret_id_accessor, { hmac: h });
  }

  private expired(e: SecretIdEntry) {
    return e.expiration_time > 0 && e.expiration_time <= this.clock.nowMs();
  }

  private async byHmac(role: RoleEntry, h: string): Promise<SecretIdEntry | undefined> {
    const e = await this.storage.getJSON<SecretIdEntry>(this.secretPrefix(role) + h);
    if (!e) return undefined;
    if (this.expired(e)) {
      await this.removeHmac(role, h, e);
      return undefined;
    }
    return e;
  }

  private async removeHmac(role: RoleEntry, h: string, e: SecretIdEntry) {
    await this.storage.delete(this.accessorPrefix(role) + e.secret_id_accessor);
    await this.storage.delete(this.secretPrefix(role) + h);
  }

  /** The live entry of a secret id of this role (expired ones are purged). */
  getSecretId(role: RoleEntry, secretId: string) {
    return this.byHmac(role, this.hmac(role, secretId));
  }

  async deleteSecretId(role: RoleEntry, secretId: string): Promise<boolean> {
    const h = this.hmac(role, secretId);
    const e = await this.storage.getJSON<SecretIdEntry>(this.secretPrefix(role) + h);
    if (!e) return false;
    await this.removeHmac(role, h, e);
    return true;
  }

  /** Spends one use of a secret id; the last use deletes it. */
  async useSecretId(role: RoleEntry, secretId: string, e: SecretIdEntry): Promise<void> {
    const h = this.hmac(role, secretId);
    if (e.secret_id_num_uses === 0) return;
    if (e.secret_id_num_uses === 1) {
      await this.removeHmac(role, h, e);
      return;
    }
    await this.storage.putJSON(this.secretPrefix(role) + h, {
      ...e,
      secret_id_num_uses: e.secret_id_num_uses - 1,
      last_updated_time: this.clock.nowMs(),
    });
  }

  async accessorEntry(role: RoleEntry, accessor: string): Promise<{ hmac: string; entry: SecretIdEntry } | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(accessor)) return undefined;
    const idx = await this.storage.getJSON<{ hmac: string }>(this.accessorPrefix(role) + accessor);
    if (!idx) return undefined;
    const entry = await this.byHmac(role, idx.hmac);
    return entry ? { hmac: idx.hmac, entry } : undefined;
  }

  async deleteByAccessor(role: RoleEntry, accessor: string): Promise<boolean> {
    const a = await this.accessorEntry(role, accessor);
    if (!a) return false;
    await this.removeHmac(role, a.hmac, a.entry);
    return true;
  }

  /** Deletes every expired secret id of every role (and dangling accessors); returns how many. */
  async tidy(): Promise<number> {
    let n = 0;
    for (const name of await this.listRoles()) {
      const role = await this.getRole(name);
      if (!role) continue;
      for (const h of await this.storage.list(this.secretPrefix(role))) {
        const e = await this.storage.getJSON<SecretIdEntry>(this.secretPrefix(role) + h);
        if (e && this.expired(e)) {
          await this.removeHmac(role, h, e);
          n++;
        }
      }
      for (const acc of await this.storage.list(this.accessorPrefix(role))) {
        const idx = await this.storage.getJSON<{ hmac: string }>(this.accessorPrefix(role) + acc);
        if (!idx || !(await this.storage.get(this.secretPrefix(role) + idx.hmac)))
          await this.storage.delete(this.accessorPrefix(role) + acc);
      }
    }
    return n;
  }

  /** Accessors of the role's live secret ids. */
  async accessors(role: RoleEntry): Promise<string[]> {
    const out: string[] = [];
    for (const acc of await this.storage.list(this.accessorPrefix(role))) {
      if (await this.accessorEntry(role, acc)) out.push(acc);
    }
    return out;
  }
}
