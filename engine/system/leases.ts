/** sys/leases/* and the legacy sys/renew, sys/revoke* paths. */
import type { PathDef } from '../framework/backend.js';
import type { Core } from '../core/core.js';
import { notFound, userError } from '../sdk/errors.js';

export function leasePaths(core: Core): PathDef[] {
  const idField = { lease_id: { type: 'string' as const }, url_lease_id: { type: 'string' as const }, increment: { type: 'duration' as const }, sync: { type: 'bool' as const, default: true } };
  const leaseId = (req: { params: Record<string, string> }, d: { get<T>(n: string): T }) => (req.params.id || d.get<string>('lease_id') || '').trim();
  return [
    {
      pattern: 'leases/lookup',
      fields: idField,
      operations: {
        update: async (req, d) => {
          const id = leaseId(req, d);
          if (!id) throw userError('lease_id must be specified');
          const l = await core.expiration.get(id);
          if (!l) throw userError('invalid lease');
          return { data: core.expiration.lookupData(l) };
        },
      },
    },
    {
      pattern: 'leases/lookup/(?<prefix>.*)',
      operations: {
        list: async (req) => {
          const keys = await core.expiration.listLevel(req.params.prefix ?? '');
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
          const { lease, warnings } = await core.expiration.renew(id, d.get<number>('increment'));
          const duration = Math.max(0, Math.round((lease.expireAt - core.clock.nowMs()) / 1000));
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
          if (d.get<boolean>('sync')) { await core.expiration.revoke(id); return; }
          void core.expiration.revoke(id).catch(() => undefined);
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
            await core.expiration.revokePrefix(req.params.prefix);
            for (const t of await core.tokens.all()) if (t.path.startsWith(req.params.prefix)) await core.tokens.revokeTree(t.id);
          };
          if (d.get<boolean>('sync')) { await run(); return; }
          void run().catch(() => undefined);
          return { status: 202 };
        },
      },
    },
    {
      pattern: '(?:leases/revoke-force|revoke-force)/(?<prefix>.+)',
      operations: { update: async (req) => { await core.expiration.revokePrefix(req.params.prefix, true); } },
    },
  ];
}
