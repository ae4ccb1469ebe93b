/** sys/policies/acl (modern) and sys/policy (legacy, injected) — one store behind both. */
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { notFound, userError } from '../sdk/errors.js';
import { normalizePolicyName } from '../sdk/policy-name.js';

export function policyPaths(host: SystemHost): PathDef[] {
  const listAll = async () => [...(await host.policies.list()), 'root'];
  return [
    {
      pattern: 'policies/acl/?',
      synopsis: 'List the configured access control policies.',
      operations: { list: async () => ({ data: { keys: await listAll() } }) },
    },
    {
      pattern: 'policies/acl/(?<name>.+)',
      synopsis: 'Read, write or delete an ACL policy.',
      fields: { name: { type: 'string' }, policy: { type: 'string' } },
      existenceCheck: async (req) => host.policies.exists(req.params.name),
      operations: {
        read: async (req) => {
          const text = await host.policies.text(req.params.name);
          if (text === undefined) throw notFound();
          return { data: { name: normalizePolicyName(req.params.name), policy: text } };
        },
        create: async (req, d) => writePolicy(host, req.params.name, d.get<string>('policy')),
        update: async (req, d) => writePolicy(host, req.params.name, d.get<string>('policy')),
        delete: async (req) => {
          await host.policies.delete(req.params.name);
        },
      },
    },
    {
      pattern: 'policy/?',
      injectTopLevel: true,
      operations: {
        read: async () => {
          const k = await listAll();
          return { data: { keys: k, policies: k } };
        },
        list: async () => {
          const k = await listAll();
          return { data: { keys: k, policies: k } };
        },
      },
    },
    {
      pattern: 'policy/(?<name>.+)',
      injectTopLevel: true,
      fields: { policy: { type: 'string' }, rules: { type: 'string' } },
      existenceCheck: async (req) => host.policies.exists(req.params.name),
      operations: {
        read: async (req) => {
          const text = await host.policies.text(req.params.name);
          if (text === undefined) throw notFound();
          return { data: { name: normalizePolicyName(req.params.name), rules: text } };
        },
        update: async (req, d) => {
          const warnings: string[] = [];
          let text = d.get<string>('policy');
          if (!text && d.has('rules')) {
            text = d.get<string>('rules');
            warnings.push("'rules' is deprecated, please use 'policy' instead");
          }
          const res = await writePolicy(host, req.params.name, text);
          const all = [...warnings, ...(res?.warnings ?? [])];
          return all.length ? { warnings: all } : undefined;
        },
        delete: async (req) => {
          await host.policies.delete(req.params.name);
        },
      },
    },
  ];
}

async function writePolicy(host: SystemHost, name: string, text: string) {
  if (!name) throw userError('policy name must be provided');
  const warnings = await host.policies.put(name, text);
  return warnings.length ? { warnings } : undefined;
}
