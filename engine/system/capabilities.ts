/** sys/capabilities, capabilities-self, capabilities-accessor. */
import type { PathDef } from '../framework/backend.js';
import type { Core } from '../core/core.js';
import { userError } from '../sdk/errors.js';
import type { TokenEntry } from '../sdk/types.js';

async function report(core: Core, t: TokenEntry, paths: string[]) {
  if (!paths.length) throw userError('paths must be supplied');
  const acl = await core.policies.acl(t.policies);
  const data: Record<string, unknown> = {};
  for (const p of paths) data[p] = acl.capabilities(p.replace(/^\/+/, ''));
  if (paths.length === 1) data.capabilities = data[paths[0]];
  return { data };
}

export function capabilityPaths(core: Core): PathDef[] {
  const fields = { paths: { type: 'commaStringSlice' as const, aliases: ['path'] }, token: { type: 'string' as const }, accessor: { type: 'string' as const } };
  return [
    { pattern: 'capabilities-self', fields, operations: { update: async (req, d) => report(core, req.token!, d.get<string[]>('paths')) } },
    {
      pattern: 'capabilities', fields,
      operations: {
        update: async (_req, d) => {
          const t = await core.tokens.lookup(d.get<string>('token'));
          if (!t) throw userError('invalid token');
          return report(core, t, d.get<string[]>('paths'));
        },
      },
    },
    {
      pattern: 'capabilities-accessor', fields,
      operations: {
        update: async (_req, d) => {
          const t = await core.tokens.lookupAccessor(d.get<string>('accessor'));
          if (!t) throw userError('invalid accessor');
          return report(core, t, d.get<string[]>('paths'));
        },
      },
    },
  ];
}
