/** What `vault secrets enable | disable | list | tune | move` share (over `sys/mounts` and `sys/remount`). */
import type { CommandContext } from '../../command.js';

export function options(ctx: CommandContext): Record<string, string> | undefined {
  const o = { ...(ctx.flags.options as Record<string, string>) };
  if ((ctx.flags.version as number) > 0) o.version = String(ctx.flags.version);
  return Object.keys(o).length ? o : undefined;
}

export const oneArg = (ctx: CommandContext): number | undefined => {
  if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
  if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
  return undefined;
};
