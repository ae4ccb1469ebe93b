import type { Command } from '../../command.js';
import { kvData, kvFlags, outputWrite, resolveKV } from './common.js';

const putHelp = `Usage: vault kv put [options] KEY [DATA]

  Writes the data to the given path in the key-value store. The data can be of
  any type.

      $ vault kv put -mount=secret foo bar=baz

  The deprecated path-like syntax can also be used, but this should be avoided
  for KV v2, as the fact that it is not actually the full API path to
  the secret (secret/data/foo) can cause confusion:

      $ vault kv put secret/foo bar=baz

  The data can also be consumed from a file on disk by prefixing with the "@"
  symbol. For example:

      $ vault kv put -mount=secret foo @data.json

  Or it can be read from stdin using the "-" symbol:

      $ echo "abcd1234" | vault kv put -mount=secret foo bar=-

  To perform a Check-And-Set operation, specify the -cas flag with the
  appropriate version number corresponding to the key you want to perform
  the CAS operation on:

      $ vault kv put -mount=secret -cas=1 foo bar=baz

Common Options:

  -cas=<int>        Check-And-Set: 0 writes only if the key does not exist;
                    N writes only if the current version is N.
  -mount=<string>   Where the KV backend is mounted; the argument is then the
                    secret path alone.`;

export const kvPut: Command = {
  name: 'kv put',
  synopsis: 'Sets or updates data in the KV store',
  help: putHelp,
  output: true,
  flags: { ...kvFlags, cas: { kind: 'int', default: -1 } },
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected >1, got ${ctx.args.length})`);
    if (ctx.args.length === 1) return ctx.error('Must supply data');
    const data = await kvData(ctx, ctx.args.slice(1));
    if (typeof data === 'number') return data;
    const r0 = await resolveKV(ctx, ctx.args[0], 'data');
    if (typeof r0 === 'number') return r0;
    const { m, apiPath } = r0;
    let body: Record<string, unknown> = data;
    if (m.v2) {
      body = { data, options: {} };
      const cas = ctx.flags.cas as number;
      if (cas > -1) (body.options as Record<string, unknown>).cas = cas;
    }
    let r;
    try {
      r = await ctx.client().request('PUT', apiPath, body);
    } catch (e) {
      return ctx.fail(`Error writing data to ${apiPath}`, e);
    }
    return outputWrite(ctx, r.body, apiPath, m.v2);
  },
};
