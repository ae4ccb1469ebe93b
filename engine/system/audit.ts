/** sys/audit (enable, disable, list: sudo paths) and sys/audit-hash (no sudo), injected at the top level. */
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { userError } from '../sdk/errors.js';

export function auditPaths(host: SystemHost): PathDef[] {
  const mgr = () => {
    const m = host.audits;
    if (!m) throw userError('audit devices are not available on this server');
    return m;
  };
  return [
    {
      pattern: 'audit/?',
      injectTopLevel: true,
      synopsis: 'List the enabled audit devices.',
      operations: {
        read: () => {
          const out: Record<string, unknown> = {};
          for (const e of mgr().list())
            out[e.path] = {
              type: e.type,
              description: e.description,
              options: e.options,
              local: e.local,
              path: e.path,
            };
          return { data: out };
        },
      },
    },
    {
      pattern: 'audit/(?<path>.+)',
      injectTopLevel: true,
      synopsis: 'Enable or disable an audit device.',
      fields: {
        type: { type: 'string' },
        description: { type: 'string' },
        options: { type: 'map' },
        local: { type: 'bool' },
      },
      operations: {
        update: async (req, d) => {
          await mgr().enable({
            path: req.params.path,
            type: d.get<string>('type'),
            description: d.get<string>('description'),
            options: d.get<Record<string, string>>('options'),
            local: d.get<boolean>('local'),
          });
          return undefined;
        },
        delete: async (req) => {
          await mgr().disable(req.params.path);
          return undefined;
        },
      },
    },
    {
      pattern: 'audit-hash/(?<path>.+)',
      injectTopLevel: true,
      synopsis: "The hash of a given string via the given audit device's salt.",
      fields: { input: { type: 'string' } },
      operations: {
        update: (req, d) => {
          const input = d.get<string>('input');
          if (!input) throw userError('the "input" parameter is empty');
          return { data: { hash: mgr().hash(req.params.path, input) } };
        },
      },
    },
  ];
}
