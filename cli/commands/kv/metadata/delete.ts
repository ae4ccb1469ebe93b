import type { Command } from '../../../command.js';
import { kvFlags } from '../common.js';
import { metadataTarget } from './common.js';

export const kvMetadataDelete: Command = {
  name: 'kv metadata delete',
  synopsis: 'Deletes all versions and metadata for a key in the KV store',
  help: `Usage: vault kv metadata delete [options] PATH

  Deletes all versions and metadata for the provided key.

      $ vault kv metadata delete -mount=secret foo

Common Options:

  -mount=<string>   Where the KV backend is mounted.`,
  flags: kvFlags,
  async run(ctx) {
    const r0 = await metadataTarget(ctx);
    if (typeof r0 === 'number') return r0;
    try {
      await ctx.client().request('DELETE', r0.apiPath);
    } catch (e) {
      return ctx.fail(`Error deleting ${r0.apiPath}`, e);
    }
    ctx.io.stdout(`Success! Data deleted (if it existed) at: ${r0.apiPath}\n`);
    return 0;
  },
};
