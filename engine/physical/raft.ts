/**
 * `storage "raft"` for ONE node. This is not a Raft consensus implementation: there is no
 * log replication, no election and no second node. The data is the file storage backend
 * (one file per key, fsync'd) kept in raft's folder layout, so the server can answer the
 * single-node raft APIs (configuration, snapshots, autopilot) the way Vault does:
 *
 *   <path>/vault.db/          the state (Vault: the FSM's bolt file)
 *   <path>/raft/raft.db       term and index of this node (Vault: the raft log)
 *   <path>/raft/snapshots/    created for the layout; snapshots are streamed, not kept
 *   <path>/node-id            the node id when the config has none
 *   <path>/vault.db.restore/  a restore being written (swapped in by rename)
 *
 * A cluster of several nodes is the job of the distributed engine (the target-mode issue).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Storage } from '../sdk/storage.js';
import { FileStorage } from './file.js';

export interface RaftOptions {
  path: string;
  nodeId?: string;
  /** `cluster_addr` of the config, e.g. `https://127.0.0.1:8201`. */
  clusterAddr: string;
}

export class RaftStorage implements Storage {
  readonly kind = 'raft';
  /** The commit index: grows with every applied write. */
  index: number;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Writes applied since term/index were last saved. */
  private dirty = false;
  readonly startedAt = new Date();

  private constructor(
    private fsm: FileStorage,
    private readonly fileOpts: { cache?: number },
    readonly dir: string,
    readonly nodeId: string,
    /** host:port of the cluster address. */
    readonly address: string,
    readonly term: number,
    index: number,
  ) {
    this.index = index;
  }

  /**
   * Opens a node's folder; the folder itself must exist, as Vault requires.
   * @throws Error with Vault's wording when it does not.
   */
  static async open(o: RaftOptions, fileOpts: { cache?: number } = {}): Promise<RaftStorage> {
    const dir = path.resolve(o.path);
    if (!fs.existsSync(dir))
      throw new Error(
        `failed to create fsm: failed to open bolt file: open ${path.join(dir, 'vault.db')}: no such file or directory`,
      );
    let nodeId = o.nodeId;
    const idFile = path.join(dir, 'node-id');
    if (!nodeId) {
      nodeId = fs.existsSync(idFile) ? fs.readFileSync(idFile, 'utf8').trim() : '';
      if (!nodeId) {
        nodeId = randomUUID();
        await fsp.writeFile(idFile, nodeId, { mode: 0o600 });
      }
    }
    await fsp.mkdir(path.join(dir, 'raft', 'snapshots'), { recursive: true, mode: 0o700 });
    const logFile = path.join(dir, 'raft', 'raft.db');
    let term = 0;
    let index = 0;
    try {
      const saved = JSON.parse(await fsp.readFile(logFile, 'utf8')) as { term?: number; index?: number };
      term = Number(saved.term) || 0;
      index = Number(saved.index) || 0;
    } catch {
      // First start: term 0, index 0.
    }
    await finishSwap(dir);
    const fsm = await FileStorage.open(path.join(dir, 'vault.db'), fileOpts);
    const address = o.clusterAddr.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
    // A single node elects itself at every start: a new term.
    const s = new RaftStorage(fsm, fileOpts, dir, nodeId, address, term + 1, index + 1);
    await s.saveLog();
    return s;
  }

  private async saveLog(): Promise<void> {
    this.dirty = false;
    const file = path.join(this.dir, 'raft', 'raft.db');
    const tmp = `${file}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify({ term: this.term, index: this.index }), { mode: 0o600 });
    await fsp.rename(tmp, file);
  }

  /** Counts a write and saves term/index a moment later (one save per burst). */
  private applied() {
    this.index++;
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveLog().catch(() => undefined);
    }, 250);
    this.saveTimer.unref();
  }

  /** Saves term/index now if a write is not saved yet (at shutdown: nothing else is written then). */
  async close(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.dirty) await this.saveLog().catch(() => undefined);
  }

  get(key: string) {
    return this.fsm.get(key);
  }
  async put(key: string, value: Buffer) {
    await this.fsm.put(key, value);
    this.applied();
  }
  async delete(key: string) {
    await this.fsm.delete(key);
    this.applied();
  }
  list(prefix: string) {
    return this.fsm.list(prefix);
  }
  entries() {
    return this.fsm.entries();
  }
  /**
   * Installs a whole new state (a snapshot restore) atomically, as raft swaps its FSM: the
   * entries are written to a fresh folder, which then replaces `vault.db` by rename. A crash
   * leaves either the old state or the new one (see finishSwap).
   */
  async replaceAll(entries: Array<[string, Buffer]>) {
    const cur = path.join(this.dir, 'vault.db');
    const next = path.join(this.dir, 'vault.db.restore');
    const old = path.join(this.dir, 'vault.db.old');
    await fsp.rm(next, { recursive: true, force: true });
    const fresh = await FileStorage.open(next);
    // A few writes at a time: each one is fsync'd.
    for (let i = 0; i < entries.length; i += 16)
      await Promise.all(entries.slice(i, i + 16).map(([k, v]) => fresh.put(k, v)));
    await fsp.rm(old, { recursive: true, force: true });
    await fsp.rename(cur, old);
    await fsp.rename(next, cur);
    await syncDir(this.dir);
    this.fsm = await FileStorage.open(cur, this.fileOpts);
    await fsp.rm(old, { recursive: true, force: true });
    this.applied();
  }
}

/**
 * Completes or rolls back a restore a crash interrupted: with `vault.db` gone the new state
 * (`vault.db.restore`) was complete and takes its place; with `vault.db` present, a
 * half-written `vault.db.restore` is dropped. A left-over `vault.db.old` is removed.
 */
async function finishSwap(dir: string): Promise<void> {
  const cur = path.join(dir, 'vault.db');
  const next = path.join(dir, 'vault.db.restore');
  if (!fs.existsSync(cur) && fs.existsSync(next)) await fsp.rename(next, cur);
  else await fsp.rm(next, { recursive: true, force: true });
  await fsp.rm(path.join(dir, 'vault.db.old'), { recursive: true, force: true });
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
