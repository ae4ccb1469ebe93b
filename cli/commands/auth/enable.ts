import type { Command } from '../../command.js';
import { mountConfigFlags, enableMount } from '../mounts.js';

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
  run: (ctx) => enableMount(ctx, 'auth'),
};
