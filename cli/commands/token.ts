/** `vault token create | lookup | renew | revoke | capabilities`. */
import { PRETTY_REFUSED, type Command, type CommandContext } from '../command.js';
import { toJson, toYaml } from '../format.js';

export const tokenCreate: Command = {
  name: 'token create',
  synopsis: 'Create a new token',
  help: `Usage: vault token create [options]

  Creates a new token that can be used for authentication. This token will be
  created as a child of the currently authenticated token. The generated token
  will inherit all policies and permissions of the currently authenticated
  token unless you explicitly define a subset list policies to assign to the
  token.

  A ttl can also be associated with the token. If a ttl is not associated
  with the token, then it cannot be renewed. If a ttl is associated with
  the token, it will expire after that amount of time unless it is renewed.

  Create a token attached to specific policies:

      $ vault token create -policy=my-policy -policy=other-policy

  Create a periodic token:

      $ vault token create -period=30m

Command Options:

  -display-name=<string>       Name to associate with this token.
  -entity-alias=<string>       Name of the entity alias to associate with during token creation.
  -explicit-max-ttl=<duration> Explicit maximum lifetime for the token.
  -id=<string>                 Value for the token (root or sudo only).
  -metadata=<key=value>        Arbitrary key=value metadata; may be repeated.
  -no-default-policy           Detach the "default" policy from the token.
  -orphan                      Create the token with no parent.
  -period=<duration>           Make the token periodic with this renewal period.
  -policy=<string>             Name of a policy to attach; may be repeated.
  -renewable                   Allow the token to be renewed (default true).
  -role=<string>               Name of the token role to create the token against.
  -ttl=<duration>              Initial TTL of the token.
  -type=<string>               The type of token to create: service or batch.
  -use-limit=<int>             Number of times the token may be used.`,
  output: true,
  flags: {
    id: { kind: 'string' },
    'display-name': { kind: 'string' },
    ttl: { kind: 'duration' },
    'explicit-max-ttl': { kind: 'duration' },
    period: { kind: 'duration' },
    renewable: { kind: 'bool', default: true },
    orphan: { kind: 'bool' },
    'no-default-policy': { kind: 'bool' },
    'use-limit': { kind: 'int' },
    role: { kind: 'string' },
    type: { kind: 'string', default: 'service' },
    policy: { kind: 'strings' },
    metadata: { kind: 'map' },
    'entity-alias': { kind: 'string' },
  },
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    const f = ctx.flags;
    const body: Record<string, unknown> = { renewable: f.renewable };
    if ((f.policy as string[]).length) body.policies = f.policy;
    if (Object.keys(f.metadata as object).length) body.meta = f.metadata;
    if (f.orphan) body.no_parent = true;
    if (f['no-default-policy']) body.no_default_policy = true;
    if (f['display-name']) body.display_name = f['display-name'];
    if (f['use-limit'] !== undefined) body.num_uses = f['use-limit'];
    if (f.ttl) body.ttl = f.ttl;
    if (f['explicit-max-ttl']) body.explicit_max_ttl = f['explicit-max-ttl'];
    if (f.period) body.period = f.period;
    if (f.id) body.id = f.id;
    if (f['entity-alias']) body.entity_alias = f['entity-alias'];
    if (f.type && f.type !== 'service') body.type = f.type;
    const path = f.role ? `auth/token/create/${f.role}` : f.orphan ? 'auth/token/create-orphan' : 'auth/token/create';
    let r;
    try { r = await ctx.client().request('POST', path, body); } catch (e) { return ctx.fail('Error creating token', e); }
    return ctx.outputSecret(r.body);
  },
};

