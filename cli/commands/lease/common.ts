/** What `vault lease lookup | renew | revoke` share. */
import type { CommandContext } from '../../command.js';

export const oneArg = (ctx: CommandContext): number | undefined => {
  if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
  if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
  return undefined;
};

export const clean = (id: string) => id.trim().replace(/^\/+/, '');
