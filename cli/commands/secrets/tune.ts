import type { Command } from '../../command.js';
import { mountConfigFlags, tuneMount } from '../mounts.js';

export const secretsTune: Command = {
  name: 'secrets tune',
  synopsis: 'Tune a secrets engine configuration',
  help: `Usage: vault secrets tune [options] PATH

  Tunes the configuration options for the secrets engine at the given PATH.
  The argument corresponds to the PATH where the secrets engine is enabled,
  not the TYPE!

  Tune the default lease for the PKI secrets engine:

      $ vault secrets tune -default-lease-ttl=72h pki/

Command Options:

  -default-lease-ttl=<duration>   The default lease TTL for this secrets engine
                                  ("system" resets it).
  -description=<string>           Human-friendly description of the engine.
  -max-lease-ttl=<duration>       The maximum lease TTL for this secrets engine.
  -options=<key=value>            Mount options; may be repeated.
  -version=<int>                  Select the version of the engine (KV: 2 upgrades).`,
  flags: {
    ...mountConfigFlags,
    'default-lease-ttl': { kind: 'string' },
    'max-lease-ttl': { kind: 'string' },
    version: { kind: 'int', default: 0 },
  },
  run: (ctx) => tuneMount(ctx, 'secrets'),
};
