/** sys/capabilities, capabilities-self, capabilities-accessor. */
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { userError } from '../sdk/errors.js';
import type { TokenEntry } from '../sdk/types.js';

async function report(host: SystemHost, t: TokenEntry, paths: string[]) {
  if (!paths.length) throw userError('paths must be supplied');
  const acl = await host.policies.forToken(t);
  const data: Record<string, unknown> = {};
  for (const p of paths) data[p] = acl.capabilities(p.replace(/^\/+/, ''));
  if (paths.length === 1) data.capabilities = data[paths[0]];
  return { data };
}

export function capabilityPaths(host: SystemHost): PathDef[] {
  const fields = {
    paths: { type: 'commaStringSlice' as const, aliases: ['path'] },
    token: { type: 'string' as const },
    accessor: { type: 'string' as const },
  };
  return [
    {
      pattern: 'capabilities-self',
      injectTopLevel: true,
      fields,
      operations: { update: async (req, d) => report(host, req.token!, d.get<string[]>('paths')) },
    },
    {
      pattern: 'capabilities',
      injectTopLevel: true,
      fields,
      operations: {
        update: async (_req, d) => {
          // Vault checks the paths before it looks the token up (per path). A missing token is a
          // 500 "no token found" there; a user's input never gets a 500 here, so it stays a 400.
          const token = d.get<string>('token');
          if (token && !d.get<string[]>('paths').length) throw userError('paths must be supplied');
          const t = await host.tokens.lookup(token);
          if (!t) throw userError('invalid token');
          return report(host, t, d.get<string[]>('paths'));
        },
      },
    },
    {
      pattern: 'capabilities-accessor',
      injectTopLevel: true,
      fields,
      operations: {
        update: async (_req, d) => {
          if (!d.get<string>('accessor')) throw userError('missing accessor');
          const t = await host.tokens.lookupAccessor(d.get<string>('accessor'));
          if (!t) throw userError('invalid accessor');
          return report(host, t, d.get<string[]>('paths'));
        },
      },
    },
  ];
}
