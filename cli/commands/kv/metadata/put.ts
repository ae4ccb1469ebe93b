import type { Command } from '../../../command.js';
import { metadataBody, metadataTarget, metadataWriteFlags } from './common.js';

export const kvMetadataPut: Command = {
  name: 'kv metadata put',
  synopsis: 'Sets or updates key settings in the KV store',
  help: `Usage: vault kv metadata put [options] KEY

  This command can be used to create a blank key in the key-value store or to
  update key configuration for a specified key.

  Create a key in the key-value store with no data:

      $ vault kv metadata put -mount=secret foo

  Set a max versions setting on the key:

      $ vault kv metadata put -mount=secret -max-versions=5 foo

  Require Check-and-Set for this key:

      $ vault kv metadata put -mount=secret -cas-required foo

Common Options:

  -cas-required                   Every write to this key needs -cas.
  -custom-metadata=<key=value>    Custom metadata; may be repeated.
  -delete-version-after=<dur>     Delete versions this long after writing.
  -max-versions=<int>             Number of versions to keep.
  -mount=<string>                 Where the KV backend is mounted.`,
  output: true,
  flags: metadataWriteFlags,
  async run(ctx) {
    const r0 = await metadataTarget(ctx);
    if (typeof r0 === 'number') return r0;
    let r;
    try {
      r = await ctx.client().request('PUT', r0.apiPath, metadataBody(ctx));
    } catch (e) {
      return ctx.fail(`Error writing data to ${r0.apiPath}`, e);
    }
    if (!r.body) {
      if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${r0.apiPath}\n`);
      return 0;
    }
    return ctx.outputSecret(r.body);
  },
};
