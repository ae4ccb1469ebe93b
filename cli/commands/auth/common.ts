/** What `vault auth enable | disable | list | tune | help` share (over `sys/auth`). */
import type { Command } from '../../command.js';

export const oneArg = (ctx: Parameters<Command['run']>[0]): number | undefined => {
  if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
  if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
  return undefined;
};
