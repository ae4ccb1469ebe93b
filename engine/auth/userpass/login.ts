/** userpass `login/<username>`: checks the password (off the event loop) and returns the login. */
import { permissionDenied, userError } from '../../sdk/errors.js';
import type { TokenEntry } from '../../sdk/types.js';
import type { PathDef } from '../../framework/backend.js';
import { addressAllowed, loginDisplayName, tokenAuth, type UserLockout } from '../common.js';
import { verifyPassword } from './password.js';
import { NAME, type Users } from './users.js';

export interface LoginDeps {
  users: Users;
  lockout: UserLockout;
  mountPath: string;
  /** The mount's tuned token type (`default-service` unless tuned). */
  mountTokenType: () => string | undefined;
}

export function loginPaths(x: LoginDeps): PathDef[] {
  return [
    {
      pattern: `login/(?<username>${NAME})`,
      synopsis: 'Log in with a username and password.',
      fields: {
        username: { type: 'string', description: 'Username of the user.' },
        password: { type: 'string', description: 'Password for this user.' },
      },
      operations: {
        update: async (req, d) => {
          const username = req.params.username.toLowerCase();
          const password = d.get<string>('password');
          // A plain error in Vault, hence a 500.
          if (!password) throw new Error('missing password');
          await x.lockout.assertNotLocked(username);
          const user = await x.users.get(username);
          // Unknown users go through the same key derivation as wrong passwords.
          const ok = await verifyPassword(password, user?.password_hash);
          if (!ok || !user) {
            if (user) await x.lockout.failed(username);
            throw userError('invalid username or password');
          }
          if (!addressAllowed(req.remoteAddress, user.token_bound_cidrs)) throw permissionDenied();
          await x.lockout.succeeded(username);
          return {
            auth: tokenAuth(user, {
              displayName: loginDisplayName(x.mountPath, username),
              metadata: { username },
              internal: { username },
              mountTokenType: x.mountTokenType(),
              alias: { name: username },
            }),
          };
        },
      },
    },
  ];
}

const withoutDefault = (p: string[]) => [...new Set(p.filter((x) => x !== 'default'))].sort();

/**
 * Renewal re-validation: the user must still exist and carry the same policies; the
 * renewed token takes the user's current TTLs. `null` means "do not renew".
 */
export async function renewUserpassLogin(
  users: Users,
  t: TokenEntry,
): Promise<{ ttl: number; maxTTL: number; period: number } | null> {
  const name = (t.internal?.username as string | undefined) ?? t.meta?.username;
  const user = name ? await users.get(name) : undefined;
  if (!user) return null;
  const a = withoutDefault(user.token_policies),
    b = withoutDefault(t.policies);
  if (a.length !== b.length || a.some((p, i) => p !== b[i])) throw userError('policies have changed, not renewing');
  return { ttl: user.token_ttl, maxTTL: user.token_max_ttl, period: user.token_period };
}
