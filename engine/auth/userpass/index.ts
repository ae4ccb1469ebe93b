/**
 * The userpass auth method (`auth/<mount>/`): people log in with a username and a
 * password. Passwords are stored only as scrypt hashes; failed logins lock a user out
 * the way Vault does (5 failures → 15 minutes).
 */
import type { Backend, BackendContext } from '../../framework/backend.js';
import { lockoutConfigOf, UserLockout } from '../common.js';
import { loginPaths, renewUserpassLogin } from './login.js';
import { userPaths, Users } from './users.js';

export function userpassBackend(ctx: BackendContext): Backend {
  const mountConfig = () => ctx.system.mountConfig() as Record<string, unknown> | undefined;
  const users = new Users(ctx.storage);
  const lockout = new UserLockout(ctx.storage, ctx.clock, () => lockoutConfigOf(mountConfig()));
  return {
    type: 'userpass',
    kind: 'auth',
    help: 'The "userpass" credential provider allows authentication using a combination of a username and password.',
    paths: [
      ...userPaths(users),
      ...loginPaths({
        users,
        lockout,
        mountPath: ctx.mountPath,
        mountTokenType: () => mountConfig()?.token_type as string | undefined,
      }),
    ],
    unauthenticated: ['login/*'],
    // Vault does not renew a login whose user was deleted; changed policies are an error.
    renewAuth: async (t) => (await renewUserpassLogin(users, t)) ?? false,
    lockedUsers: () => lockout.locked(),
    unlockUser: (alias) => lockout.unlock(alias),
  };
}
