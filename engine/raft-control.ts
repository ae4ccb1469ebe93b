/**
 * Snapshots of a raft-storage server: take one from physical storage (ciphertext as
 * stored), and install one — verified against this cluster's keyring, or forced.
 *
 * A verified restore keeps this server's seal configuration and keyring (the keyring only
 * ever gains terms, so it opens every entry of an older snapshot of the same cluster) and
 * reloads the engine's state as an unseal does: mounts, policies, tokens, lease timers.
 * A forced restore of another cluster's snapshot installs that cluster's keyring and seal
 * too and seals the server: it then unseals with the snapshot's keys.
 */
import {
  KEYRING_KEY,
  open,
  seal as gcmSeal,
  SEAL_CONFIG_KEY,
  termOf,
  type BarrierStorage,
} from './physical/barrier.js';
import type { RaftStorage } from './physical/raft.js';
import type { SealManager } from './physical/seal.js';
import {
  encodeState,
  openSnapshot,
  sha256Sums,
  SnapshotFormatError,
  type SnapshotMeta,
  writeTarGz,
} from './physical/snapshot.js';
import { userError } from './sdk/errors.js';
import type { RaftControl } from './system/raft.js';

const SUMS_AAD = 'raft/snapshot/SHA256SUMS';
const RESERVED = new Set([SEAL_CONFIG_KEY, KEYRING_KEY]);
const OTHER_KEYS =
  'could not verify hash file, possibly the snapshot is using a different set of unseal keys; ' +
  'use the snapshot-force API to bypass this check';

export function raftControl(
  raft: RaftStorage,
  barrier: BarrierStorage,
  seal: SealManager,
  /** Drops the engine's loaded state (as sealing does) and loads it again from storage. */
  reload: (swap: () => Promise<void>) => Promise<void>,
): RaftControl {
  return {
    nodeId: raft.nodeId,
    address: raft.address,
    term: raft.term,
    startedAt: raft.startedAt,
    index: () => raft.index,
    async snapshot() {
      const ring = barrier.ring();
      const entries = await raft.entries();
      const state = encodeState(entries);
      const now = Date.now();
      const meta: SnapshotMeta = {
        Version: 1,
        ID: `${raft.term}-${raft.index}-${now}`,
        Index: raft.index,
        Term: raft.term,
        Configuration: { Servers: [{ Suffrage: 0, ID: raft.nodeId, Address: raft.address }] },
        ConfigurationIndex: 1,
        Size: state.length,
      };
      const metaBuf = Buffer.from(JSON.stringify(meta));
      const sums = sha256Sums([
        ['meta.json', metaBuf],
        ['state.bin', state],
      ]);
      const t = ring.activeTerm();
      return writeTarGz(
        [
          ['meta.json', metaBuf],
          ['state.bin', state],
          ['SHA256SUMS', sums],
          ['SHA256SUMS.sealed', gcmSeal(t.key, t.term, SUMS_AAD, sums)],
        ],
        now,
      );
    },
    async restore(archive, force) {
      const ring = barrier.ring();
      let parts;
      try {
        parts = openSnapshot(archive);
      } catch (e) {
        if (e instanceof SnapshotFormatError) throw userError(e.message);
        throw e;
      }
      const term = termOf(parts.sealedSums);
      const key = term === undefined ? undefined : ring.key(term);
      let verified = false;
      if (key) {
        try {
          verified = open(key, SUMS_AAD, parts.sealedSums).equals(parts.sums);
        } catch {
          verified = false;
        }
      }
      if (!verified && !force) throw userError(OTHER_KEYS);
      if (verified) {
        const keep = (await raft.entries()).filter(([k]) => RESERVED.has(k));
        const data = parts.entries.filter(([k]) => !RESERVED.has(k));
        await reload(() => raft.replaceAll([...keep, ...data]));
        return;
      }
      // Another cluster's snapshot, forced: its keyring comes with it; only its keys unseal it.
      if (!parts.entries.some(([k]) => k === SEAL_CONFIG_KEY) || !parts.entries.some(([k]) => k === KEYRING_KEY))
        throw userError('the snapshot holds no seal configuration or keyring');
      await seal.seal();
      await raft.replaceAll(parts.entries);
      await seal.load();
    },
  };
}
