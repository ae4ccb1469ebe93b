import type { Command } from '../../command.js';

export const policyRead: Command = {
  name: 'policy read',
  synopsis: 'Prints the contents of a policy',
  help: `Usage: vault policy read [options] [NAME]

  Prints the contents and metadata of the Vault policy named NAME. If the policy
  does not exist, an error is returned.

  Read the policy named "my-policy":

      $ vault policy read my-policy`,
  output: true,
  async run(ctx) {
    if (ctx.args.length !== 1)
      return ctx.error(
        `${ctx.args.length < 1 ? 'Not enough' : 'Too many'} arguments (expected 1, got ${ctx.args.length})`,
      );
    const name = ctx.args[0].trim().toLowerCase();
    let r;
    try {
      r = await ctx
        .client()
        .request('GET', `sys/policies/acl/${encodeURIComponent(name)}`, undefined, { allow404: true });
    } catch (e) {
      return ctx.fail(`Error reading policy named ${name}`, e);
    }
    if (r.status === 404 || !r.body?.data) {
      ctx.io.stderr(`No policy named: ${name}\n`);
      return 2;
    }
    const data = r.body.data as Record<string, unknown>;
    if (ctx.format() !== 'table' || ctx.flags.field) return ctx.outputData({ name: data.name, rules: data.policy });
    const text = String(data.policy);
    ctx.io.stdout(text.endsWith('\n') ? text : text + '\n');
    return 0;
  },
};
