import type { Command } from '../../command.js';

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
    // Vault's CLI: a batch token is never renewable.
    const body: Record<string, unknown> = { renewable: f.type === 'batch' ? false : f.renewable };
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
    // -orphan is no_parent on auth/token/create (root or sudo), as in Vault's CLI, never create-orphan.
    const path = f.role ? `auth/token/create/${f.role}` : 'auth/token/create';
    let r;
    try {
      r = await ctx.client().request('POST', path, body);
    } catch (e) {
      return ctx.fail('Error creating token', e);
    }
    return ctx.outputSecret(r.body);
  },
};
