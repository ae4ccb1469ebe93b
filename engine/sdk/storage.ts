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

/** Parsed, frozen JSON of in-memory storage buffers (see frozenParse). */
const parsed = new WeakMap<Buffer, unknown>();
const readOnce = new WeakSet<Buffer>();

/**
 * In-memory storage: each stored buffer is parsed once and frozen; a put stores a new
 * buffer, so a stale parse is never found. Copies of it are faster to make than parsing again.
 */
function frozenParse(b: Buffer): unknown {
  let v = parsed.get(b);
  if (v === undefined) {
    v = deepFreeze(JSON.parse(b.toString('utf8')));
    parsed.set(b, v);
  }
  return v;
}

export type DeepReadonly<T> = T extends (infer U)[]
  ? ReadonlyArray<DeepReadonly<U>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const k in v) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

/** A deep copy of JSON data (what JSON.parse makes): plain objects, arrays and primitives. */
function cloneJSON(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const a = new Array(v.length);
    for (let i = 0; i < v.length; i++) a[i] = cloneJSON(v[i]);
    return a;
  }
  const o: Record<string, unknown> = {};
  for (const k in v) {
    const x = cloneJSON((v as Record<string, unknown>)[k]);
    // JSON.parse makes "__proto__" an own property; plain assignment would set the prototype.
    if (k === '__proto__')
      Object.defineProperty(o, k, { value: x, enumerable: true, writable: true, configurable: true });
    else o[k] = x;
  }
  return o;
}

/** A prefixed window onto storage with JSON helpers; what a backend is given. */
export class StorageView {
  constructor(
    private readonly storage: Storage,
    readonly prefix: string,
  ) {}
  get(key: string) {
    return this.storage.get(this.prefix + key);
  }
  put(key: string, value: Buffer) {
    return this.storage.put(this.prefix + key, value);
  }
  delete(key: string) {
    return this.storage.delete(this.prefix + key);
  }
  /** Whether a key is present, without reading (in memory) or decoding its value. */
  async has(key: string): Promise<boolean> {
    if (this.storage.peek) return this.storage.peek(this.prefix + key) !== undefined;
    return (await this.get(key)) !== undefined;
  }
  list(prefix: string) {
    return this.storage.list(this.prefix + prefix);
  }
  async getJSON<T>(key: string): Promise<T | undefined> {
    if (!this.storage.peek) {
      const b = await this.get(key);
      return b ? (JSON.parse(b.toString('utf8')) as T) : undefined;
    }
    const b = this.storage.peek(this.prefix + key);
    if (!b) return undefined;
    // A value read once between writes (read-modify-write) is parsed as before; only a
    // second read of the same stored buffer makes the shared parse worth keeping.
    if (!parsed.has(b) && !readOnce.has(b)) {
      readOnce.add(b);
      return JSON.parse(b.toString('utf8')) as T;
    }
    return cloneJSON(frozenParse(b)) as T;
  }

  /**
   * Like getJSON, for readers that only read: in-memory storage hands out its one parsed,
   * deep-frozen copy of the value instead of a fresh one (a write throws).
   */
  async getJSONShared<T>(key: string): Promise<DeepReadonly<T> | undefined> {
    if (!this.storage.peek) return this.getJSON<T>(key) as Promise<DeepReadonly<T> | undefined>;
    const b = this.storage.peek(this.prefix + key);
    return b ? (frozenParse(b) as DeepReadonly<T>) : undefined;
  }
  putJSON(key: string, value: unknown) {
    return this.put(key, Buffer.from(JSON.stringify(value)));
  }
  sub(prefix: string) {
    return new StorageView(this.storage, this.prefix + prefix);
  }
  /** Deletes every key below this view (mount disable, token cubbyhole destroy). */
  async clear(prefix = ''): Promise<void> {
    for (const k of await this.list(prefix)) {
      if (k.endsWith('/')) await this.clear(prefix + k);
      else await this.delete(prefix + k);
    }
  }
}
