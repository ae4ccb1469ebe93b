import type { Command } from '../../command.js';
import { mountConfigFlags, tuneMount } from '../mounts.js';

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
  flags: {
    ...mountConfigFlags,
    'default-lease-ttl': { kind: 'string' },
    'max-lease-ttl': { kind: 'string' },
    'token-type': { kind: 'string' },
    version: { kind: 'int', default: 0 },
  },
  run: (ctx) => tuneMount(ctx, 'auth'),
};
