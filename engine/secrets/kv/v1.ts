/**
 * KV version 1 and the cubbyhole: one unversioned map per path. KV v1 reads carry the
 * mount's TTL as an advisory `lease_duration` (or a stored `ttl`); the cubbyhole is
 * private to the calling token and destroyed with it.
 */
import type { Backend, BackendContext, BackendRequest, PathDef } from '../../framework/backend.js';
import { parseDuration } from '../../sdk/duration.js';
import { notFound, userError, VaultError } from '../../sdk/errors.js';
import { sha256hex } from '../../sdk/ids.js';
import type { StorageView } from '../../sdk/storage.js';

function kvPaths(ctx: BackendContext, viewFor: (req: BackendRequest) => StorageView, cubbyhole: boolean): PathDef[] {
  return [
    {
      pattern: '(?<path>.*)',
      synopsis: cubbyhole
        ? 'Pass-through secret storage to a token-specific cubbyhole in the storage backend.'
        : 'Pass-through secret storage to the storage backend.',
      existenceCheck: async (req) => !!(await viewFor(req).get(`kv/${req.params.path}`)),
      operations: {
        read: async (req) => {
          const data = await viewFor(req).getJSON<Record<string, unknown>>(`kv/${req.params.path}`);
          if (!data) throw notFound();
          if (cubbyhole) return { data };
          let ttl = ctx.ttls().defaultTTL;
          const raw = data.ttl ?? data.lease;
          if (raw !== undefined) {
            try {
              ttl = parseDuration(raw as string);
            } catch {
              /* advisory only */
            }
          }
          return { data, secret: { type: 'kv', ttl, advisoryOnly: true } };
        },
        list: async (req) => {
          const keys = await viewFor(req).list(`kv/${req.params.path}`);
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
        create: async (req) => put(req),
        update: async (req) => put(req),
        delete: async (req) => {
          await viewFor(req).delete(`kv/${req.params.path}`);
        },
      },
    },
  ];
  async function put(req: BackendRequest) {
    if (!req.params.path || req.params.path.endsWith('/')) throw userError("cannot write to a path ending in '/'");
    if (!req.data || Object.keys(req.data).length === 0) throw userError('missing data fields');
    if (!cubbyhole && (req.data.ttl !== undefined || req.data.lease !== undefined)) {
      try {
        parseDuration((req.data.ttl ?? req.data.lease) as string);
      } catch {
        throw userError(`failed to parse ttl: ${String(req.data.ttl ?? req.data.lease)}`);
      }
    }
    await viewFor(req).putJSON(`kv/${req.params.path}`, req.data);
  }
}

export function kvV1Backend(ctx: BackendContext): Backend {
  return {
    type: 'kv',
    kind: 'secret',
    paths: kvPaths(ctx, () => ctx.storage, false),
    secrets: { kv: { revoke: async () => undefined } },
    help: 'The KV backend reads and writes arbitrary secrets to the storage backend.',
  };
}

export function cubbyholeBackend(ctx: BackendContext): Backend {
  const viewFor = (req: BackendRequest) => {
    if (!req.token) throw new VaultError(400, 'client token empty');
    // A batch token has no cubbyhole of its own (Vault's router refuses it the same way).
    if (req.token.type === 'batch')
      throw new VaultError(400, 'cubbyhole operations are only supported by "service" type tokens');
    return ctx.storage.sub(`${sha256hex(req.token.id)}/`);
  };
  return {
    type: 'cubbyhole',
    kind: 'secret',
    paths: kvPaths(ctx, viewFor, true),
    help: 'The cubbyhole backend reads and writes arbitrary secrets to a token-specific cubbyhole.',
  };
}
