import type { Command } from '../../command.js';
import { argCount, sanitize } from './common.js';

export const kvEnableVersioning: Command = {
  name: 'kv enable-versioning',
  synopsis: 'Turns on versioning for a KV store',
  help: `Usage: vault kv enable-versioning [options] KEY

  This command turns on versioning for the backend at the provided path.

      $ vault kv enable-versioning secret`,
  async run(ctx) {
    const bad = argCount(ctx);
    if (bad !== undefined) return bad;
    const mount = `${sanitize(ctx.args[0])}/`;
    try {
      await ctx.client().request('POST', `sys/mounts/${mount}tune`, { options: { version: '2' } });
    } catch (e) {
      return ctx.fail(`Error tuning secrets engine ${mount}`, e);
    }
    ctx.io.stdout(`Success! Tuned the secrets engine at: ${mount}\n`);
    return 0;
  },
};
