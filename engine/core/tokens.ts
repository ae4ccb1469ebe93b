/**
 * The token store: service tokens kept in storage by the hash of their id, with an
 * accessor index and a parent → child index so revoking a token revokes its subtree.
 */
import type { Clock } from '../sdk/clock.js';
import { base62, sha256hex } from '../sdk/ids.js';
import type { StorageView } from '../sdk/storage.js';
import type { TokenEntry } from '../sdk/types.js';

export const SYSTEM_MAX_TTL = 768 * 3600;

export class TokenStore {
  /** Called for every token that is revoked (leases, cubbyhole, expiry timers). */
  onRevoke: Array<(t: TokenEntry) => Promise<void>> = [];

  constructor(
    private readonly view: StorageView,
    private readonly clock: Clock,
  ) {}

  /** Token id → storage key; hashing on every request showed in profiles, so recent ids are remembered. */
  private keys = new Map<string, string>();
  private key(id: string) {
    let k = this.keys.get(id);
    if (k === undefined) {
      if (this.keys.size >= 10_000) this.keys.clear();
      k = `id/${sha256hex(id)}`;
      this.keys.set(id, k);
    }
    return k;
  }

  async create(fields: Omit<TokenEntry, 'id' | 'accessor' | 'creationTime'> & { id?: string }): Promise<TokenEntry> {
    const id =
      fields.id || (fields.type === 'batch' ? 'hvb.' : 'hvs.') + base62(fields.path === 'auth/token/root' ? 24 : 91);
    const entry: TokenEntry = {
      ...fields,
      id,
      accessor: fields.type === 'batch' ? '' : base62(24),
      creationTime: this.clock.unix(),
      issueMs: this.clock.nowMs(),
    };
    if (await this.view.get(this.key(id))) throw new Error('cannot create a token with a duplicate ID');
    await this.save(entry);
    if (entry.accessor) await this.view.putJSON(`accessor/${entry.accessor}`, { hash: sha256hex(id) });
    if (entry.parent) await this.view.put(`parent/${sha256hex(entry.parent)}/${sha256hex(id)}`, Buffer.from(id));
    return entry;
  }

  save(entry: TokenEntry) {
    return this.view.putJSON(this.key(entry.id), entry);
  }

  /** The live token, or undefined when unknown, revoked or expired. */
  async lookup(id: string | undefined): Promise<TokenEntry | undefined> {
    if (!id) return undefined;
    const e = await this.view.getJSON<TokenEntry>(this.key(id));
    if (!e) return undefined;
    if (e.expireAt !== null && e.expireAt <= this.clock.nowMs()) {
      await this.revokeTree(e.id);
      return undefined;
    }
    return e;
  }

  async lookupAccessor(accessor: string): Promise<TokenEntry | undefined> {
    if (!accessor) return undefined;
    const idx = await this.view.getJSON<{ hash: string }>(`accessor/${accessor}`);
    if (!idx) return undefined;
    const e = await this.view.getJSON<TokenEntry>(`id/${idx.hash}`);
    if (!e) return undefined;
    return this.lookup(e.id);
  }

  async children(id: string): Promise<string[]> {
    const prefix = `parent/${sha256hex(id)}/`;
    const out: string[] = [];
    for (const k of await this.view.list(prefix)) {
      const b = await this.view.get(prefix + k);
      if (b) out.push(b.toString());
    }
    return out;
  }

  /** Revokes the token, all of its descendants, and (through onRevoke) their leases. */
  async revokeTree(id: string): Promise<void> {
    for (const child of await this.children(id)) await this.revokeTree(child);
    await this.revokeOne(id);
  }

  /** Revokes only this token; its children become orphans. */
  async revokeOrphan(id: string): Promise<void> {
    for (const child of await this.children(id)) {
      const c = await this.view.getJSON<TokenEntry>(this.key(child));
      if (c) {
        c.parent = '';
        c.orphan = true;
        await this.save(c);
      }
    }
    await this.revokeOne(id);
  }

  private async revokeOne(id: string): Promise<void> {
    const e = await this.view.getJSON<TokenEntry>(this.key(id));
    if (!e) return;
    await this.view.delete(this.key(id));
    if (e.accessor) await this.view.delete(`accessor/${e.accessor}`);
    if (e.parent) await this.view.delete(`parent/${sha256hex(e.parent)}/${sha256hex(id)}`);
    await this.view.clear(`parent/${sha256hex(id)}/`);
    for (const h of this.onRevoke) await h(e);
  }

  /** Consumes one use; returns whether the token must be revoked after this request. */
  async use(e: TokenEntry): Promise<boolean> {
    if (e.numUses <= 0) return false;
    e.numUses -= 1;
    if (e.numUses === 0) return true;
    await this.save(e);
    return false;
  }

  async accessors(): Promise<string[]> {
    return this.view.list('accessor/');
  }

  /** Every stored token (for re-arming expiry after a restore). */
  async all(): Promise<TokenEntry[]> {
    const out: TokenEntry[] = [];
    for (const k of await this.view.list('id/')) {
      const e = await this.view.getJSON<TokenEntry>(`id/${k}`);
      if (e) out.push(e);
    }
    return out;
  }
}
