import { ApiError } from '../../api/client.js';
import type { Command } from '../../command.js';
import { kvData, kvFlags, outputWrite, resolveKV } from './common.js';

export const kvPatch: Command = {
  name: 'kv patch',
  synopsis: 'Sets or updates data in the KV store without overwriting',
  help: `Usage: vault kv patch [options] KEY [DATA]

  *NOTE*: This is only supported for KV v2 engine mounts.

  Writes the data to the corresponding path in the key-value store. The data can be of
  any type. Fields you do not name keep their values.

      $ vault kv patch -mount=secret foo bar=baz

  By default, this operation will attempt an HTTP PATCH operation. If your
  policy does not allow that, it will fall back to a read/local update/write approach.
  When -method=patch is specified, only an HTTP PATCH operation will be tried.
  When -method=rw is specified, only a read/local update/write approach will be tried.

  To remove data from the corresponding path in the key-value store:

      $ vault kv patch -mount=secret -remove-data=bar foo

Common Options:

  -cas=<int>            Patch only if the current version is this one (0 = any).
  -method=<string>      "patch" or "rw".
  -mount=<string>       Where the KV backend is mounted.
  -remove-data=<key>    Key to remove from the data; may be repeated.`,
  output: true,
  flags: {
    ...kvFlags,
    cas: { kind: 'int', default: 0 },
    method: { kind: 'string', default: '' },
    'remove-data': { kind: 'strings' },
  },
  async run(ctx) {
    const remove = ctx.flags['remove-data'] as string[];
    if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected >1, got ${ctx.args.length})`);
    if (!remove.length && ctx.args.length === 1) return ctx.error('Must supply data');
    const newData = await kvData(ctx, ctx.args.slice(1));
    if (typeof newData === 'number') return newData;
    const r0 = await resolveKV(ctx, ctx.args[0], 'data');
    if (typeof r0 === 'number') return r0;
    if (!r0.m.v2) {
      ctx.io.stderr('K/V engine mount must be version 2 for patch support\n');
      return 2;
    }
    const path = r0.apiPath;
    for (const k of remove) newData[k] = null;
    const method = String(ctx.flags.method ?? '');
    if (!['', 'rw', 'patch'].includes(method)) {
      ctx.io.stderr(`Unsupported method provided to -method flag: ${method}\n`);
      return 2;
    }
    const c = ctx.client();
    const readThenWrite = async (): Promise<number> => {
      let cur;
      try {
        cur = await c.request('GET', path, undefined, { allow404: true, noCapture: true });
      } catch (e) {
        return ctx.fail(`Error doing pre-read at ${path}`, e);
      }
      const d = cur.body?.data as Record<string, unknown> | null | undefined;
      if (!cur.body || !d || (cur.status === 404 && !d)) {
        ctx.io.stderr(`No value found at ${path}\n`);
        return 2;
      }
      const meta = d.metadata as Record<string, unknown> | null | undefined;
      if (!meta) {
        ctx.io.stderr(`No metadata found at ${path}; patch only works on existing data\n`);
        return 2;
      }
      const old = d.data as Record<string, unknown> | null | undefined;
      if (!old) {
        ctx.io.stderr(`No data found at ${path}; patch only works on existing data\n`);
        return 2;
      }
      const merged = { ...old, ...newData };
      c.captureExtra = ['read'];
      let w;
      try {
        w = await c.request('PUT', path, { data: merged, options: { cas: meta.version } });
      } catch (e) {
        return ctx.fail(`Error writing data to ${path}`, e);
      }
      return outputWrite(ctx, w.body, path, true);
    };
    if (method === 'rw') return readThenWrite();
    const body: Record<string, unknown> = { data: newData, options: {} };
    if ((ctx.flags.cas as number) > 0) (body.options as Record<string, unknown>).cas = ctx.flags.cas;
    let r;
    try {
      r = await c.request('PATCH', path, body, { headers: { 'Content-Type': 'application/merge-patch+json' } });
    } catch (e) {
      if (e instanceof ApiError && method === '' && e.status === 405) return readThenWrite();
      if (e instanceof ApiError && method === '' && e.status === 403) {
        ctx.io.stderr(
          `Data was written to ${path} but we recommend that you add the "patch" capability to your ACL policy in order to use HTTP PATCH in the future.\n`,
        );
        return readThenWrite();
      }
      return ctx.fail(`Error writing data to ${path}`, e);
    }
    return outputWrite(ctx, r.body, path, true);
  },
};
