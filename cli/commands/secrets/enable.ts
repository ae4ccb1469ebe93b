import type { Command } from '../../command.js';
import { mountConfig, mountConfigFlags, mountOptions, oneArg, slashed } from '../mounts.js';

export const secretsEnable: Command = {
  name: 'secrets enable',
  synopsis: 'Enable a secrets engine',
  help: `Usage: vault secrets enable [options] TYPE

  Enables a secrets engine. By default, secrets engines are enabled at the path
  corresponding to their TYPE, but users can customize the path using the
  -path option.

  Once enabled, Vault will route all requests which begin with the path to the
  secrets engine.

  Enable the AWS secrets engine at aws/:

      $ vault secrets enable aws

  Enable the SSH secrets engine at ssh-prod/:

      $ vault secrets enable -path=ssh-prod ssh

  Enable the database secrets engine with an explicit maximum TTL of 30m:

      $ vault secrets enable -max-lease-ttl=30m database

  Enable a second KV engine, version 2, at team-a/:

      $ vault secrets enable -path=team-a -version=2 kv

Command Options:

  -default-lease-ttl=<duration>   The default lease TTL for this secrets engine.
  -description=<string>           Human-friendly description for the purpose of
                                  this engine.
  -max-lease-ttl=<duration>       The maximum lease TTL for this secrets engine.
  -options=<key=value>            Key-value pair provided as key=value for the
                                  mount options. This can be specified multiple
                                  times.
  -path=<string>                  Place where the secrets engine will be
                                  accessible. This must be unique cross all
                                  secrets engines. The default is the TYPE.
  -version=<int>                  Select the version of the engine to run (KV).`,
  flags: {
    ...mountConfigFlags,
    path: { kind: 'string' },
    'force-no-cache': { kind: 'bool' },
    local: { kind: 'bool' },
    'seal-wrap': { kind: 'bool' },
    'external-entropy-access': { kind: 'bool' },
    'plugin-name': { kind: 'string', hidden: true },
    version: { kind: 'int', default: 0 },
  },
  async run(ctx) {
    const bad = oneArg(ctx);
    if (bad !== undefined) return bad;
    const type = ctx.args[0].trim();
    const mountPath = slashed(String(ctx.flags.path || type));
    const body: Record<string, unknown> = {
      type,
      description: ctx.flags.description ?? '',
      config: mountConfig(ctx),
      local: ctx.flags.local,
      seal_wrap: ctx.flags['seal-wrap'],
      external_entropy_access: ctx.flags['external-entropy-access'],
    };
    const opts = mountOptions(ctx);
    if (opts) body.options = opts;
    try {
      await ctx.client().request('POST', `sys/mounts/${mountPath}`, body);
    } catch (e) {
      return ctx.fail('Error enabling', e);
    }
    const thing = type === 'plugin' ? String(ctx.flags['plugin-name'] || type) : type;
    ctx.io.stdout(`Success! Enabled the ${thing} secrets engine at: ${mountPath}\n`);
    return 0;
  },
};
