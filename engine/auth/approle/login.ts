/** AppRole `login`: role_id (+ secret_id) → a token with the role's policies. */
import { userError } from '../../sdk/errors.js';
import type { TokenEntry } from '../../sdk/types.js';
import type { PathDef } from '../../framework/backend.js';
import { addressAllowed, clientAddress, loginDisplayName, tokenAuth, type UserLockout } from '../common.js';
import type { AppRoleStore, SecretIdEntry } from './store.js';

const INVALID = 'invalid role or secret ID';

export function loginPaths(
  store: AppRoleStore,
  lockout: UserLockout,
  mountPath: string,
  mountTokenType: () => string | undefined,
): PathDef[] {
  return [
    {
      pattern: 'login',
      synopsis: 'Issue a token based on the credentials supplied',
      description: 'The role_id is always required; a secret_id too when the role has bind_secret_id (the default).',
      fields: {
        role_id: { type: 'string', description: 'Unique identifier of the Role.' },
        secret_id: { type: 'string', default: '', description: 'SecretID belonging to the role.' },
      },
      operations: {
        update: async (req, d) => {
          const roleId = d.get<string>('role_id').trim();
          if (!roleId) throw userError('missing role_id');
          const role = await store.roleByRoleId(roleId);
          if (!role) throw userError(INVALID);
          await lockout.assertNotLocked(roleId);
          const remote = clientAddress(req.remoteAddress);
          let entry: SecretIdEntry | undefined;
          let metadata: Record<string, string> = {};
          if (role.bind_secret_id) {
            const secretId = d.get<string>('secret_id').trim();
            if (!secretId) throw userError('missing secret_id');
            entry = await store.getSecretId(role, secretId);
            if (!entry) {
              await lockout.failed(roleId);
              throw userError(INVALID);
            }
            await store.useSecretId(role, secretId, entry);
            if (entry.cidr_list.length && !addressAllowed(remote, entry.cidr_list)) {
              throw userError(
                `source address ${JSON.stringify(remote)} unauthorized through CIDR restrictions on the secret ID`,
              );
            }
            metadata = { ...entry.metadata };
          }
          if (role.secret_id_bound_cidrs.length && !addressAllowed(remote, role.secret_id_bound_cidrs)) {
            throw userError(`source address ${JSON.stringify(remote)} unauthorized by CIDR restrictions on the role`);
          }
          await lockout.succeeded(roleId);
          metadata.role_name = role.name;
          const tokenCidrs = entry?.token_bound_cidrs.length ? entry.token_bound_cidrs : role.token_bound_cidrs;
          return {
            auth: tokenAuth(
              { ...role, token_bound_cidrs: tokenCidrs },
              {
                displayName: loginDisplayName(mountPath, ''),
                metadata,
                internal: { role_name: role.name },
                mountTokenType: mountTokenType(),
                alias: { name: role.role_id, metadata: { ...metadata } },
              },
            ),
          };
        },
      },
    },
  ];
}

/** Renewal: the role must still exist; the token takes its current TTLs. */
export async function renewAppRoleLogin(
  store: AppRoleStore,
  t: TokenEntry,
): Promise<{ ttl: number; maxTTL: number; period: number }> {
  const name = t.internal?.role_name as string | undefined;
  if (!name) throw new Error('failed to fetch role_name during renewal');
  const role = await store.getRole(name);
  if (!role) throw userError(`role ${JSON.stringify(name)} does not exist during renewal`);
  return { ttl: role.token_ttl, maxTTL: role.token_max_ttl, period: role.token_period };
}
