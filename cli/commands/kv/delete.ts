import type { Command } from '../../command.js';
import { argCount, kvFlags, resolveKV, versionsFlag } from './common.js';

export const kvDelete: Command = {
  name: 'kv delete',
  synopsis: 'Deletes versions in the KV store',
  help: `Usage: vault kv delete [options] PATH

  Deletes the data for the provided version and path in the key-value store. The
  versioned data will not be fully removed, but marked as deleted and will no
  longer be returned in normal get requests.

  To delete the latest version of the key "foo":

      $ vault kv delete -mount=secret foo

  To delete version 3 of key foo:

      $ vault kv delete -mount=secret -versions=3 foo

Common Options:

  -mount=<string>       Where the KV backend is mounted.
  -versions=<int,...>   The versions to delete (default: the latest).`,
  flags: { ...kvFlags, ...versionsFlag },
  async run(ctx) {
    const bad = argCount(ctx);
    if (bad !== undefined) return bad;
    const versions = ctx.flags.versions as string[];
    const r0 = await resolveKV(ctx, ctx.args[0], versions.length ? 'delete' : 'data');
    if (typeof r0 === 'number') return r0;
    const dataPath = r0.m.v2 && versions.length ? r0.apiPath.replace(/(^|\/)delete(\/|$)/, '$1data$2') : r0.apiPath;
    try {
      if (r0.m.v2 && versions.length) await ctx.client().request('PUT', r0.apiPath, { versions });
      else await ctx.client().request('DELETE', r0.apiPath);
    } catch (e) {
      return ctx.fail(`Error deleting ${dataPath}`, e);
    }
    ctx.io.stdout(`Success! Data deleted (if it existed) at: ${dataPath}\n`);
    return 0;
  },
};
