/** The named keys of one transit mount: load, cache, lock, create, save, auto-rotate. */
import type { Clock } from '../../sdk/clock.js';
import type { StorageView } from '../../sdk/storage.js';
import type { KeyType, StoredKey } from './key-types.js';
import { TransitKey } from './key.js';

/** Loads, caches, creates and saves named keys for one mount. */
export class KeyStore {
  private cache = new Map<string, TransitKey>();
  private locks = new Map<string, Promise<unknown>>();
  constructor(
    private readonly storage: StorageView,
    private readonly clock: Clock,
  ) {}

  invalidate() {
    this.cache.clear();
  }

  /** Runs `fn` with the key's name locked, so read-modify-write never interleaves. */
  async locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(name) ?? Promise.resolve();
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const chained = prev.then(() => next);
    this.locks.set(name, chained);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(name) === chained) this.locks.delete(name);
    }
  }

  async get(name: string): Promise<TransitKey | undefined> {
    let k = this.cache.get(name);
    if (!k) {
      const s = await this.storage.getJSON<StoredKey>(`policy/${name}`);
      if (!s) return undefined;
      k = new TransitKey(s);
      this.cache.set(name, k);
    }
    await this.autoRotate(k);
    return k;
  }

  /** Rotates on the engine clock when `auto_rotate_period` has elapsed since the last rotation. */
  private async autoRotate(k: TransitKey) {
    const p = k.s.auto_rotate_period;
    if (!p || this.clock.nowMs() < k.s.last_rotated + p * 1000) return;
    await this.locked(k.name, async () => {
      if (this.clock.nowMs() < k.s.last_rotated + p * 1000) return;
      await k.addVersion(this.clock);
      await this.save(k);
    });
  }

  async save(k: TransitKey) {
    await this.storage.putJSON(`policy/${k.name}`, k.s);
    this.cache.set(k.name, k);
  }

  async delete(name: string) {
    await this.storage.delete(`policy/${name}`);
    this.cache.delete(name);
  }

  async list(): Promise<string[]> {
    return (await this.storage.list('policy/')).filter((k) => !k.endsWith('/'));
  }

  /** Creates a key with its first version. */
  async create(
    name: string,
    o: {
      type: KeyType;
      derived?: boolean;
      convergent?: boolean;
      exportable?: boolean;
      allowPlaintextBackup?: boolean;
      keySize?: number;
      autoRotatePeriod?: number;
    },
  ): Promise<TransitKey> {
    const s: StoredKey = {
      name,
      type: o.type,
      derived: !!o.derived,
      kdf: 'hkdf_sha256',
      convergent_encryption: !!o.convergent,
      convergent_version: o.convergent ? 3 : 0,
      exportable: !!o.exportable,
      allow_plaintext_backup: !!o.allowPlaintextBackup,
      deletion_allowed: false,
      min_decryption_version: 1,
      min_encryption_version: 0,
      min_available_version: 0,
      latest_version: 0,
      auto_rotate_period: o.autoRotatePeriod ?? 0,
      key_size: o.type === 'hmac' ? o.keySize || 32 : 0,
      last_rotated: this.clock.nowMs(),
      keys: {},
    };
    const k = new TransitKey(s);
    await k.addVersion(this.clock);
    await this.save(k);
    return k;
  }

  async config(): Promise<{ disable_upsert: boolean }> {
    return (await this.storage.getJSON<{ disable_upsert: boolean }>('config/keys')) ?? { disable_upsert: false };
  }
  async setConfig(c: { disable_upsert: boolean }) {
    await this.storage.putJSON('config/keys', c);
  }
}
