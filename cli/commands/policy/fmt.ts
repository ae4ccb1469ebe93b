import fs from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../../command.js';

/**
 * Re-indents HCL the way `hclfmt` lays policies out: two spaces per nesting level,
 * `key = value` with single spaces, trailing spaces dropped, at most one blank line.
 */
export function formatHcl(text: string): string {
  const out: string[] = [];
  let depth = 0;
  let blank = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) {
      if (out.length && !blank) out.push('');
      blank = true;
      continue;
    }
    blank = false;
    const closes = /^[}\]]/.test(line) ? 1 : 0;
    const body =
      line.startsWith('#') || line.startsWith('//')
        ? line
        : line
            .replace(/^([A-Za-z_][\w-]*)\s*=\s*/, '$1 = ')
            .replace(/"\s*{$/, '" {')
            .replace(/"\s*,\s*"/g, '", "')
            .replace(/\[\s+"/g, '["')
            .replace(/"\s+\]/g, '"]');
    out.push('  '.repeat(Math.max(0, depth - closes)) + body);
    if (!line.startsWith('#') && !line.startsWith('//')) {
      const code = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      depth = Math.max(0, depth + (code.match(/[{[]/g)?.length ?? 0) - (code.match(/[}\]]/g)?.length ?? 0));
    }
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}

export const policyFmt: Command = {
  name: 'policy fmt',
  synopsis: 'Formats a policy on disk',
  help: `Usage: vault policy fmt [options] PATH

  Formats a local policy file to the policy specification. This command will
  overwrite the file at the given PATH with the properly-formatted policy
  file contents.

  Format the local file "my-policy.hcl" as a policy file:

      $ vault policy fmt my-policy.hcl`,
  http: false,
  async run(ctx) {
    if (ctx.args.length !== 1)
      return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const path = ctx.args[0].trim();
    const file = resolve(ctx.io.cwd ?? process.cwd(), path);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return ctx.error(
        `Error opening policy file: open ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
      );
    }
    // Loaded on use: the engine's door pulls in the whole engine, which no other command needs.
    const { parsePolicy } = await import('../../../engine/index.js');
    try {
      parsePolicy('fmt', text);
    } catch (e) {
      return ctx.error(`failed to parse policy: ${(e as Error).message}`);
    }
    try {
      fs.writeFileSync(file, formatHcl(text));
    } catch (e) {
      return ctx.error(`Error writing result: ${(e as Error).message}`);
    }
    ctx.io.stdout(`Success! Formatted policy: ${path}\n`);
    return 0;
  },
};
