/** sys/policies/password: password generation policies, used by the database engine. */
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { notFound, userError } from '../sdk/errors.js';

export function passwordPolicyPaths(host: SystemHost): PathDef[] {
  const store = host.passwordPolicies;
  return [
    {
      pattern: 'policies/password/?',
      operations: {
        list: async () => {
          const keys = await store.list();
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
      },
    },
    {
      pattern: 'policies/password/(?<name>[^/]+)/generate',
      synopsis: 'Generate a password from an existing password policy.',
      operations: { read: async (req) => ({ data: { password: await store.generate(req.params.name) } }) },
    },
    {
      pattern: 'policies/password/(?<name>[^/]+)',
      synopsis: 'Read, write or delete a password policy.',
      fields: { policy: { type: 'string' }, entropy_source: { type: 'string' } },
      operations: {
        read: async (req) => {
          const policy = await store.get(req.params.name);
          if (policy === undefined) throw notFound();
          return { data: { policy } };
        },
        update: async (req, d) => {
          const text = d.get<string>('policy');
          if (!text) throw userError('missing policy');
          await store.put(req.params.name, text);
        },
        delete: async (req) => {
          await store.delete(req.params.name);
        },
      },
    },
  ];
}
