/** userpass `users/…`: create, read, update, delete and list users; set a password or policies. */
import { notFound, userError } from '../../sdk/errors.js';
import type { StorageView } from '../../sdk/storage.js';
import type { FieldData, PathDef } from '../../framework/backend.js';
import {
  emptyTokenParams,
  LEGACY_TOKEN_FIELDS,
  listResponse,
  parsePolicies,
  parseTokenFields,
  TOKEN_FIELDS,
  tokenData,
  type TokenParams,
} from '../common.js';
import { hashPassword } from './password.js';

/** A stored user: the common token fields plus the password hash (never the password). */
export interface UserEntry extends TokenParams {
  password_hash: string;
}

/** Vault's GenericNameRegex: word characters, with `-`, `.` and `@` inside. */
export const NAME = '\\w(?:[\\w\\-.@]*\\w)?';

export class Users {
  constructor(private readonly storage: StorageView) {}
  get(name: string) {
    return this.storage.getJSON<UserEntry>(`user/${name.toLowerCase()}`);
  }
  put(name: string, u: UserEntry) {
    return this.storage.putJSON(`user/${name.toLowerCase()}`, u);
  }
  delete(name: string) {
    return this.storage.delete(`user/${name.toLowerCase()}`);
  }
  list() {
    return this.storage.list('user/');
  }
}

const LEGACY = ['policies', 'ttl', 'max_ttl', 'bound_cidrs'] as const;

function passwordFrom(d: FieldData): string | undefined {
  if (d.has('password_hash') && d.get<string>('password_hash')) {
    throw userError('password_hash (a bcrypt hash) is not supported by this engine; send "password" instead');
  }
  return d.has('password') ? d.get<string>('password') : undefined;
}

export function userPaths(users: Users): PathDef[] {
  const username = { type: 'string' as const, description: 'Username for this user.' };
  return [
    {
      pattern: 'users/?',
      synopsis: 'Manage users allowed to authenticate.',
      operations: {
        list: async () => listResponse(await users.list()),
      },
    },
    {
      pattern: `users/(?<username>${NAME})`,
      synopsis: 'Manage users allowed to authenticate.',
      description: 'Create, read, update and delete users. Deleting a user does not revoke tokens it already obtained.',
      fields: {
        username,
        password: { type: 'string', description: 'Password for this user.' },
        password_hash: { type: 'string', description: 'A bcrypt hash of the password (not supported here).' },
        ...TOKEN_FIELDS,
        ...Object.fromEntries(LEGACY.map((k) => [k, LEGACY_TOKEN_FIELDS[k]])),
      },
      existenceCheck: async (req) => !!(await users.get(req.params.username)),
      operations: {
        read: async (req) => {
          const u = await users.get(req.params.username);
          if (!u) throw notFound();
          return { data: tokenData(u) };
        },
        create: async (req, d) => {
          const password = passwordFrom(d);
          if (!password) throw userError('missing password');
          const t = parseTokenFields(emptyTokenParams(), d, [...LEGACY]);
          await users.put(req.params.username, { ...t, password_hash: await hashPassword(password) });
        },
        update: async (req, d) => {
          const u = await users.get(req.params.username);
          if (!u) throw userError('missing password');
          const password = passwordFrom(d);
          if (password !== undefined && !password) throw userError('missing password');
          const t = parseTokenFields(u, d, [...LEGACY]);
          await users.put(req.params.username, {
            ...t,
            password_hash: password ? await hashPassword(password) : u.password_hash,
          });
        },
        delete: async (req) => {
          await users.delete(req.params.username);
        },
      },
    },
    {
      pattern: `users/(?<username>${NAME})/password`,
      synopsis: "Reset user's password.",
      fields: { username, password: { type: 'string', description: 'Password for this user.' } },
      operations: {
        update: async (req, d) => {
          const u = await users.get(req.params.username);
          if (!u) throw userError('username does not exist');
          const password = passwordFrom(d);
          if (!password) throw userError('missing password');
          await users.put(req.params.username, { ...u, password_hash: await hashPassword(password) });
        },
      },
    },
    {
      pattern: `users/(?<username>${NAME})/policies`,
      synopsis: 'Update the policies associated with the username.',
      fields: { username, token_policies: TOKEN_FIELDS.token_policies, policies: LEGACY_TOKEN_FIELDS.policies },
      operations: {
        update: async (req, d) => {
          const u = await users.get(req.params.username);
          if (!u) throw userError('username does not exist');
          const next = { ...u, legacy: { ...(u.legacy ?? {}) } };
          if (d.has('token_policies')) {
            next.token_policies = parsePolicies(d.get<string[]>('token_policies'));
            if (d.has('policies')) next.legacy.policies = next.token_policies;
            else delete next.legacy.policies;
          } else {
            next.token_policies = parsePolicies(d.get<string[]>('policies'));
            next.legacy.policies = next.token_policies;
          }
          await users.put(req.params.username, next);
        },
      },
    },
  ];
}
