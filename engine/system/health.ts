/** sys/health, sys/seal-status, sys/leader: bare objects, no token needed. */
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { VaultError } from '../sdk/errors.js';

export const BUILD_DATE = '2024-02-28T17:07:34Z';

export function sealStatus(host: SystemHost) {
  const info = host.sealInfo();
  const out: Record<string, unknown> = {
    type: 'shamir',
    initialized: host.initialized,
    sealed: host.sealed,
    t: host.initialized ? info.t : 0,
    n: host.initialized ? info.n : 0,
    progress: info.progress,
    nonce: '',
    version: host.version,
    build_date: BUILD_DATE,
    migration: false,
    recovery_seal: false,
    storage_type: host.storageKind,
  };
  if (!host.sealed) {
    out.cluster_name = host.clusterName;
    out.cluster_id = host.clusterId;
  }
  return out;
}

/** What Go's strconv.ParseBool accepts. */
const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);
const HEALTH_CODES = [
  'activecode',
  'standbycode',
  'drsecondarycode',
  'haunhealthycode',
  'performancestandbycode',
  'removedcode',
  'sealedcode',
  'uninitcode',
];

export function healthPaths(host: SystemHost): PathDef[] {
  // Vault answers any bad query value with a bare 400 {"errors":[]} (the reason is only logged).
  const badQuery = () => new VaultError(400, []);
  const code = (d: Record<string, unknown>, k: string, def: number) => {
    if (d[k] === undefined) return def;
    if (!/^[+-]?\d+$/.test(String(d[k]))) throw badQuery();
    return Number(d[k]);
  };
  const checkQuery = (d: Record<string, unknown>) => {
    for (const k of ['standbyok', 'perfstandbyok'])
      if (d[k] !== undefined && !GO_BOOLS.has(String(d[k]))) throw badQuery();
    for (const k of HEALTH_CODES) code(d, k, 0);
  };
  return [
    {
      pattern: 'health',
      sealExempt: true,
      synopsis: 'Checks the health of the server.',
      operations: {
        read: (req) => {
          const d = req.data;
          checkQuery(d);
          let status = code(d, 'activecode', 200);
          if (!host.initialized) status = code(d, 'uninitcode', 501);
          else if (host.sealed) status = code(d, 'sealedcode', 503);
          const body: Record<string, unknown> = {
            initialized: host.initialized,
            sealed: host.sealed,
            standby: false,
            performance_standby: false,
            replication_performance_mode: 'disabled',
            replication_dr_mode: 'disabled',
            server_time_utc: host.clock.unix(),
            version: host.version,
            enterprise: false,
          };
          if (!host.sealed) {
            body.cluster_name = host.clusterName;
            body.cluster_id = host.clusterId;
          }
          return { bare: body, status };
        },
      },
    },
    {
      pattern: 'seal-status',
      sealExempt: true,
      synopsis: 'Returns the seal status of the server.',
      operations: { read: () => ({ bare: sealStatus(host) }) },
    },
    {
      pattern: 'leader',
      sealExempt: true,
      synopsis: 'Returns the high availability status and current leader.',
      operations: {
        read: () => {
          if (host.sealed) throw new VaultError(503, 'Vault is sealed');
          return {
            bare: {
              ha_enabled: false,
              is_self: false,
              active_time: '0001-01-01T00:00:00Z',
              leader_address: '',
              leader_cluster_address: '',
              performance_standby: false,
              performance_standby_last_remote_wal: 0,
            },
          };
        },
      },
    },
  ];
}
