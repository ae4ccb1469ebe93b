/** `vault login`: a token by default, an auth method with -method (cli/login/ has one file per method). */
import type { Command } from '../command.js';
import { tokenLogin } from '../login/token.js';

const SUCCESS =
  'Success! You are now authenticated. The token information displayed below\nis already stored in the token helper. You do NOT need to run "vault login"\nagain. Future Vault requests will automatically use this token.\n\n';

export const login: Command = {
  name: 'login',
  synopsis: 'Authenticate locally',
  help: `Usage: vault login [options] [AUTH K=V...]

  Authenticates users or machines to Vault using the provided arguments. A
  successful authentication results in a Vault token - conceptually similar to
  a session token on a website. By default, this token is cached on the local
  machine for future requests.

  Authenticate using a token:

      $ vault login 96ddf4bc-d217-f3ba-f9bd-017055595017

  Authenticate using username and password:

      $ vault login -method=userpass username=my-username`,
  output: true,
  flags: {
    method: { kind: 'string', default: 'token' },
    path: { kind: 'string' },
    'no-store': { kind: 'bool' },
    'no-print': { kind: 'bool' },
    'token-only': { kind: 'bool' },
  },
  async run(ctx) {
    const method = String(ctx.flags.method || 'token');
    if (method !== 'token') {
      // Loaded on use: the method handlers are not needed for a token login.
      const { loginWithMethod } = await import('../login/index.js');
      return loginWithMethod(ctx, method, SUCCESS);
    }
    return tokenLogin(ctx, SUCCESS);
  },
};
