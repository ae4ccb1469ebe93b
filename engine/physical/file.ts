/**
 * The file storage backend: one file per key under a private folder.
 *
 * Durability contract: `put` and `delete` resolve only once the change is on disk —
 * the entry is written to a temporary file, fsync'd, renamed over the final name
 * (atomic on POSIX) and the folder is fsync'd, so a kill -9 at any moment leaves
 * either the old entry or the new one, never a torn one. Each record carries its own
 * key and a checksum, so a file moved to another name or damaged on disk is refused
 * instead of being returned. Folder 0700, files 0600.
 *
 * Layout: key `a/b/c` lives in `<root>/a/b/_c`; segments are percent-encoded so any
 * key maps to a safe name, and leaves carry a `_` so a leaf and a folder never collide.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Storage } from '../sdk/storage.js';

const MAGIC = Buffer.from('VLS1');
const SUM_LEN = 16;
/** Longest encoded leaf name kept as is; longer names are hashed (the key is inside the record). */
const MAX_NAME = 200;

/** Raised when a stored record is damaged or does not belong to the key asked for. */
export class StorageCorruptError extends Error {
  constructor(
    readonly key: string,
    why: string,
  ) {
    super(`storage entry "${key}" is corrupt: ${why}`);
  }
}

function encodeSegment(s: string): string {
  if (s === '') return '%';
  let out = '';
  for (const ch of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(ch);
    out +=
      /[A-Za-z0-9_-]/.test(c) || (c === '.' && out !== '') ? c : '%' + ch.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function decodeSegment(s: string): string {
  if (s === '%') return '';
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(s.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

function checksum(parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest().subarray(0, SUM_LEN);
}

/** Serialises one entry: magic, key length, key, value length, value, checksum. */
export function encodeRecord(key: string, value: Buffer): Buffer {
  const k = Buffer.from(key, 'utf8');
  const kl = Buffer.alloc(4);
  kl.writeUInt32BE(k.length);
  const vl = Buffer.alloc(4);
  vl.writeUInt32BE(value.length);
  const body = [MAGIC, kl, k, vl, value];
  return Buffer.concat([...body, checksum(body)]);
}

/** Parses and verifies a record for `key`. @throws StorageCorruptError */
export function decodeRecord(key: string, buf: Buffer): Buffer {
  const bad = (why: string) => new StorageCorruptError(key, why);
  if (buf.length < MAGIC.length + 8 + SUM_LEN || !buf.subarray(0, 4).equals(MAGIC)) throw bad('not a storage record');
  const kl = buf.readUInt32BE(4);
  if (8 + kl + 4 + SUM_LEN > buf.length) throw bad('truncated');
  const k = buf.subarray(8, 8 + kl);
  const vl = buf.readUInt32BE(8 + kl);
  const vStart = 12 + kl;
  if (vStart + vl + SUM_LEN !== buf.length) throw bad('truncated');
  const value = buf.subarray(vStart, vStart + vl);
  const sum = buf.subarray(vStart + vl);
  if (!checksum([buf.subarray(0, vStart + vl)]).equals(sum)) throw bad('checksum mismatch');
  if (k.toString('utf8') !== key) throw bad('the record belongs to another key');
  return Buffer.from(value);
}

export class FileStorage implements Storage {
  readonly kind = 'file';
  /** Per-key write chains, so two writes to one key land in call order. */
  private chains = new Map<string, Promise<unknown>>();
  /** Folders known to exist (this backend never removes one), to skip mkdir calls. */
  private known = new Set<string>();
  /** Folder fsyncs in progress and the one queued behind each (group commit). */
  private dirSyncs = new Map<string, { running: Promise<void> | null; next: Promise<void> | null }>();

  /**
   * Read cache (this process is the folder's only writer): key → copy of the value, or
   * null for "known absent". Bounded, least recently used out first. Each key has a
   * generation bumped by every write, so a read that raced a write never caches the
   * value it read from before the write.
   */
  private cache = new Map<string, Buffer | null>();
  private gens = new Map<string, number>();

  private constructor(
    readonly root: string,
    private readonly cacheSize = 0,
  ) {}

  /**
   * Opens (creating if needed) a storage folder and sweeps temporary files a crash
   * may have left behind.
   * @example const s = await FileStorage.open('/var/lib/vault-lab/data');
   */
  static async open(root: string, opts: { cache?: number } = {}): Promise<FileStorage> {
    const abs = path.resolve(root);
    await fsp.mkdir(abs, { recursive: true, mode: 0o700 });
    await fsp.chmod(abs, 0o700);
    const s = new FileStorage(abs, opts.cache ?? 0);
    await s.sweep(abs);
    return s;
  }

  private async sweep(dir: string): Promise<void> {
    for (const d of await fsp.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) await this.sweep(p);
      else if (d.name.startsWith('.tmp-')) await fsp.rm(p, { force: true });
    }
  }

  private locate(key: string): { dir: string; file: string; segs: string[] } {
    const parts = key.split('/');
    const leaf = parts.pop()!;
    const segs = parts.map(encodeSegment);
    let name = '_' + encodeSegment(leaf);
    if (name.length > MAX_NAME) name = '#' + createHash('sha256').update(leaf).digest('hex');
    const dir = path.join(this.root, ...segs);
    return { dir, file: path.join(dir, name), segs };
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return next;
  }

  async get(key: string): Promise<Buffer | undefined> {
    if (this.cacheSize && this.cache.has(key)) {
      const hit = this.cache.get(key)!;
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit ? Buffer.from(hit) : undefined;
    }
    const gen = this.gens.get(key) ?? 0;
    const { file } = this.locate(key);
    let buf: Buffer;
    try {
      buf = await fsp.readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
        this.remember(key, null, gen);
        return undefined;
      }
      throw e;
    }
    const value = decodeRecord(key, buf);
    this.remember(key, value, gen);
    return Buffer.from(value);
  }

  private remember(key: string, value: Buffer | null, gen: number) {
    if (!this.cacheSize || (this.gens.get(key) ?? 0) !== gen) return;
    this.cache.delete(key);
    this.cache.set(key, value ? Buffer.from(value) : null);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }

  /** A write to `key` is starting: whatever a read in flight saw is stale. */
  private bump(key: string) {
    if (!this.cacheSize) return;
    this.cache.delete(key);
    this.gens.set(key, (this.gens.get(key) ?? 0) + 1);
  }

  put(key: string, input: Buffer): Promise<void> {
    const value = Buffer.from(input);
    return this.serial(key, async () => {
      this.bump(key);
      const { dir, file, segs } = this.locate(key);
      await this.mkdirs(segs);
      const tmp = path.join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
      const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL;
      let fh: fsp.FileHandle;
      try {
        fh = await fsp.open(tmp, flags, 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        // A folder vanished behind our back: forget what we knew and create it again.
        this.known.clear();
        await this.mkdirs(segs);
        fh = await fsp.open(tmp, flags, 0o600);
      }
      try {
        await fh.writeFile(encodeRecord(key, value));
        await fh.sync();
      } catch (e) {
        await fh.close().catch(() => undefined);
        await fsp.rm(tmp, { force: true });
        throw e;
      }
      await fh.close();
      await fsp.rename(tmp, file);
      await this.syncDirShared(dir);
      this.remember(key, value, this.gens.get(key) ?? 0);
    });
  }

  delete(key: string): Promise<void> {
    return this.serial(key, async () => {
      this.bump(key);
      const { dir, file } = this.locate(key);
      try {
        await fsp.unlink(file);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return;
        throw e;
      }
      await this.syncDirShared(dir);
    });
  }

  /**
   * fsyncs a folder on behalf of every writer that renamed into it before the sync began:
   * concurrent writers share one folder fsync instead of queueing one each.
   */
  private syncDirShared(dir: string): Promise<void> {
    let st = this.dirSyncs.get(dir);
    if (!st) {
      st = { running: null, next: null };
      this.dirSyncs.set(dir, st);
    }
    const s = st;
    const start = (): Promise<void> => {
      const run = syncDir(dir).finally(() => {
        if (s.running === run) s.running = null;
        if (!s.running && !s.next) this.dirSyncs.delete(dir);
      });
      s.running = run;
      return run;
    };
    if (!s.running) return start();
    // A sync is already under way but may have begun before our rename: join the next one.
    if (!s.next) {
      s.next = s.running
        .catch(() => undefined)
        .then(() => {
          s.next = null;
          return start();
        });
    }
    return s.next;
  }

  /** Creates missing folders (0700), fsyncing each parent so the new folder survives a crash. */
  private async mkdirs(segs: string[]): Promise<void> {
    let cur = this.root;
    for (const s of segs) {
      const next = path.join(cur, s);
      if (this.known.has(next)) {
        cur = next;
        continue;
      }
      try {
        await fsp.mkdir(next, { mode: 0o700 });
        await syncDir(cur);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      this.known.add(next);
      cur = next;
    }
  }

  async list(prefix: string): Promise<string[]> {
    // A prefix that does not end in `/` lists the folder it is in, filtered by the rest.
    const cut = prefix.lastIndexOf('/');
    const folder = prefix.slice(0, cut + 1);
    const partial = prefix.slice(cut + 1);
    const segs = folder ? folder.slice(0, -1).split('/').map(encodeSegment) : [];
    const dir = path.join(this.root, ...segs);
    let ents: fs.Dirent[];
    try {
      ents = await fsp.readdir(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw e;
    }
    const out = new Set<string>();
    for (const d of ents) {
      let name: string | undefined;
      if (d.isDirectory()) {
        if (await this.hasLeaf(path.join(dir, d.name))) name = decodeSegment(d.name) + '/';
      } else if (d.name.startsWith('_')) {
        name = decodeSegment(d.name.slice(1));
      } else if (d.name.startsWith('#')) {
        name = await this.keyOf(path.join(dir, d.name)).then((k) => k?.slice(folder.length));
      }
      if (name?.startsWith(partial)) out.add(name.slice(partial.length));
    }
    return [...out].sort();
  }

  /** The key stored inside a record (for hashed long names). */
  private async keyOf(file: string): Promise<string | undefined> {
    try {
      const b = await fsp.readFile(file);
      if (b.length < 8 || !b.subarray(0, 4).equals(MAGIC)) return undefined;
      return b.subarray(8, 8 + b.readUInt32BE(4)).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /** Whether a folder holds at least one entry (deletes leave empty folders behind). */
  private async hasLeaf(dir: string): Promise<boolean> {
    let ents: fs.Dirent[];
    try {
      ents = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const d of ents) if (!d.isDirectory() && (d.name.startsWith('_') || d.name.startsWith('#'))) return true;
    for (const d of ents) if (d.isDirectory() && (await this.hasLeaf(path.join(dir, d.name)))) return true;
    return false;
  }

  async entries(): Promise<Array<[string, Buffer]>> {
    const out: Array<[string, Buffer]> = [];
    const walk = async (prefix: string) => {
      for (const k of await this.list(prefix)) {
        if (k.endsWith('/')) await walk(prefix + k);
        else {
          const v = await this.get(prefix + k);
          if (v) out.push([prefix + k, v]);
        }
      }
    };
    await walk('');
    return out;
  }

  async replaceAll(entries: Array<[string, Buffer]>): Promise<void> {
    const keep = new Set(entries.map(([k]) => k));
    for (const [k] of await this.entries()) if (!keep.has(k)) await this.delete(k);
    for (const [k, v] of entries) await this.put(k, v);
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
