import type { Command } from '../../command.js';
import { clean } from './common.js';

export const leaseRenew: Command = {
  name: 'lease renew',
  synopsis: 'Renews the lease of a secret',
  help: `Usage: vault lease renew [options] ID

  Renews the lease on a secret, extending the time that it can be used before
  it is revoked by Vault.

  Every secret in Vault has a lease associated with it. If the owner of the
  secret wants to use it longer than the lease, then it must be renewed.
  Renewing the lease does not change the contents of the secret. The ID is the
  full path lease ID.

  Renew a secret:

      $ vault lease renew database/creds/readonly/2f6a614c-4aa2-7b19-24b9-ad944a8d4de6

  Lease renewal will fail if the secret is not renewable, the secret has already
  been revoked, or if the secret has already reached its maximum TTL.

Command Options:

  -increment=<duration>   Request a specific increment in seconds. Vault is not
                          required to honor this request.`,
  output: true,
  flags: { increment: { kind: 'duration' } },
  async run(ctx) {
    if (!ctx.args.length) return ctx.error('Missing ID!');
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1-2, got ${ctx.args.length})`);
    const id = clean(ctx.args[0]);
    const body: Record<string, unknown> = { lease_id: id };
    if (ctx.flags.increment) body.increment = ctx.flags.increment;
    let r;
    try {
      r = await ctx.client().request('PUT', 'sys/leases/renew', body);
    } catch (e) {
      return ctx.fail(`Error renewing ${id}`, e);
    }
    return ctx.outputSecret(r.body);
  },
};
