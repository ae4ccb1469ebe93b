import type { Command } from '../../command.js';
import { argCount, kvFlags, mapBanner, mapTableOf, metadataTable, pathBanner, resolveKV } from './common.js';

export const kvGet: Command = {
  name: 'kv get',
  synopsis: 'Retrieves data from the KV store',
  help: `Usage: vault kv get [options] KEY

  Retrieves the value from Vault's key-value store at the given key name. If no
  key exists with that name, an error is returned. If a key exists with that
  name but has no data, nothing is returned.

      $ vault kv get -mount=secret foo

  To view the given key name at a specific version in time, specify the "-version"
  flag:

      $ vault kv get -mount=secret -version=1 foo

Common Options:

  -mount=<string>   Where the KV backend is mounted.
  -version=<int>    If passed, the value at the version number will be returned.`,
  output: true,
  flags: { ...kvFlags, version: { kind: 'int', default: 0 } },
  async run(ctx) {
    const bad = argCount(ctx);
    if (bad !== undefined) return bad;
    const r0 = await resolveKV(ctx, ctx.args[0], 'data');
    if (typeof r0 === 'number') return r0;
    const { m, apiPath } = r0;
    const query: Record<string, string> = {};
    if ((ctx.flags.version as number) > 0) query.version = String(ctx.flags.version);
    let r;
    try {
      r = await ctx.client().request('GET', apiPath, undefined, { allow404: true, query });
    } catch (e) {
      return ctx.fail(`Error reading ${apiPath}`, e);
    }
    const body = r.body;
    const hasData = body?.data && Object.keys(body.data as object).length;
    if (!body || (r.status === 404 && !hasData && !(body.warnings as unknown[] | null)?.length)) {
      ctx.io.stderr(`No value found at ${apiPath}\n`);
      // `vault kv get secret/data/x` asks for secret/data/data/x: the kv commands add data/ themselves.
      const doubled = m.v2 ? apiPath.match(/^(.*?)\/data\/data\/(.+)$/) : null;
      if (doubled)
        ctx.io.stderr(
          `Hint (vault-lab): the kv commands add "data/" for you; try "vault kv get ${doubled[1]}/${doubled[2]}".\n`,
        );
      return 2;
    }
    const field = ctx.flags.field as string | undefined;
    const d = (body.data as Record<string, unknown> | null) ?? null;
    if (field) {
      if (!m.v2) return ctx.outputSecret(body);
      const inner = d?.data as Record<string, unknown> | null | undefined;
      if (!inner) {
        ctx.io.stderr(`No data found at ${apiPath}\n`);
        return 2;
      }
      if (field === 'data' && !('data' in inner)) return ctx.outputSecret(body);
      return ctx.outputData(inner);
    }
    if (body.wrap_info || ctx.format() !== 'table') return ctx.outputSecret(body);
    ctx.warnings(body);
    let out = '';
    if (m.v2) out += pathBanner('Secret Path', apiPath);
    const meta = d?.metadata as Record<string, unknown> | null | undefined;
    if (meta) out += `${metadataTable(meta)}\n`;
    const data = m.v2 ? (d?.data as Record<string, unknown> | null | undefined) : d;
    if (data) out += `${mapBanner('Data', data)}\n${mapTableOf(data)}`;
    ctx.io.stdout(out);
    return 0;
  },
};