export const tokenLookup: Command = {
  name: 'token lookup',
  synopsis: 'Display information about a token',
  help: `Usage: vault token lookup [options] [TOKEN | ACCESSOR]

  Displays information about a token or accessor. If a TOKEN is not provided,
  the locally authenticated token is used.

  Get information about the locally authenticated token:

      $ vault token lookup

  Get information about a particular token:

      $ vault token lookup 96ddf4bc-d217-f3ba-f9bd-017055595017

  Get information about a token via its accessor:

      $ vault token lookup -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da

Command Options:

  -accessor    Treat the argument as an accessor instead of a token.`,
  output: true,
  flags: { accessor: { kind: 'bool' } },
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
    if (ctx.flags.accessor && !ctx.args.length) return ctx.error('Not enough arguments with -accessor (expected 1, got 0)');
    const c = ctx.client();
    let r;
    try {
      if (ctx.flags.accessor) r = await c.request('POST', 'auth/token/lookup-accessor', { accessor: ctx.args[0] });
      else if (ctx.args.length) r = await c.request('POST', 'auth/token/lookup', { token: ctx.args[0] });
      else r = await c.request('GET', 'auth/token/lookup-self');
    } catch (e) { return ctx.fail('Error looking up token', e); }
    return ctx.outputSecret(r.body);
  },
};

export const tokenRenew: Command = {
  name: 'token renew',
  synopsis: 'Renew a token lease',
  help: `Usage: vault token renew [options] [TOKEN]

  Renews a token's lease, extending the amount of time it can be used. If a
  TOKEN is not provided, the locally authenticated token is used. A token
  accessor can be used as well. Lease renewal will fail if the token is not
  renewable, the token has already been revoked, or if the token has already
  reached its maximum TTL.

  Renew a token (this uses the /auth/token/renew endpoint and permission):

      $ vault token renew 96ddf4bc-d217-f3ba-f9bd-017055595017

  Renew the currently authenticated token (this uses the /auth/token/renew-self
  endpoint and permission):

      $ vault token renew

  Renew a token requesting a specific increment value:

      $ vault token renew -increment=30m 96ddf4bc-d217-f3ba-f9bd-017055595017

Command Options:

  -accessor               Treat the argument as an accessor instead of a token.
  -increment=<duration>   Request a specific increment for renewal (alias -i).`,
  output: true,
  flags: { increment: { kind: 'duration', aliases: ['i'] }, accessor: { kind: 'bool' } },
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
    if (ctx.flags.accessor && !ctx.args.length) return ctx.error('Not enough arguments with -accessor (expected 1, got 0)');
    const inc = ctx.flags.increment as string | undefined;
    const c = ctx.client();
    let r;
    try {
      if (ctx.flags.accessor) r = await c.request('PUT', 'auth/token/renew-accessor', { accessor: ctx.args[0], ...(inc ? { increment: inc } : {}) });
      else if (ctx.args.length) r = await c.request('PUT', 'auth/token/renew', { token: ctx.args[0], ...(inc ? { increment: inc } : {}) });
      else r = await c.request('PUT', 'auth/token/renew-self', inc ? { increment: inc } : {});
    } catch (e) { return ctx.fail('Error renewing token', e); }
    return ctx.outputSecret(r.body);
  },
};

