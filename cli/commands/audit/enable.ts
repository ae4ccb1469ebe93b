import type { Command } from '../../command.js';
import { norm } from './common.js';
import { ArgError, parseKVArgs } from '../../kvargs.js';

export const auditEnable: Command = {
  name: 'audit enable',
  synopsis: 'Enables an audit device',
  help: `Usage: vault audit enable [options] TYPE [CONFIG K=V...]

  Enables an audit device at a given path.

  This command enables an audit device of TYPE. Additional options for
  configuring the audit device can be specified after the type in the same
  format as the "vault write" command in key/value pairs.

  For example, to configure the file audit device to write audit logs at the
  path "/var/log/audit.log":

      $ vault audit enable file file_path=/var/log/audit.log`,
  flags: {
    description: { kind: 'string', usage: 'Human-friendly description for the purpose of this audit device.' },
    path: {
      kind: 'string',
      usage:
        'Place where the audit device will be accessible. This must be unique across all audit devices. This defaults to the "type" of the audit device.',
    },
    local: { kind: 'bool', default: false, usage: 'Mark the audit device as a local-only device.' },
  },
  async run(ctx) {
    if (ctx.args.length < 1)
      return ctx.error(
        "Error enabling audit device: audit type missing. Valid types include 'file', 'socket' and 'syslog'.",
      );
    const [type, ...rest] = ctx.args;
    let options: Record<string, unknown>;
    try {
      options = await parseKVArgs(rest, ctx.io);
    } catch (e) {
      if (e instanceof ArgError) return ctx.error(e.message);
      throw e;
    }
    const stringOptions = Object.fromEntries(
      Object.entries(options).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
    );
    const path = norm((ctx.flags.path as string) || type);
    try {
      await ctx.client().request('PUT', `sys/audit/${path.replace(/\/$/, '')}`, {
        type,
        description: (ctx.flags.description as string) ?? '',
        options: stringOptions,
        local: !!ctx.flags.local,
      });
    } catch (e) {
      return ctx.fail('Error enabling audit device', e);
    }
    ctx.io.stdout(`Success! Enabled the ${type} audit device at: ${path}\n`);
    return 0;
  },
};
