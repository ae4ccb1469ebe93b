/**
 * `vault login -method=…` for the auth methods: each posts its login and stores the token.
 * The registry imports the method files (one per method); they import only ./types.ts.
 */
import type { CommandContext } from '../command.js';
import { printField } from '../command.js';
import { storeToken } from '../token-helper.js';
import { VaultClient } from '../api/client.js';
import { ArgError, parseKVArgs } from '../kvargs.js';
import type { LoginHandler } from './types.js';
import { userpassLogin } from './userpass.js';
import { hintFor } from '../hints.js';
import { wrapAtLength } from '../format.js';

/**
 * Auth methods register here, one file each. Only methods HashiCorp's CLI has a handler for:
 * kubernetes and approle have none there (their login is `vault write auth/<mount>/login …`).
 */
export const LOGIN_METHODS: Record<string, LoginHandler> = {
  userpass: userpassLogin,
};

export async function loginWithMethod(ctx: CommandContext, method: string, success: string): Promise<number> {
  const handler = LOGIN_METHODS[method];
  if (!handler) {
    // Vault's own words, wrapped at 78 columns as its CLI does; then what to type instead, if we know.
    const code = ctx.error(
      wrapAtLength(
        `Unknown auth method: ${method}. Use "vault auth list" to see the complete list of auth methods. Additionally, some auth methods are only available via the HTTP API.`,
      ),
    );
    const path = ctx.flags.path ? [`-path=${String(ctx.flags.path)}`] : [];
    const hint = hintFor(['login', `-method=${method}`, ...path, ...ctx.args]);
    if (hint) ctx.io.stderr(`${hint}\n`);
    return code;
  }
  let data: Record<string, unknown>;
  try {
    data = await parseKVArgs(ctx.args, ctx.io);
  } catch (e) {
    if (e instanceof ArgError) return ctx.error(e.message);
    throw e;
  }
  const mount = String(ctx.flags.path || method).replace(/^\/+|\/+$/g, '');
  // -token-only is a shortcut for -field=token -no-store, as in the real CLI.
  const tokenOnly = !!ctx.flags['token-only'];
  const noStore = tokenOnly || !!ctx.flags['no-store'];
  if (noStore && ctx.flags['no-print']) return ctx.error('-no-store and -no-print cannot be used together');
  const req = await handler(ctx, mount, data);
  if (typeof req === 'number') return req;
  let r;
  // Like the real CLI, a method login never sends the token it happens to have (VAULT_TOKEN or the helper's).
  const client = ctx.client();
  const held = client.token;
  client.token = undefined;
  try {
    r = await client.request('PUT', req.path, req.body);
  } catch (e) {
    return ctx.fail('Error authenticating', e);
  } finally {
    client.token = held;
  }
  const fail = (msg: string) => {
    ctx.io.stderr(msg + '\n');
    return 2;
  };
  let secret = r.body;
  // A login asked for with -wrap-ttl comes back wrapped: unwrap it unless -token-only/-no-store.
  const wrap = secret?.wrap_info as Record<string, unknown> | null | undefined;
  if (secret && !secret.auth && wrap) {
    if (!wrap.wrapped_accessor) return fail('Error extracting token: wrapped response does not contain a token');
    if (tokenOnly) {
      printField(ctx.io, wrap.token);
      return 0;
    }
    if (noStore) return ctx.outputSecret(secret);
    const unwrapper = new VaultClient(client.address, String(wrap.token), client.opts);
    try {
      secret = (await unwrapper.request('PUT', 'sys/wrapping/unwrap', undefined, { noWrap: true })).body;
    } catch (e) {
      return ctx.fail('Error extracting token', e);
    }
  }
  if (!secret) return fail('Vault returned an empty secret');
  const auth = secret.auth as Record<string, unknown> | undefined;
  if (!auth)
    return fail(
      'Vault returned a secret, but the secret has no authentication information attached. This should never happen and is likely a bug.',
    );
  if (!noStore) {
    try {
      storeToken(ctx.env, String(auth.client_token));
    } catch (e) {
      return fail(`Error storing token: ${(e as Error).message}`);
    }
    if (ctx.env.VAULT_TOKEN)
      ctx.io.stderr(
        'WARNING! The VAULT_TOKEN environment variable is set! The value of this\nvariable will take precedence; if this is unwanted please unset VAULT_TOKEN or\nupdate its value accordingly.\n\n',
      );
  } else if (!tokenOnly) {
    ctx.io.stderr(
      'The token was not stored in token helper. Set the VAULT_TOKEN environment\nvariable or pass the token below with each request to Vault.\n\n',
    );
  }
  if (ctx.flags['no-print']) return 0;
  if (tokenOnly) {
    printField(ctx.io, auth.client_token);
    return 0;
  }
  if (ctx.format() === 'table' && !ctx.flags.field) ctx.io.stdout(success);
  return ctx.outputSecret(secret);
}
