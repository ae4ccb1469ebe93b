import type { Command } from '../../../command.js';
import { kvFlags, mapBanner, mapTableOf, pathBanner } from '../common.js';
import { metadataTarget } from './common.js';

export const kvMetadataGet: Command = {
  name: 'kv metadata get',
  synopsis: 'Retrieves key metadata from the KV store',
  help: `Usage: vault kv metadata get [options] KEY

  Retrieves the metadata from Vault's key-value store at the given key name. If no
  key exists with that name, an error is returned.

      $ vault kv metadata get -mount=secret foo

Common Options:

  -mount=<string>   Where the KV backend is mounted.`,
  output: true,
  flags: kvFlags,
  async run(ctx) {
    const r0 = await metadataTarget(ctx);
    if (typeof r0 === 'number') return r0;
    let r;
    try {
      r = await ctx.client().request('GET', r0.apiPath, undefined, { allow404: true });
    } catch (e) {
      return ctx.fail(`Error reading ${r0.apiPath}`, e);
    }
    if (!r.body || r.status === 404) {
      ctx.io.stderr(`No value found at ${r0.apiPath}\n`);
      return 2;
    }
    if (ctx.flags.field) return ctx.outputSecret(r.body);
    if (r.body.wrap_info || ctx.format() !== 'table') return ctx.outputSecret(r.body);
    const data = { ...((r.body.data as Record<string, unknown>) ?? {}) };
    const versions = data.versions as Record<string, Record<string, unknown>> | undefined;
    if (!versions) {
      ctx.io.stderr(`No value found at ${r0.apiPath}\n`);
      ctx.outputSecret(r.body);
      return 2;
    }
    delete data.versions;
    ctx.warnings(r.body);
    let out = pathBanner('Metadata Path', r0.apiPath) + `${mapBanner('Metadata', data)}\n${mapTableOf(data)}`;
    for (const v of Object.keys(versions)
      .map(Number)
      .sort((a, b) => a - b)) {
      const vd = versions[String(v)];
      out += `\n${mapBanner(`Version ${v}`, vd)}\n${mapTableOf(vd)}`;
    }
    ctx.io.stdout(out);
    return 0;
  },
};