export const tokenRevoke: Command = {
  name: 'token revoke',
  synopsis: 'Revoke a token and its children',
  help: `Usage: vault token revoke [options] [TOKEN | ACCESSOR]

  Revokes authentication tokens and their children. If a TOKEN is not provided,
  the locally authenticated token is used. The "-mode" flag can be used to
  control the behavior of the revocation. See the "-mode" flag documentation
  for more information.

  Revoke a token and all the token's children:

      $ vault token revoke 96ddf4bc-d217-f3ba-f9bd-017055595017

  Revoke a token leaving the token's children:

      $ vault token revoke -mode=orphan 96ddf4bc-d217-f3ba-f9bd-017055595017

  Revoke a token by accessor:

      $ vault token revoke -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da

Command Options:

  -accessor       Treat the argument as an accessor instead of a token.
  -mode=<string>  "orphan" keeps the children; "path" revokes every token
                  created under the given creation path prefix.
  -self           Revoke the currently authenticated token.`,
  flags: { accessor: { kind: 'bool' }, self: { kind: 'bool' }, mode: { kind: 'string', default: '' } },
  async run(ctx) {
    const { accessor, self } = ctx.flags as { accessor: boolean; self: boolean };
    const mode = String(ctx.flags.mode ?? '');
    const n = ctx.args.length;
    if (self && n > 0) return ctx.error(`Too many arguments with -self (expected 0, got ${n})`);
    if (!self && n > 1) return ctx.error(`Too many arguments (expected 1 or -self, got ${n})`);
    if (!self && n < 1) return ctx.error(`Not enough arguments (expected 1 or -self, got ${n})`);
    if (self && accessor) return ctx.error('Cannot use -self with -accessor!');
    if (self && mode) return ctx.error('Cannot use -self with -mode!');
    if (accessor && mode === 'orphan') return ctx.error('Cannot use -accessor with -mode=orphan!');
    if (accessor && mode === 'path') return ctx.error('Cannot use -accessor with -mode=path!');
    const c = ctx.client();
    try {
      switch (mode) {
        case '':
          if (self) await c.request('PUT', 'auth/token/revoke-self', {});
          else if (accessor) await c.request('PUT', 'auth/token/revoke-accessor', { accessor: ctx.args[0] });
          else await c.request('PUT', 'auth/token/revoke', { token: ctx.args[0] });
          break;
        case 'orphan': await c.request('PUT', 'auth/token/revoke-orphan', { token: ctx.args[0] }); break;
        case 'path': await c.request('PUT', `sys/leases/revoke-prefix/${ctx.args[0].replace(/^\/+/, '')}`, {}); break;
        default: return ctx.error(`Invalid mode: ${mode}`);
      }
    } catch (e) { return ctx.fail('Error revoking token', e); }
    ctx.io.stdout('Success! Revoked token (if it existed)\n');
    return 0;
  },
};

export const tokenCapabilities: Command = {
  name: 'token capabilities',
  synopsis: 'Print capabilities of a token on a path',
  help: `Usage: vault token capabilities [options] [TOKEN] PATH

  Fetches the capabilities of a token for a given path. If a TOKEN is provided
  as an argument, the "/sys/capabilities" endpoint and permission is used. If
  no TOKEN is provided, the "/sys/capabilities-self" endpoint and permission
  is used with the locally authenticated token.

  List capabilities for the local token on the "secret/foo" path:

      $ vault token capabilities secret/foo

  List capabilities for a token on the "cubbyhole/foo" path:

      $ vault token capabilities 96ddf4bc-d217-f3ba-f9bd-017055595017 cubbyhole/foo

  List capabilities for a token on the "cubbyhole/foo" path via its accessor:

      $ vault token capabilities -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da cubbyhole/foo

Command Options:

  -accessor    Treat the first argument as an accessor instead of a token.`,
  output: true,
  flags: { accessor: { kind: 'bool' } },
  async run(ctx) {
    const n = ctx.args.length;
    if (n === 0) return ctx.error('Not enough arguments (expected 1-2, got 0)');
    if (n > 2) return ctx.error(`Too many arguments (expected 1-2, got ${n})`);
    if (ctx.flags.accessor && n !== 2) return ctx.error(`Not enough arguments with -accessor (expected 2, got ${n})`);
    const path = ctx.args[n - 1].replace(/^\/+/, '');
    const c = ctx.client();
    let r;
    try {
      if (n === 1) r = await c.request('POST', 'sys/capabilities-self', { paths: [path] });
      else if (ctx.flags.accessor) r = await c.request('POST', 'sys/capabilities-accessor', { accessor: ctx.args[0], paths: [path] });
      else r = await c.request('POST', 'sys/capabilities', { token: ctx.args[0], paths: [path] });
    } catch (e) { return ctx.fail('Error listing capabilities', e); }
    return printCapabilities(ctx, r.body, path);
  },
};

function printCapabilities(ctx: CommandContext, body: Record<string, unknown> | null, path: string): number {
  const data = (body?.data as Record<string, unknown> | undefined) ?? body ?? {};
  const caps = [...(((data[path] ?? data.capabilities) as string[] | undefined) ?? [])].sort();
  const fmt = ctx.format();
  if (fmt === 'pretty') return ctx.error(PRETTY_REFUSED);
  if (fmt === 'json') ctx.io.stdout(toJson(caps));
  else if (fmt === 'yaml') ctx.io.stdout(toYaml(caps));
  else ctx.io.stdout(caps.join(', ') + '\n');
  return 0;
}
