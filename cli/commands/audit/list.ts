import type { Command } from '../../command.js';
import { columnsOf, goValue } from '../../format.js';

export const auditList: Command = {
  name: 'audit list',
  synopsis: 'Lists enabled audit devices',
  help: `Usage: vault audit list [options]

  Lists the enabled audit devices in the Vault server. The output lists the
  enabled audit devices and the options for those devices.

  List all audit devices:

      $ vault audit list

  List detailed output about the audit devices:

      $ vault audit list -detailed`,
  flags: {
    detailed: {
      kind: 'bool',
      default: false,
      usage: 'Print detailed information such as options and replication status about each audit device.',
    },
  },
  output: true,
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    let r;
    try {
      r = await ctx.client().request('GET', 'sys/audit');
    } catch (e) {
      return ctx.fail('Error listing audits', e);
    }
    const data = (r.body?.data as Record<string, Record<string, unknown>>) ?? {};
    if (ctx.format() !== 'table') return ctx.outputData(data);
    const paths = Object.keys(data).sort();
    if (!paths.length) {
      ctx.io.stdout('No audit devices are enabled.\n');
      return 2;
    }
    if (ctx.flags.detailed) {
      ctx.io.stdout(
        columnsOf(
          ['Path', 'Type', 'Description', 'Replication', 'Options'],
          paths.map((p) => {
            const d = data[p];
            return [
              p,
              String(d.type),
              String(d.description ?? ''),
              d.local ? 'local' : 'replicated',
              goValue(d.options ?? {}),
            ];
          }),
        ),
      );
      return 0;
    }
    ctx.io.stdout(
      columnsOf(
        ['Path', 'Type', 'Description'],
        paths.map((p) => [p, String(data[p].type), String(data[p].description ?? '')]),
      ),
    );
    return 0;
  },
};
