import type { Command } from '../../command.js';
import { printList } from '../common.js';
import { kvFlags, resolveKV, sanitize } from './common.js';

export const kvList: Command = {
  name: 'kv list',
  synopsis: 'List data or secrets',
  help: `Usage: vault kv list [options] PATH

  Lists data from Vault's key-value store at the given path.

  List values under the "my-app" folder of the key-value store:

      $ vault kv list -mount=secret my-app/

Common Options:

  -mount=<string>   Where the KV backend is mounted.`,
  output: true,
  flags: kvFlags,
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
    const arg = ctx.args[0] ?? '';
    if (!ctx.args.length && !ctx.flags.mount) return ctx.error('Not enough arguments (expected 1, got 0)');
    const r0 = await resolveKV(ctx, arg, 'metadata');
    if (typeof r0 === 'number') return r0;
    const p = r0.apiPath.endsWith('/') ? r0.apiPath : r0.apiPath + '/';
    let r;
    try {
      r = await ctx.client().request('GET', p, undefined, { allow404: true, query: { list: 'true' } });
    } catch (e) {
      return ctx.fail(`Error listing ${r0.apiPath}`, e);
    }
    const code = printList(ctx, r.status === 404 ? null : r.body, r0.apiPath);
    if (code === 2 && r0.m.v2 && arg && !arg.endsWith('/')) {
      // Tutorials run `kv list` on a secret to see its versions; say what does that. The probe lists
      // the parent folder rather than reading the secret's metadata: a lab must not take this hint's
      // own request for the learner having read the history.
      const cut = r0.apiPath.lastIndexOf('/');
      const parent = await ctx
        .client()
        .request('GET', r0.apiPath.slice(0, cut + 1), undefined, { allow404: true, query: { list: 'true' } })
        .catch(() => null);
      const keys = (parent?.body as { data?: { keys?: unknown } } | undefined)?.data?.keys;
      const shown = [ctx.flags.mount ? sanitize(String(ctx.flags.mount)) : '', sanitize(arg)].filter(Boolean).join('/');
      if (parent?.status === 200 && Array.isArray(keys) && keys.includes(r0.apiPath.slice(cut + 1)))
        ctx.io.stderr(
          `Hint (vault-lab): ${shown} is a secret, not a folder; "vault kv metadata get ${shown}" shows its versions.\n`,
        );
    }
    return code;
  },
};
