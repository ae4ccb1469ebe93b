import { ApiError } from '../../api/client.js';
import type { Command } from '../../command.js';
import { slashed } from '../mounts.js';

export const secretsMove: Command = {
  name: 'secrets move',
  synopsis: 'Move a secrets engine to a new path',
  help: `Usage: vault secrets move [options] SOURCE DESTINATION

  Moves an existing secrets engine to a new path. Any leases from the old
  secrets engine are revoked, but all configuration associated with the engine
  is preserved.

  Move the existing secrets engine at secret/ to generic/:

      $ vault secrets move secret/ generic/`,
  async run(ctx) {
    if (ctx.args.length < 2) return ctx.error(`Not enough arguments (expected 2, got ${ctx.args.length})`);
    if (ctx.args.length > 2) return ctx.error(`Too many arguments (expected 2, got ${ctx.args.length})`);
    const [from, to] = ctx.args.map(slashed);
    const c = ctx.client();
    let r;
    try {
      r = await c.request('POST', 'sys/remount', { from, to });
    } catch (e) {
      return ctx.fail(`Error moving secrets engine ${from} to ${to}`, e);
    }
    const id = String(
      (r.body?.data as Record<string, unknown> | undefined)?.migration_id ?? r.body?.migration_id ?? '',
    );
    ctx.io.stdout(`Started moving secrets engine ${from} to ${to}, with migration ID ${id}\n`);
    for (let i = 0; i < 600; i++) {
      let status = 'success';
      try {
        const s = await c.request('GET', `sys/remount/status/${id}`);
        const info = ((s.body?.data as Record<string, unknown> | undefined)?.migration_info ?? {}) as Record<
          string,
          unknown
        >;
        status = String(info.status ?? 'success');
      } catch (e) {
        // Our engine moves a mount before answering sys/remount, so a server without the
        // status endpoint has already finished.
        if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 405))
          return ctx.fail(`Error checking migration status of secrets engine ${from} to ${to}`, e);
      }
      if (status === 'success') {
        ctx.io.stdout(`Success! Finished moving secrets engine ${from} to ${to}, with migration ID ${id}\n`);
        return 0;
      }
      if (status === 'failure') {
        ctx.io.stderr(`Failure! Error encountered moving secrets engine ${from} to ${to}, with migration ID ${id}\n`);
        return 2;
      }
      await new Promise((res) => setTimeout(res, 200));
    }
    ctx.io.stderr(`Timed out waiting for the move of ${from} to ${to} (migration ID ${id})\n`);
    return 2;
  },
};
