import type { Command } from '../../command.js';
import { norm } from './common.js';

export const auditDisable: Command = {
  name: 'audit disable',
  synopsis: 'Disables an audit device',
  help: `Usage: vault audit disable [options] PATH

  Disables an audit device. Once an audit device is disabled, no future audit
  logs are dispatched to it. The data associated with the audit device is not
  affected.

  The argument corresponds to the PATH of audit device, not the TYPE!

  Disable the audit device enabled at "file/":

      $ vault audit disable file/`,
  async run(ctx) {
    if (ctx.args.length !== 1)
      return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const path = norm(ctx.args[0]);
    try {
      await ctx.client().request('DELETE', `sys/audit/${path.replace(/\/$/, '')}`);
    } catch (e) {
      return ctx.fail('Error disabling audit device', e);
    }
    ctx.io.stdout(`Success! Disabled audit device (if it was enabled) at: ${path}\n`);
    return 0;
  },
};
