import type { Command } from '../../command.js';
import { mountConfig, mountConfigFlags, mountOptions, oneArg, slashed } from '../mounts.js';

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
    };
    const opts = mountOptions(ctx);
    if (opts) body.options = opts;
    try {
      await ctx.client().request('POST', `sys/auth/${mountPath}`, body);
    } catch (e) {
      return ctx.fail(`Error enabling ${type} auth`, e);
    }
    const thing = type === 'plugin' ? String(ctx.flags['plugin-name'] || type) : type;
    ctx.io.stdout(`Success! Enabled ${thing} auth method at: ${mountPath}\n`);
    return 0;
  },
};
