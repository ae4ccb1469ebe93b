import type { Command } from '../../command.js';
import { clean, oneArg } from './common.js';

export const leaseRevoke: Command = {
  name: 'lease revoke',
  synopsis: 'Revokes leases and secrets',
  help: `Usage: vault lease revoke [options] ID

  Revokes secrets by their lease ID. This command can revoke a single secret
  or multiple secrets based on a path-matched prefix.

  The default behavior when not using -force is to revoke asynchronously; Vault
  will queue the revocation and keep trying if it fails (including across
  restarts). The -sync flag can be used to force a synchronous operation, but
  it is then up to the caller to retry on failure. Force mode always operates
  synchronously.

  Revoke a single lease:

      $ vault lease revoke database/creds/readonly/2f6a614c...

  Revoke all leases for a role:

      $ vault lease revoke -prefix aws/creds/deploy

  Force delete leases from Vault even if secret engine revocation fails:

      $ vault lease revoke -force -prefix consul/creds

Command Options:

  -force     Delete the lease from Vault even if the secret engine revocation
             fails. This is meant for recovery situations where the secret
             in the target secret engine was manually removed. If this flag is
             specified, -prefix is also required. This is aliased as "-f".
  -prefix    Treat the ID as a prefix instead of an exact lease ID. This can
             revoke multiple leases simultaneously.
  -sync      Force a synchronous operation; by default revocation is queued.`,
  flags: { force: { kind: 'bool', aliases: ['f'] }, prefix: { kind: 'bool' }, sync: { kind: 'bool' } },
  async run(ctx) {
    const bad = oneArg(ctx);
    if (bad !== undefined) return bad;
    const { force, prefix, sync } = ctx.flags as { force: boolean; prefix: boolean; sync: boolean };
    if (force && !prefix) return ctx.error('Specifying -force requires also specifying -prefix');
    const id = clean(ctx.args[0]);
    const c = ctx.client();
    if (force) {
      ctx.io.stderr('Warning! Force-removing leases can cause Vault to become out of sync with\nsecret engines!\n');
      try {
        await c.request('PUT', `sys/leases/revoke-force/${id}`);
      } catch (e) {
        return ctx.fail(`Error force revoking leases with prefix ${id}`, e);
      }
      ctx.io.stdout(`Success! Force revoked any leases with prefix: ${id}\n`);
      return 0;
    }
    if (prefix) {
      try {
        await c.request('PUT', `sys/leases/revoke-prefix/${id}`, { sync });
      } catch (e) {
        return ctx.fail(`Error revoking leases with prefix ${id}`, e);
      }
      ctx.io.stdout(
        sync ? `Success! Revoked any leases with prefix: ${id}\n` : 'All revocation operations queued successfully!\n',
      );
      return 0;
    }
    try {
      await c.request('PUT', 'sys/leases/revoke', { lease_id: id, sync });
    } catch (e) {
      return ctx.fail(`Error revoking lease ${id}`, e);
    }
    ctx.io.stdout(sync ? `Success! Revoked lease: ${id}\n` : 'All revocation operations queued successfully!\n');
    return 0;
  },
};
