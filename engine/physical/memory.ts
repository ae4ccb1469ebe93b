/** In-memory physical storage (dev servers, tests): a map plus a folder index for fast LISTs. */
import type { Storage } from '../sdk/storage.js';

/** A folder of the in-memory index: the keys that end here, and the folders below. */
interface Folder {
  files: Set<string>;
  folders: Map<string, Folder>;
}
const folder = (): Folder => ({ files: new Set(), folders: new Map() });

export class MemoryStorage implements Storage {
  readonly kind = 'inmem';
  private map = new Map<string, Buffer>();
  /**
   * Keys by folder, so a listing reads one folder instead of scanning every key: with tens
   * of thousands of tokens in store, a scan made each LIST cost milliseconds.
   */
  private tree = folder();
  async get(key: string) {
    const v = this.map.get(key);
    return v ? Buffer.from(v) : undefined;
  }
  peek(key: string) {
    return this.map.get(key);
  }
  async put(key: string, value: Buffer) {
    if (!this.map.has(key)) this.index(key);
    this.map.set(key, Buffer.from(value));
  }
  async delete(key: string) {
    if (this.map.delete(key)) this.unindex(key);
  }
  async list(prefix: string) {
    // A prefix that does not end in `/` lists its folder, filtered by the rest (as file storage does).
    const cut = prefix.lastIndexOf('/');
    const partial = prefix.slice(cut + 1);
    let f: Folder | undefined = this.tree;
    if (cut !== -1)
      for (const seg of prefix.slice(0, cut).split('/')) {
        f = f.folders.get(seg);
        if (!f) return [];
      }
    const out = new Set<string>();
    for (const name of f.files) if (name.startsWith(partial)) out.add(name.slice(partial.length));
    for (const name of f.folders.keys()) if (name.startsWith(partial)) out.add(name.slice(partial.length) + '/');
    return [...out].sort();
  }
  async entries() {
    return [...this.map.entries()].map(([k, v]) => [k, Buffer.from(v)] as [string, Buffer]);
  }
  async replaceAll(entries: Array<[string, Buffer]>) {
    this.map = new Map(entries.map(([k, v]) => [k, Buffer.from(v)]));
    this.tree = folder();
    for (const k of this.map.keys()) this.index(k);
  }

  private index(key: string) {
    const segs = key.split('/');
    let f = this.tree;
    for (let i = 0; i < segs.length - 1; i++) {
      let next = f.folders.get(segs[i]);
      if (!next) {
        next = folder();
        f.folders.set(segs[i], next);
      }
      f = next;
    }
    f.files.add(segs[segs.length - 1]);
  }

  private unindex(key: string) {
    const segs = key.split('/');
    const path: Folder[] = [this.tree];
    for (let i = 0; i < segs.length - 1; i++) {
      const next = path[i].folders.get(segs[i]);
      if (!next) return;
      path.push(next);
    }
    path[path.length - 1].files.delete(segs[segs.length - 1]);
    // Folders left empty disappear, as they would from a listing.
    for (let i = path.length - 1; i > 0; i--) {
      if (path[i].files.size || path[i].folders.size) break;
      path[i - 1].folders.delete(segs[i - 1]);
    }
  }
}
