/**
 * Physical storage: a flat key → bytes map with folder-style listing.
 * Every piece of engine state lives here, so snapshots, restores and durable
 * backends come from one interface.
 */
export interface Storage {
  readonly kind: string;
  get(key: string): Promise<Buffer | undefined>;
  put(key: string, value: Buffer): Promise<void>;
  delete(key: string): Promise<void>;
  /** Immediate children of `prefix` (which ends in `/` or is empty); folders end in `/`. Sorted. */
  list(prefix: string): Promise<string[]>;
  /** Every entry, for snapshots. */
  entries(): Promise<Array<[string, Buffer]>>;
  /** Replaces the whole content (restore). */
  replaceAll(entries: Array<[string, Buffer]>): Promise<void>;
  /**
   * Optional synchronous read of the stored bytes without a copy, for storages that hold
   * everything in memory. The caller must not modify or keep the buffer (JSON reads parse it at once).
   */
  peek?(key: string): Buffer | undefined;
}

export class MemoryStorage implements Storage {
  readonly kind = 'inmem';
  private map = new Map<string, Buffer>();
  async get(key: string) { const v = this.map.get(key); return v ? Buffer.from(v) : undefined; }
  peek(key: string) { return this.map.get(key); }
  async put(key: string, value: Buffer) { this.map.set(key, Buffer.from(value)); }
  async delete(key: string) { this.map.delete(key); }
  async list(prefix: string) {
    const out = new Set<string>();
    for (const k of this.map.keys()) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const i = rest.indexOf('/');
      out.add(i === -1 ? rest : rest.slice(0, i + 1));
    }
    return [...out].sort();
  }
  async entries() { return [...this.map.entries()].map(([k, v]) => [k, Buffer.from(v)] as [string, Buffer]); }
  async replaceAll(entries: Array<[string, Buffer]>) { this.map = new Map(entries.map(([k, v]) => [k, Buffer.from(v)])); }
}

/** A prefixed window onto storage with JSON helpers; what a backend is given. */
export class StorageView {
  constructor(private readonly storage: Storage, readonly prefix: string) {}
  get(key: string) { return this.storage.get(this.prefix + key); }
  put(key: string, value: Buffer) { return this.storage.put(this.prefix + key, value); }
  delete(key: string) { return this.storage.delete(this.prefix + key); }
  list(prefix: string) { return this.storage.list(this.prefix + prefix); }
  async getJSON<T>(key: string): Promise<T | undefined> {
    // In-memory storage: parse the stored bytes in place (JSON.parse copies) and skip an await.
    const b = this.storage.peek ? this.storage.peek(this.prefix + key) : await this.get(key);
    return b ? (JSON.parse(b.toString('utf8')) as T) : undefined;
  }
  putJSON(key: string, value: unknown) { return this.put(key, Buffer.from(JSON.stringify(value))); }
  sub(prefix: string) { return new StorageView(this.storage, this.prefix + prefix); }
  /** Deletes every key below this view (mount disable, token cubbyhole destroy). */
  async clear(prefix = ''): Promise<void> {
    for (const k of await this.list(prefix)) {
      if (k.endsWith('/')) await this.clear(prefix + k);
      else await this.delete(prefix + k);
    }
  }
}
