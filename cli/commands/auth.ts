/** `vault auth enable | disable | list | tune | help` over `sys/auth`. */
import type { Command } from '../command.js';
import { mountConfig, mountConfigFlags, mountsOf, mountsTable, slashed } from './secrets.js';

const oneArg = (ctx: Parameters<Command['run']>[0]): number | undefined => {
  if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
  if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
  return undefined;
};

export const authEnable: Command = {
  name: 'auth enable',
  synopsis: 'Enables a new auth method',
  help: `Usage: vault auth enable [options] TYPE

  Enables a new auth method. An auth method is responsible for authenticating
  users or machines and assigning them policies with which they can access
  Vault.

  Enable the userpass auth method at userpass/:

      $ vault auth enable userpass

  Enable the LDAP auth method at auth-prod/:

      $ vault auth enable -path=auth-prod ldap

Command Options:

  -default-lease-ttl=<duration>   The default lease TTL for tokens of this method.
  -description=<string>           Human-friendly description for the purpose of
                                  this auth method.
  -max-lease-ttl=<duration>       The maximum lease TTL for tokens of this method.
  -path=<string>                  Place where the auth method will be accessible.
                                  The default is the TYPE.
  -token-type=<string>            The type of token to issue (service, batch,
                                  default-service, default-batch).`,
  flags: {
    ...mountConfigFlags,
    path: { kind: 'string' },
    local: { kind: 'bool' },
    'seal-wrap': { kind: 'bool' },
    'external-entropy-access': { kind: 'bool' },
    'plugin-name': { kind: 'string', hidden: true },
    'token-type': { kind: 'string' },
    version: { kind: 'int', default: 0 },
  },
  async run(ctx) {
    const bad = oneArg(ctx); if (bad !== undefined) return bad;
    const type = ctx.args[0].trim();
    const mountPath = slashed(String(ctx.flags.path || type));
    const body: Record<string, unknown> = { type, description: ctx.flags.description ?? '', config: mountConfig(ctx), local: ctx.flags.local, seal_wrap: ctx.flags['seal-wrap'] };
    const opts = { ...(ctx.flags.options as Record<string, string>) };
    if ((ctx.flags.version as number) > 0) opts.version = String(ctx.flags.version);
    if (Object.keys(opts).length) body.options = opts;
    try { await ctx.client().request('POST', `sys/auth/${mountPath}`, body); } catch (e) { return ctx.fail(`Error enabling ${type} auth`, e); }
    const thing = type === 'plugin' ? String(ctx.flags['plugin-name'] || type) : type;
    ctx.io.stdout(`Success! Enabled ${thing} auth method at: ${mountPath}\n`);
    return 0;
  },
};

export const authDisable: Command = {
  name: 'auth disable',
  synopsis: 'Disables an auth method',
  help: `Usage: vault auth disable [options] PATH

  Disables an existing auth method at the given PATH. The argument corresponds
  to the PATH of the mount, not the TYPE!. Once the auth method is disabled its
  path can no longer be used to authenticate.

  All access tokens generated via the disabled auth method are immediately
  revoked. This command will block until all tokens are revoked.

  Disable the auth method at userpass/:

      $ vault auth disable userpass/`,
  async run(ctx) {
    const bad = oneArg(ctx); if (bad !== undefined) return bad;
    const p = slashed(ctx.args[0]);
    try { await ctx.client().request('DELETE', `sys/auth/${p}`); } catch (e) { return ctx.fail(`Error disabling auth method at ${p}`, e); }
    ctx.io.stdout(`Success! Disabled the auth method (if it existed) at: ${p}\n`);
    return 0;
  },
};

export const authList: Command = {
  name: 'auth list',
  synopsis: 'Lists enabled auth methods',
  help: `Usage: vault auth list [options]

  Lists the enabled auth methods on the Vault server. This command also outputs
  information about the method including configuration and human-friendly
  descriptions. A TTL of "system" indicates that the system default is in use.

  List all enabled auth methods:

      $ vault auth list

  List all enabled auth methods with detailed output:

      $ vault auth list -detailed

Command Options:

  -detailed    Print detailed information such as configuration and replication
               status about each auth method. This option is only applicable to
               table-formatted output.`,
  output: true,
  flags: { detailed: { kind: 'bool' } },
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    let r;
    try { r = await ctx.client().request('GET', 'sys/auth'); } catch (e) { return ctx.fail('Error listing enabled authentications', e); }
    const mounts = mountsOf(r.body);
    if (ctx.format() !== 'table') return ctx.outputData(mounts);
    ctx.io.stdout(mountsTable(mounts, !!ctx.flags.detailed, 'auth'));
    return 0;
  },
};

export const authTune: Command = {
  name: 'auth tune',
  synopsis: 'Tunes an auth method configuration',
  help: `Usage: vault auth tune [options] PATH

  Tunes the configuration options for the auth method at the given PATH. The
  argument corresponds to the PATH where the auth method is enabled, not the
  TYPE!

  Tune the default lease for the github auth method:

      $ vault auth tune -default-lease-ttl=72h github/

Command Options:

  -default-lease-ttl=<duration>   The default lease TTL ("system" resets it).
  -description=<string>           Human-friendly description of the method.
  -max-lease-ttl=<duration>       The maximum lease TTL.
  -token-type=<string>            The type of token to issue.`,
  flags: { ...mountConfigFlags, 'default-lease-ttl': { kind: 'string' }, 'max-lease-ttl': { kind: 'string' }, 'token-type': { kind: 'string' }, version: { kind: 'int', default: 0 } },
  async run(ctx) {
    const bad = oneArg(ctx); if (bad !== undefined) return bad;
    const p = slashed(ctx.args[0]);
    const body: Record<string, unknown> = mountConfig(ctx);
    if (ctx.set.has('description')) body.description = ctx.flags.description;
    const opts = { ...(ctx.flags.options as Record<string, string>) };
    if ((ctx.flags.version as number) > 0) opts.version = String(ctx.flags.version);
    if (Object.keys(opts).length) body.options = opts;
    try { await ctx.client().request('POST', `sys/mounts/auth/${p}tune`, body); } catch (e) { return ctx.fail(`Error tuning auth method ${p}`, e); }
    ctx.io.stdout(`Success! Tuned the auth method at: ${p}\n`);
    return 0;
  },
};

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
    const bad = oneArg(ctx); if (bad !== undefined) return bad;
    const type = ctx.args[0].trim();
    if (AUTH_HELP[type]) { ctx.io.stdout(AUTH_HELP[type] + '\n'); return 0; }
    let r;
    try { r = await ctx.client().request('GET', 'sys/auth'); } catch (e) { return ctx.fail('Error listing auth methods', e); }
    const p = slashed(type);
    const m = mountsOf(r.body)[p];
    if (!m) { ctx.io.stderr(`No auth method available on the server at "${p}"\n`); return 1; }
    const help = AUTH_HELP[String(m.type)];
    if (!help) { ctx.io.stderr(`No method-specific CLI handler available for auth method "${type}"\n`); return 2; }
    ctx.io.stdout(help + '\n');
    return 0;
  },
};
