import type { Command } from '../../command.js';
import { mountConfigFlags, enableMount } from '../mounts.js';

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
  run: (ctx) => enableMount(ctx, 'secrets'),
};
