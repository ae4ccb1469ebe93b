/**
 * `vault login -method=userpass username=… [password=…]`: posts the password to
 * `auth/<mount>/login/<username>`; without `password=` it asks for it without echo.
 */
import type { LoginHandler } from './types.js';

const PROMPT_FAILED =
  'An error occurred attempting to ask for a password. The raw error message is shown below, but usually this is because you attempted to pipe a value into the command or you are executing outside of a terminal (TTY). If you want to pipe the value, pass "-" as the argument to read from stdin. The raw error was: ';

export const userpassLogin: LoginHandler = async (ctx, mount, data) => {
  const fail = (msg: string) => {
    ctx.io.stderr(`Error authenticating: ${msg}\n`);
    return 2;
  };
  const username = data.username === undefined ? '' : String(data.username);
  if (!username) return fail("'username' must be specified");
  let password = data.password === undefined ? '' : String(data.password);
  if (!password) {
    if (ctx.flags['non-interactive']) return fail(PROMPT_FAILED + 'prompting is disabled by -non-interactive');
    if (!ctx.io.promptSecret) return fail(PROMPT_FAILED + 'no terminal to prompt on');
    password = (await ctx.io.promptSecret('Password (will be hidden): ')).replace(/\r?\n$/, '');
  }
  const body: Record<string, unknown> = { password };
  if (data.method !== undefined) body.method = data.method;
  if (data.passcode !== undefined) body.passcode = data.passcode;
  const m = data.mount !== undefined && String(data.mount) ? String(data.mount).replace(/^\/+|\/+$/g, '') : mount;
  return { path: `auth/${m}/login/${encodeURIComponent(username)}`, body };
};
