/** Helpers shared by the commands on any API path (`vault read | write | list | delete | patch`) and others. */
import { type CommandContext, PRETTY_REFUSED } from '../command.js';

export const norm = (p: string) => p.replace(/^\/+/, '');

export function printList(ctx: CommandContext, body: Record<string, unknown> | null, path: string): number {
  const keys = (body?.data as Record<string, unknown> | undefined)?.keys as string[] | undefined;
  if (!body || !keys) {
    ctx.io.stderr(`No value found at ${path}\n`);
    return 2;
  }
  if (ctx.flags.field) return ctx.outputSecret(body);
  const fmt = ctx.format();
  if (fmt === 'pretty') return ctx.error(PRETTY_REFUSED);
  if (fmt === 'json') {
    ctx.io.stdout(JSON.stringify(keys, null, 2) + '\n');
    return 0;
  }
  if (fmt === 'yaml') {
    ctx.io.stdout(keys.map((k) => `- ${k}\n`).join(''));
    return 0;
  }
  ctx.warnings(body);
  ctx.io.stdout(['Keys', '----', ...[...keys].sort()].join('\n') + '\n');
  return 0;
}
