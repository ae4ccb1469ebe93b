import type { Command } from '../../command.js';
import { clean } from './common.js';

export const leaseLookup: Command = {
  name: 'lease lookup',
  synopsis: 'Lookup the lease of a secret',
  help: `Usage: vault lease lookup ID

  Lookup the lease information of a secret.

  Every secret in Vault has a lease associated with it. Users can look up
  information on the lease by referencing the lease ID.

  Lookup the lease of a secret:

      $ vault lease lookup database/creds/readonly/2f6a614c-4aa2-7b19-24b9-ad944a8d4de6`,
  output: true,
  async run(ctx) {
    if (!ctx.args.length) return ctx.error('Missing ID!');
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
    const id = clean(ctx.args[0]);
    let r;
    try {
      r = await ctx.client().request('PUT', 'sys/leases/lookup', { lease_id: id });
    } catch (e) {
      return ctx.fail(`error looking up lease id ${id}`, e);
    }
    return ctx.outputSecret(r.body);
  },
};
