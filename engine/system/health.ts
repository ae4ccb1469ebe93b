/** sys/health, sys/seal-status, sys/leader: bare objects, no token needed. */
import type { PathDef } from '../framework/backend.js';
import type { Core } from '../core/core.js';
import { userError, VaultError } from '../sdk/errors.js';

export const BUILD_DATE = '2024-02-28T17:07:34Z';

export function sealStatus(core: Core) {
  const info = core.sealInfo();
  const out: Record<string, unknown> = {
    type: 'shamir', initialized: core.initialized, sealed: core.sealed,
    t: core.initialized ? info.t : 0, n: core.initialized ? info.n : 0, progress: info.progress, nonce: '',
    version: core.version, build_date: BUILD_DATE, migration: false, recovery_seal: false, storage_type: core.storage.kind,
  };
  if (!core.sealed) { out.cluster_name = core.clusterName; out.cluster_id = core.clusterId; }
  return out;
}

export function healthPaths(core: Core): PathDef[] {
  const code = (d: Record<string, unknown>, k: string, def: number) => {
    if (d[k] === undefined) return def;
    const n = Number(d[k]);
    if (!Number.isInteger(n)) throw userError(`bad code given for ${k}: ${String(d[k])}`);
    return n;
  };
  return [
    {
      pattern: 'health',
      synopsis: 'Checks the health of the server.',
      operations: {
        read: (req) => {
          const d = req.data;
          let status = code(d, 'activecode', 200);
          if (!core.initialized) status = code(d, 'uninitcode', 501);
          else if (core.sealed) status = code(d, 'sealedcode', 503);
          const body: Record<string, unknown> = {
            initialized: core.initialized, sealed: core.sealed, standby: false, performance_standby: false,
            replication_performance_mode: 'disabled', replication_dr_mode: 'disabled',
            server_time_utc: core.clock.unix(), version: core.version, enterprise: false,
          };
          if (!core.sealed) { body.cluster_name = core.clusterName; body.cluster_id = core.clusterId; }
          return { bare: body, status };
        },
      },
    },
    {
      pattern: 'seal-status',
      synopsis: 'Returns the seal status of the server.',
      operations: { read: () => ({ bare: sealStatus(core) }) },
    },
    {
      pattern: 'leader',
      synopsis: 'Returns the high availability status and current leader.',
      operations: {
        read: () => {
          if (core.sealed) throw new VaultError(503, 'Vault is sealed');
          return { bare: { ha_enabled: false, is_self: false, active_time: '0001-01-01T00:00:00Z', leader_address: '', leader_cluster_address: '', performance_standby: false, performance_standby_last_remote_wal: 0 } };
        },
      },
    },
  ];
}
