/**
 * `vault login [TOKEN]` (the default method): checks the token with
 * `auth/token/lookup-self` and stores it in the token helper.
 */
import type { CommandContext } from '../command.js';
import { storeToken } from '../token-helper.js';
import { VaultClient } from '../api/client.js';

/** Logs in with a token given as the argument, on stdin (`-`) or at a prompt; returns the exit code. */
export async function tokenLogin(ctx: CommandContext, success: string): Promise<number> {
  let token = ctx.args[0]?.startsWith('token=') ? ctx.args[0].slice(6) : ctx.args[0];
  if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
  if (!token || token === '-') {
    if (token === '-' || !ctx.io.promptSecret || ctx.flags['non-interactive'])
      token = (await ctx.io.readStdin()).trim();
    else token = (await ctx.io.promptSecret('Token (will be hidden): ')).trim();
  }
  if (!token) return ctx.error('Error authenticating: no token provided');
  const c = ctx.client();
  const probe = new VaultClient(c.address, token);
  let r;
  try {
    r = await probe.request('GET', 'auth/token/lookup-self');
  } catch (e) {
    return ctx.fail('Error authenticating: error looking up token', e);
  }
  const d = (r.body?.data as Record<string, unknown>) ?? {};
  const resp = {
    ...r.body,
    data: null,
    auth: {
      client_token: token,
      accessor: d.accessor,
      policies: d.policies,
      token_policies: d.policies,
      metadata: d.meta,
      lease_duration: d.ttl,
      renewable: d.renewable ?? false,
    },
  };
  if (!ctx.flags['no-store'] && !ctx.flags['token-only']) {
    // -token-only implies -no-store, as in Vault
    try {
      storeToken(ctx.env, token);
    } catch (e) {
      return ctx.error(`Error storing token: ${(e as Error).message}`);
    }
  }
  if (ctx.flags['token-only']) {
    ctx.io.stdout(token);
    return 0;
  }
  if (ctx.flags['no-print']) return 0;
  if (ctx.format() === 'table' && !ctx.flags.field) {
    if (ctx.env.VAULT_TOKEN)
      ctx.io.stderr(
        'WARNING! The VAULT_TOKEN environment variable is set! The value of this\nvariable will take precedence; if this is unwanted please unset VAULT_TOKEN or\nupdate its value accordingly.\n\n',
      );
    ctx.io.stdout(
      ctx.flags['no-store']
        ? 'Success! You are now authenticated. The token information displayed below\nis NOT stored in the token helper.\n\n'
        : success,
    );
  }
  return ctx.outputSecret(resp);
}
