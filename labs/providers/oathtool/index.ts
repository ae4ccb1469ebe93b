/**
 * `needs: [oathtool]`: the OATH Toolkit's command-line generator, which plays the
 * learner's authenticator app in the TOTP lab. Nothing is started; a missing tool is named
 * with how to install it, before the lab begins.
 */
import { spawnSync } from 'node:child_process';
import { ProviderError, registerProvider, type ProvidedSystem, type ProviderContext } from '../types.js';

export async function checkOathtool(ctx: ProviderContext): Promise<ProvidedSystem> {
  const r = spawnSync('oathtool', ['--version'], { encoding: 'utf8', env: ctx.env });
  if (r.error || r.status !== 0)
    throw new ProviderError(
      'this lab needs oathtool (the OATH Toolkit) to play your authenticator app, and it is not installed: install it (Debian/Ubuntu: `apt-get install oathtool`; macOS: `brew install oath-toolkit`)',
    );
  const version = /\d+(\.\d+)+/.exec(r.stdout)?.[0];
  return {
    kind: 'oathtool',
    via: 'system',
    label: `oathtool${version ? ` ${version}` : ''} (system)`,
    env: {},
    async stop() {},
  };
}

registerProvider({ kind: 'oathtool', start: checkOathtool });
