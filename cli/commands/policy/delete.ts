import type { Command } from '../../command.js';

export const policyDelete: Command = {
  name: 'policy delete',
  synopsis: 'Deletes a policy by name',
  help: `Usage: vault policy delete [options] NAME

  Deletes the policy named NAME in the Vault server. Once the policy is deleted,
  all tokens associated with the policy are affected immediately.

      $ vault policy delete my-policy`,
  async run(ctx) {
    if (ctx.args.length !== 1)
      return ctx.error(
        `${ctx.args.length < 1 ? 'Not enough' : 'Too many'} arguments (expected 1, got ${ctx.args.length})`,
      );
    const name = ctx.args[0].trim().toLowerCase();
    try {
      await ctx.client().request('DELETE', `sys/policies/acl/${encodeURIComponent(name)}`);
    } catch (e) {
      return ctx.fail(`Error deleting ${name}`, e);
    }
    ctx.io.stdout(`Success! Deleted policy: ${name}\n`);
    return 0;
  },
};
