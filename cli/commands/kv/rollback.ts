import type { Command } from '../../command.js';
import { argCount, kvFlags, resolveKV } from './common.js';

export const kvRollback: Command = {
  name: 'kv rollback',
  synopsis: 'Rolls back to a previous version of data',
  help: `Usage: vault kv rollback [options] KEY

  *NOTE*: This is only supported for KV v2 engine mounts.

  Restores a given previous version to the current version at the given path.
  The value is written as a new version; for instance, if the current version
  is 5 and the rollback version is 2, the data from version 2 will become
  version 6.

      $ vault kv rollback -mount=secret -version=2 foo

Common Options:

  -mount=<string>   Where the KV backend is mounted.
  -version=<int>    Specifies the version number that should be made current again.`,
  output: true,
  flags: { ...kvFlags, version: { kind: 'int', default: 0 } },
  async run(ctx) {
    const bad = argCount(ctx);
    if (bad !== undefined) return bad;
    const version = ctx.flags.version as number;
    if (!version) return ctx.error('Version flag must be specified');
    const r0 = await resolveKV(ctx, ctx.args[0], 'data');
    if (typeof r0 === 'number') return r0;
    if (!r0.m.v2) {
      ctx.io.stderr('K/V engine mount must be version 2 for rollback support\n');
      return 2;
    }
    const path = r0.apiPath;
    const c = ctx.client();
    if (c.capture === 'policy') {
      // A rollback reads two versions and writes a third: the policy needs all of it.
      c.captureExtra = ['read'];
      try {
        await c.request('PUT', path, { data: {}, options: {} });
      } catch (e) {
        return ctx.fail(`Error writing data to ${path}`, e);
      }
    }
    const preRead = async (query?: Record<string, string>) => {
      try {
        const r = await c.request('GET', path, undefined, { allow404: true, query });
        const d = r.body?.data as Record<string, unknown> | null | undefined;
        if (!r.body || !d) {
          ctx.io.stderr(`No value found at ${path}\n`);
          return 2;
        }
        const meta = d.metadata as Record<string, unknown> | null | undefined;
        if (!meta) {
          ctx.io.stderr(`No metadata found at ${path}; rollback only works on existing data\n`);
          return 2;
        }
        return d;
      } catch (e) {
        return ctx.fail(`Error doing pre-read at ${path}`, e);
      }
    };
    const cur = await preRead();
    if (typeof cur === 'number') return cur;
    const casVersion = (cur.metadata as Record<string, unknown>).version;
    const old = await preRead({ version: String(version) });
    if (typeof old === 'number') return old;
    const meta = old.metadata as Record<string, unknown>;
    if (meta.destroyed === true) {
      ctx.io.stderr('Cannot roll back to a version that has been destroyed\n');
      return 2;
    }
    if (meta.deletion_time && !old.data) {
      ctx.io.stderr('Cannot roll back to a version that has been deleted\n');
      return 2;
    }
    if (!old.data) {
      ctx.io.stderr(`No data found at ${path}\n`);
      return 2;
    }
    let r;
    c.captureExtra = ['read'];
    try {
      r = await c.request('PUT', path, { data: old.data, options: { cas: casVersion } });
    } catch (e) {
      return ctx.fail(`Error writing data to ${path}`, e);
    }
    if (!r.body) {
      if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${path}\n`);
      return 0;
    }
    return ctx.outputSecret(r.body);
  },
};
