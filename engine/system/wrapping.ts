/** sys/wrapping/wrap, unwrap, lookup, rewrap (reference §3.12). */
import type { BackendRequest, PathDef } from '../framework/backend.js';
import type { FieldData } from '../framework/fields.js';
import type { SystemHost } from '../sdk/system-host.js';
import { INVALID_WRAPPING_TOKEN, userError } from '../sdk/errors.js';

/**
 * The wrapping token to act on: the body's `token`, else the request's own token.
 * Naming the request's own token in the body as well burns it: its one use went on
 * authenticating this request.
 */
function target(req: BackendRequest, d: FieldData): { token: string | undefined; usedByRequest: boolean } {
  const body = d.get<string>('token');
  if (body) {
    if (body === req.clientToken && req.token?.policies[0] === 'response-wrapping')
      throw userError(INVALID_WRAPPING_TOKEN);
    return { token: body, usedByRequest: false };
  }
  return { token: req.clientToken, usedByRequest: true };
}

export function wrappingPaths(host: SystemHost): PathDef[] {
  const tokenField = {
    token: { type: 'string' as const, description: 'The wrapping token; defaults to the request token.' },
  };
  return [
    {
      pattern: 'wrapping/wrap',
      injectTopLevel: true,
      synopsis: 'Response-wraps an arbitrary JSON object.',
      description: 'Wraps the request body in a single-use token. Needs X-Vault-Wrap-TTL.',
      operations: {
        update: (req, _d) => {
          if (!(req.wrapTTL && req.wrapTTL > 0)) throw userError('endpoint requires response wrapping to be used');
          return { data: { ...req.data } };
        },
      },
    },
    {
      pattern: 'wrapping/unwrap',
      fields: tokenField,
      synopsis: 'Unwraps a response-wrapped token.',
      description: 'Returns the original response inside the wrapping token and revokes the token.',
      operations: {
        update: async (req, d) => {
          const t = target(req, d);
          return { bare: await host.wrapping.unwrap(t.token, t.usedByRequest) };
        },
      },
    },
    {
      pattern: 'wrapping/lookup',
      fields: tokenField,
      synopsis: 'Looks up the properties of a response-wrapped token.',
      operations: {
        read: async (req, d) => ({ data: await host.wrapping.lookup(d.get<string>('token') || req.clientToken) }),
        update: async (req, d) => ({ data: await host.wrapping.lookup(d.get<string>('token') || req.clientToken) }),
      },
    },
    {
      pattern: 'wrapping/rewrap',
      fields: tokenField,
      synopsis: 'Rotates a response-wrapped token.',
      description: 'Moves the wrapped response to a new token with the same TTL; the old token stops working.',
      operations: {
        update: async (req, d) => {
          const t = target(req, d);
          const info = await host.wrapping.rewrap(t.token, t.usedByRequest);
          return { data: null, wrapInfo: { ...info } };
        },
      },
    },
  ];
}
