import type { Command } from '../../../command.js';
import { metadataBody, metadataTarget, metadataWriteFlags } from './common.js';

export const kvMetadataPatch: Command = {
  name: 'kv metadata patch',
  synopsis: 'Patches key settings in the KV store',
  help: `Usage: vault kv metadata patch [options] KEY

  This command can be used to patch the metadata settings of a key: settings
  you do not name keep their values.

      $ vault kv metadata patch -mount=secret -max-versions=5 foo

  Remove custom metadata keys:

      $ vault kv metadata patch -mount=secret -remove-custom-metadata=bar foo

Common Options:

  -cas-required                     Every write to this key needs -cas.
  -custom-metadata=<key=value>      Custom metadata; may be repeated.
  -delete-version-after=<dur>       Delete versions this long after writing.
  -max-versions=<int>               Number of versions to keep.
  -mount=<string>                   Where the KV backend is mounted.
  -remove-custom-metadata=<key>     Custom metadata key to remove; may be repeated.`,
  output: true,
  flags: { ...metadataWriteFlags, 'remove-custom-metadata': { kind: 'strings' } },
  async run(ctx) {
    const r0 = await metadataTarget(ctx);
    if (typeof r0 === 'number') return r0;
    const body = metadataBody(ctx);
    const remove = ctx.flags['remove-custom-metadata'] as string[];
    if (remove.length)
      body.custom_metadata = {
        ...((body.custom_metadata as object) ?? {}),
        ...Object.fromEntries(remove.map((k) => [k, null])),
      };
    let r;
    try {
      r = await ctx
        .client()
        .request('PATCH', r0.apiPath, body, { headers: { 'Content-Type': 'application/merge-patch+json' } });
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
