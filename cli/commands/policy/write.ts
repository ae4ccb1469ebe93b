import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../../command.js';

const read = async (ctx: Parameters<Command['run']>[0], src: string): Promise<string> => {
  if (src === '-') return ctx.io.readStdin();
  return fs.readFileSync(path.resolve(ctx.io.cwd ?? process.cwd(), src), 'utf8');
};

export const policyWrite: Command = {
  name: 'policy write',
  synopsis: 'Uploads a named policy from a file',
  help: `Usage: vault policy write [options] NAME PATH

  Uploads a policy with name NAME from the contents of a local file PATH or
  stdin. If PATH is "-", the policy is read from stdin. Otherwise, it is
  loaded from the file at the given path on the local disk.

  Upload a policy named "my-policy" from "/tmp/policy.hcl" on the local disk:

      $ vault policy write my-policy /tmp/policy.hcl

  Upload a policy from stdin:

      $ cat my-policy.hcl | vault policy write my-policy -`,
  async run(ctx) {
    if (ctx.args.length !== 2)
      return ctx.error(
        `${ctx.args.length < 2 ? 'Not enough' : 'Too many'} arguments (expected 2, got ${ctx.args.length})`,
      );
    const [rawName, src] = ctx.args;
    const name = rawName.trim().toLowerCase();
    let text: string;
    try {
      text = await read(ctx, src);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      ctx.error(
        `Error opening policy file: open ${src}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`,
      );
      return 2;
    }
    try {
      await ctx.client().request('PUT', `sys/policies/acl/${encodeURIComponent(name)}`, { policy: text });
    } catch (e) {
      return ctx.fail('Error uploading policy', e);
    }
    ctx.io.stdout(`Success! Uploaded policy: ${name}\n`);
    return 0;
  },
};
