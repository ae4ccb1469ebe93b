/**
 * The AppRole auth method (`auth/<mount>/`): machines log in with a role_id (like a
 * username) and a secret_id (like a password, usually short-lived, limited in uses and
 * delivered response-wrapped).
 */
import type { Backend, BackendContext } from '../../framework/backend.js';
import { lockoutConfigOf, UserLockout } from '../common.js';
import { loginPaths, renewAppRoleLogin } from './login.js';
import { rolePaths } from './role.js';
import { secretIdPaths } from './secret-id.js';
import { AppRoleStore } from './store.js';

export function approleBackend(ctx: BackendContext): Backend {
  const mountConfig = () => ctx.system.mountConfig() as Record<string, unknown> | undefined;
  const store = new AppRoleStore(ctx.storage, ctx.clock);
  const lockout = new UserLockout(ctx.storage, ctx.clock, () => lockoutConfigOf(mountConfig()));
  const maxTTL = () => ctx.ttls().maxTTL;
  return {
    type: 'approle',
    kind: 'auth',
    help: 'Any registered Role can authenticate itself with Vault. The credentials depend on the constraints that are set on the Role: a role_id, and a secret_id when bind_secret_id is set.',
    paths: [
      ...loginPaths(store, lockout, ctx.mountPath, () => mountConfig()?.token_type as string | undefined),
      ...rolePaths(store, maxTTL),
      ...secretIdPaths(store, ctx.clock, maxTTL),
      {
        pattern: 'tidy/secret-id',
        synopsis: 'Trigger the clean-up of expired SecretID entries.',
        // Vault answers 202 and tidies in the background; here the sweep is quick, so it runs before answering.
        operations: {
          update: async () => {
            await store.tidy();
            return {
              status: 202,
              warnings: [
                "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.",
              ],
            };
          },
        },
      },
    ],
    unauthenticated: ['login'],
    renewAuth: (t) => renewAppRoleLogin(store, t),
    lockedUsers: () => lockout.locked(),
    unlockUser: (alias) => lockout.unlock(alias),
  };
}
