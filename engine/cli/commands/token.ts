import type { Command } from '../command.js';

export const tokenCreate: Command = {
  name: 'token create',
  synopsis: 'Create a new token',
  help: `Usage: vault token create [options]

  Creates a new token that can be used for authentication. This token will be
  created as a child of the currently authenticated token. The generated token
  will inherit all policies and permissions of the currently authenticated
  token unless you explicitly define a subset list policies to assign to the
  token.

  Create a token attached to specific policies:

      $ vault token create -policy=my-policy -policy=other-policy

  Create a periodic token:

      $ vault token create -period=30m`,
  output: true,
  flags: {
    id: { kind: 'string' },
    'display-name': { kind: 'string' },
    ttl: { kind: 'string' },
    'explicit-max-ttl': { kind: 'string' },
    period: { kind: 'string' },
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
    const body: Record<string, unknown> = {
      policies: f.policy, meta: f.metadata, no_parent: f.orphan, no_default_policy: f['no-default-policy'],
      display_name: f['display-name'] ?? '', num_uses: f['use-limit'] ?? 0, renewable: f.renewable, type: f.type,
      ttl: f.ttl ?? '', explicit_max_ttl: f['explicit-max-ttl'] ?? '', period: f.period ?? '', id: f.id ?? '', entity_alias: f['entity-alias'] ?? '',
    };
    if (!(f.policy as string[]).length) delete body.policies;
    if (!Object.keys(f.metadata as object).length) delete body.meta;
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

      $ vault token lookup -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da`,
  output: true,
  flags: { accessor: { kind: 'bool' } },
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 0-1, got ${ctx.args.length})`);
    const c = ctx.client();
    let r;
    try {
      if (ctx.flags.accessor) {
        if (!ctx.args.length) return ctx.error('Not enough arguments (expected 1, got 0)');
        r = await c.request('POST', 'auth/token/lookup-accessor', { accessor: ctx.args[0] });
      } else if (ctx.args.length) r = await c.request('POST', 'auth/token/lookup', { token: ctx.args[0] });
      else r = await c.request('GET', 'auth/token/lookup-self');
    } catch (e) { return ctx.fail('Error looking up token', e); }
    return ctx.outputSecret(r.body);
  },
};
