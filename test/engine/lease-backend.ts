/**
 * A tiny secrets engine for tests of the core's lease handling: `creds/<name>` hands out
 * a leased credential (TTLs from the request), and every revoke and renew is recorded,
 * so tests can see what the core asked the backend to do.
 */
import type { Backend, BackendContext } from '../../engine/framework/backend.js';

export interface LeaseLog {
  revoked: string[];
  renewed: Array<{ user: string; ttl: number }>;
  failRevoke: Set<string>;
}

export function leaseBackendFactory(log: LeaseLog) {
  return (ctx: BackendContext): Backend => ({
    type: 'test-leases',
    kind: 'secret',
    help: 'Issues leased test credentials.',
    paths: [
      {
        pattern: 'creds/(?<name>[^/]+)',
        synopsis: 'Issue a leased credential.',
        fields: {
          ttl: { type: 'duration' },
          max_ttl: { type: 'duration' },
          renewable: { type: 'bool', default: true },
        },
        operations: {
          read: (req, d) => {
            const user = `${req.params.name}-${ctx.clock.nowMs()}-${Math.random().toString(36).slice(2, 8)}`;
            return {
              data: { username: user, password: 'pw' },
              secret: {
                type: 'cred',
                ttl: d.get<number>('ttl'),
                maxTTL: d.get<number>('max_ttl'),
                renewable: d.get<boolean>('renewable'),
                internal: { user },
              },
            };
          },
        },
      },
    ],
    secrets: {
      cred: {
        revoke: async (internal) => {
          const u = String(internal.user);
          if (log.failRevoke.has(u)) throw new Error(`cannot drop ${u}`);
          log.revoked.push(u);
        },
        renew: async (internal, lease) => {
          log.renewed.push({ user: String(internal.user), ttl: lease.ttl });
        },
      },
    },
  });
}
