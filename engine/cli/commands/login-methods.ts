/** `vault login -method=…` for the auth methods: each posts its login and stores the token. */
import type { CommandContext } from '../command.js';
import { storeToken } from '../command.js';
import { ArgError, parseKVArgs } from '../kvargs.js';
import { userpassLogin } from './login-userpass.js';

export type LoginHandler = (ctx: CommandContext, mount: string, data: Record<string, unknown>) => Promise<{ path: string; body: Record<string, unknown> } | number>;

/** Auth methods register here (userpass, approle, kubernetes). */
export const LOGIN_METHODS: Record<string, LoginHandler> = {
  userpass: userpassLogin,
};

export async function loginWithMethod(ctx: CommandContext, method: string, success: string): Promise<number> {
  const handler = LOGIN_METHODS[method];
  if (!handler) return ctx.error(`Unknown auth method: ${method}. Use "vault auth list" to see the complete list of auth methods. Additionally, some auth methods are only available via the HTTP API.`);
  let data: Record<string, unknown>;
  try { data = await parseKVArgs(ctx.args, ctx.io.readStdin); } catch (e) { if (e instanceof ArgError) return ctx.error(e.message); throw e; }
  const mount = String(ctx.flags.path || method).replace(/^\/+|\/+$/g, '');
  const req = await handler(ctx, mount, data);
  if (typeof req === 'number') return req;
  let r;
  // Like the real CLI, a method login never sends the token it happens to have (VAULT_TOKEN or the helper's).
  const client = ctx.client();
  const held = client.token;
  client.token = undefined;
  try { r = await client.request('PUT', req.path, req.body); } catch (e) { return ctx.fail('Error authenticating', e); } finally { client.token = held; }
  const auth = r.body?.auth as Record<string, unknown> | undefined;
  if (!auth) return ctx.error('Error authenticating: no auth information returned');
  if (!ctx.flags['no-store']) storeToken(ctx.env, String(auth.client_token));
  if (ctx.flags['token-only']) { ctx.io.stdout(String(auth.client_token)); return 0; }
  if (ctx.flags['no-print']) return 0;
  if (ctx.format() === 'table' && !ctx.flags.field) {
    if (ctx.env.VAULT_TOKEN) ctx.io.stderr('WARNING! The VAULT_TOKEN environment variable is set! The value of this\nvariable will take precedence; if this is unwanted please unset VAULT_TOKEN or\nupdate its value accordingly.\n\n');
    ctx.io.stdout(success);
  }
  return ctx.outputSecret(r.body);
}
