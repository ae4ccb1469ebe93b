import type { Command } from '../../command.js';
import { mountsOf, oneArg, slashed } from '../mounts.js';

/** What `vault auth help <type>` prints: how `vault login` takes each method's credentials. */
export const AUTH_HELP: Record<string, string> = {
  token: `Usage: vault login TOKEN [CONFIG K=V...]

  The token auth method allows logging in directly with a token. This
  can be a token from the "token-create" command or API. There are no
  configuration options for this auth method.

  Authenticate using a token:

      $ vault login 96ddf4bc-d217-f3ba-f9bd-017055595017

  Authenticate but do not lookup information about the token:

      $ vault login token=96ddf4bc-d217-f3ba-f9bd-017055595017 lookup=false

  This token usually comes from a different source such as the API or via the
  built-in "vault token create" command.

Configuration:

  token=<string>
      The token to use for authentication. This is usually provided directly
      via the "vault login" command.

  lookup=<bool>
      Perform a lookup of the token's metadata and policies.`,
  userpass: `Usage: vault login -method=userpass [CONFIG K=V...]

  The userpass auth method allows users to authenticate using Vault's
  internal user database.

  Authenticate as "sally":

      $ vault login -method=userpass username=sally
      Password (will be hidden):

  Authenticate as "bob":

      $ vault login -method=userpass username=bob password=password

Configuration:

  password=<string>
      Password to use for authentication. If not provided, the CLI will prompt
      for this on stdin.

  username=<string>
      Username to use for authentication.`,
  approle: `Usage: vault write auth/approle/login role_id=<role_id> secret_id=<secret_id>

  AppRole has no "vault login -method" handler in HashiCorp's CLI: a machine
  logs in by writing its role_id and secret_id to the login path, and the
  token comes back in the response.

      $ vault write auth/approle/login role_id=... secret_id=...

  Take just the token:

      $ vault write -field=token auth/approle/login role_id=... secret_id=...`,
  kubernetes: `Usage: vault write auth/kubernetes/login role=<role> jwt=<service account token>

  A pod logs in with its service-account token (a JWT) and the name of a role
  bound to that service account; Vault checks the token with the cluster's
  TokenReview API.

      $ vault write auth/kubernetes/login role=my-role jwt=@/var/run/secrets/kubernetes.io/serviceaccount/token`,
};

export const authHelp: Command = {
  name: 'auth help',
  synopsis: 'Prints usage for an auth method',
  help: `Usage: vault auth help [options] TYPE | PATH

  Prints usage and help for an auth method.

    - If given a TYPE, this command prints the default help for the
      auth method of that type.

    - If given a PATH, this command prints the help output for the
      auth method enabled at that path. This path must already
      exist.

  Get usage instructions for the userpass auth method:

      $ vault auth help userpass

  Print usage for the auth method enabled at my-method/:

      $ vault auth help my-method/`,
  async run(ctx) {
    const bad = oneArg(ctx);
    if (bad !== undefined) return bad;
    const type = ctx.args[0].trim();
    if (AUTH_HELP[type]) {
      ctx.io.stdout(AUTH_HELP[type] + '\n');
      return 0;
    }
    let r;
    try {
      r = await ctx.client().request('GET', 'sys/auth');
    } catch (e) {
      return ctx.fail('Error listing auth methods', e);
    }
    const p = slashed(type);
    const m = mountsOf(r.body)[p];
    if (!m) {
      ctx.io.stderr(`No auth method available on the server at "${p}"\n`);
      return 1;
    }
    const help = AUTH_HELP[String(m.type)];
    if (!help) {
      ctx.io.stderr(`No method-specific CLI handler available for auth method "${type}"\n`);
      return 2;
    }
    ctx.io.stdout(help + '\n');
    return 0;
  },
};
