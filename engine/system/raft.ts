/**
 * sys/storage/raft/*: the single-node raft APIs (reference part 2 §6.3) — the cluster
 * configuration, snapshots (raw gzip out, raw body in) and autopilot state. A server on
 * any other storage answers 400 `raft storage is not in use`.
 */
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { userError } from '../sdk/errors.js';

/** What the composition root gives these paths when the storage is raft. */
export interface RaftControl {
  readonly nodeId: string;
  /** host:port of the cluster address. */
  readonly address: string;
  readonly term: number;
  index(): number;
  readonly startedAt: Date;
  /** The gzip'd tar of the whole state. */
  snapshot(): Promise<Buffer>;
  /** Installs a snapshot; without force, one sealed by other keys is refused (400). */
  restore(archive: Buffer, force: boolean): Promise<void>;
}

/** @param get the control, or undefined when the storage is not raft. */
export function raftPaths(get: () => RaftControl | undefined) {
  return (host: SystemHost): PathDef[] => {
    const need = (): RaftControl => {
      const raft = get();
      if (!raft) throw userError('raft storage is not in use');
      return raft;
    };
    const restore = (force: boolean) => async (req: { rawBody?: Buffer }) => {
      const r = need();
      const body = req.rawBody ?? Buffer.alloc(0);
      if (!body.length) throw userError('no snapshot data was provided in the request body');
      await r.restore(body, force);
      return undefined;
    };
    return [
      {
        pattern: 'storage/raft/configuration',
        synopsis: 'Returns the configuration of the raft cluster.',
        operations: {
          read: () => {
            const r = need();
            return {
              data: {
                config: {
                  index: r.index(),
                  servers: [
                    { node_id: r.nodeId, address: r.address, leader: true, voter: true, protocol_version: '3' },
                  ],
                },
              },
            };
          },
        },
      },
      {
        pattern: 'storage/raft/snapshot',
        synopsis: 'Returns a snapshot of the current state of vault, or installs one.',
        operations: {
          read: async () => ({
            raw: { status: 200, contentType: 'application/gzip', body: await need().snapshot() },
          }),
          update: restore(false),
        },
      },
      {
        pattern: 'storage/raft/snapshot-force',
        synopsis: 'Installs a snapshot without checking that it was sealed by this cluster.',
        operations: { update: restore(true) },
      },
      {
        pattern: 'storage/raft/autopilot/state',
        synopsis: 'Returns the state of the raft cluster under integrated storage autopilot.',
        operations: {
          read: () => {
            const r = need();
            const server = {
              id: r.nodeId,
              name: r.nodeId,
              address: r.address,
              node_status: 'alive',
              last_contact: '0s',
              last_term: r.term,
              last_index: r.index(),
              healthy: true,
              stable_since: r.startedAt.toISOString(),
              status: 'leader',
              version: host.version,
              node_type: 'voter',
            };
            return {
              data: {
                healthy: true,
                failure_tolerance: 0,
                optimistic_failure_tolerance: 0,
                leader: r.nodeId,
                voters: [r.nodeId],
                servers: { [r.nodeId]: server },
              },
            };
          },
        },
      },
    ];
  };
}
