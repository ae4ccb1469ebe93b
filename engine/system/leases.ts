/** sys/leases/* and the legacy sys/renew, sys/revoke* paths. */
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { notFound, userError } from '../sdk/errors.js';

export function leasePaths(host: SystemHost): PathDef[] {
  const idField = {
    lease_id: { type: 'string' as const },
    url_lease_id: { type: 'string' as const },
    increment: { type: 'duration' as const },
    sync: { type: 'bool' as const, default: true },
  };
  const leaseId = (req: { params: Record<string, string> }, d: { get<T>(n: string): T }) =>
    (req.params.id || d.get<string>('lease_id') || '').trim();
  return [
    {
      pattern: 'leases/lookup',
      fields: idField,
      operations: {
        update: async (req, d) => {
          const id = leaseId(req, d);
          if (!id) throw userError('lease_id must be specified');
          const l = await host.expiration.get(id);
          if (!l) throw userError('invalid lease');
          return { data: host.expiration.lookupData(l) };
        },
      },
    },
    {
      pattern: 'leases/lookup/(?<prefix>.*)',
      operations: {
        list: async (req) => {
          const keys = await host.expiration.listLevel(req.params.prefix ?? '');
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
      },
    },
    {
      pattern: '(?:leases/renew|renew)(?:/(?<id>.+))?',
      fields: idField,
      operations: {
        update: async (req, d) => {
          const id = leaseId(req, d);
          if (!id) throw userError('lease_id must be specified');
          const { lease, warnings } = await host.expiration.renew(id, d.get<number>('increment'));
          const duration = Math.max(0, Math.round((lease.expireAt - host.clock.nowMs()) / 1000));
          return { data: null, warnings, lease: { id: lease.id, renewable: lease.renewable, duration } };
        },
      },
    },
    {
      pattern: '(?:leases/revoke|revoke)(?:/(?<id>.+))?',
      fields: idField,
      operations: {
        update: async (req, d) => {
          const id = leaseId(req, d);
          if (!id) throw userError('lease_id must be specified');
          if (d.get<boolean>('sync')) {
            await host.expiration.revoke(id);
            return;
          }
          void host.expiration.revoke(id).catch(() => undefined);
          return { status: 202 };
        },
      },
    },
    {
      pattern: '(?:leases/revoke-prefix|revoke-prefix)/(?<prefix>.+)',
      fields: idField,
      operations: {
        update: async (req, d) => {
          const run = async () => {
            await host.expiration.revokePrefix(req.params.prefix);
            for (const t of await host.tokens.all())
              if (t.path.startsWith(req.params.prefix)) await host.tokens.revokeTree(t.id);
          };
          if (d.get<boolean>('sync')) {
            await run();
            return;
          }
          void run().catch(() => undefined);
          return { status: 202 };
        },
      },
    },
    {
      pattern: '(?:leases/revoke-force|revoke-force)/(?<prefix>.+)',
      operations: {
        update: async (req) => {
          await host.expiration.revokePrefix(req.params.prefix, true);
        },
      },
    },
  ];
}
