/**
 * sys/locked-users (Vault 1.13+): which users the auth methods' lockout currently holds,
 * and lifting a lockout early. The lockout state itself lives in each auth mount.
 */
import type { SystemHost } from '../sdk/system-host.js';
import { userError } from '../sdk/errors.js';
import type { PathDef } from '../framework/backend.js';

export function lockedUserPaths(host: SystemHost): PathDef[] {
  const authMounts = () =>
    host.mountTable('auth').map((e) => ({ entry: e, backend: host.matchMount(`auth/${e.path}`)?.backend }));
  return [
    {
      pattern: 'locked-users',
      synopsis: 'Report the locked user count metrics, for this namespace and all child namespaces.',
      fields: {
        mount_accessor: {
          type: 'string',
          description: 'Only report the users locked out of the auth mount with this accessor.',
        },
      },
      operations: {
        read: async (_req, d) => {
          const only = d.get<string>('mount_accessor');
          const accessors: Array<{ mount_accessor: string; counts: number; alias_identifiers: string[] }> = [];
          for (const m of authMounts()) {
            if (only && m.entry.accessor !== only) continue;
            const names = (await m.backend?.lockedUsers?.()) ?? [];
            if (names.length)
              accessors.push({
                mount_accessor: m.entry.accessor,
                counts: names.length,
                alias_identifiers: names.sort(),
              });
          }
          accessors.sort((a, b) => b.counts - a.counts);
          const total = accessors.reduce((n, a) => n + a.counts, 0);
          const byNamespace = total
            ? [{ namespace_id: 'root', namespace_path: '', counts: total, mount_accessors: accessors }]
            : [];
          return { data: { by_namespace: byNamespace, total } };
        },
      },
    },
    {
      pattern: 'locked-users/(?<mount_accessor>[^/]+)/unlock/(?<alias_identifier>.+)',
      synopsis: 'Unlocks the user with given mount_accessor and alias_identifier.',
      fields: {
        mount_accessor: { type: 'string', description: 'Accessor of the auth mount the user belongs to.' },
        alias_identifier: { type: 'string', description: 'The user: a username for userpass, a role_id for AppRole.' },
      },
      operations: {
        update: async (req) => {
          const m = authMounts().find((x) => x.entry.accessor === req.params.mount_accessor);
          if (!m) throw userError(`mount accessor ${JSON.stringify(req.params.mount_accessor)} not found`);
          await m.backend?.unlockUser?.(
            m.entry.type === 'userpass' ? req.params.alias_identifier.toLowerCase() : req.params.alias_identifier,
          );
        },
      },
    },
  ];
}
