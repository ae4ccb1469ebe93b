/** `vault audit enable | disable | list`: audit devices (`sys/audit`). */
import type { Command } from '../command.js';
import { columnsOf, goValue } from '../format.js';
import { ArgError, parseKVArgs } from '../kvargs.js';

const norm = (p: string) => (p.replace(/^\/+/, '').endsWith('/') ? p.replace(/^\/+/, '') : p.replace(/^\/+/, '') + '/');

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
    path: { kind: 'string', usage: 'Place where the audit device will be accessible. This must be unique across all audit devices. This defaults to the "type" of the audit device.' },
    local: { kind: 'bool', default: false, usage: 'Mark the audit device as a local-only device.' },
  },
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error('Error enabling audit device: audit type missing. Valid types include \'file\', \'socket\' and \'syslog\'.');
    const [type, ...rest] = ctx.args;
    let options: Record<string, unknown>;
    try { options = await parseKVArgs(rest, ctx.io.readStdin); } catch (e) {
      if (e instanceof ArgError) return ctx.error(e.message);
      throw e;
    }
    const stringOptions = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
    const path = norm((ctx.flags.path as string) || type);
    try {
      await ctx.client().request('PUT', `sys/audit/${path.replace(/\/$/, '')}`, {
        type, description: (ctx.flags.description as string) ?? '', options: stringOptions, local: !!ctx.flags.local,
      });
    } catch (e) { return ctx.fail('Error enabling audit device', e); }
    ctx.io.stdout(`Success! Enabled the ${type} audit device at: ${path}\n`);
    return 0;
  },
};

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
    if (ctx.args.length !== 1) return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const path = norm(ctx.args[0]);
    try { await ctx.client().request('DELETE', `sys/audit/${path.replace(/\/$/, '')}`); } catch (e) { return ctx.fail('Error disabling audit device', e); }
    ctx.io.stdout(`Success! Disabled audit device (if it was enabled) at: ${path}\n`);
    return 0;
  },
};

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
  flags: { detailed: { kind: 'bool', default: false, usage: 'Print detailed information such as options and replication status about each audit device.' } },
  output: true,
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    let r;
    try { r = await ctx.client().request('GET', 'sys/audit'); } catch (e) { return ctx.fail('Error listing audits', e); }
    const data = ((r.body?.data as Record<string, Record<string, unknown>>) ?? {});
    if (ctx.format() !== 'table') return ctx.outputData(data);
    const paths = Object.keys(data).sort();
    if (!paths.length) { ctx.io.stdout('No audit devices are enabled.\n'); return 2; }
    if (ctx.flags.detailed) {
      ctx.io.stdout(columnsOf(['Path', 'Type', 'Description', 'Replication', 'Options'], paths.map((p) => {
        const d = data[p];
        return [p, String(d.type), String(d.description ?? ''), d.local ? 'local' : 'replicated', goValue(d.options ?? {})];
      })));
      return 0;
    }
    ctx.io.stdout(columnsOf(['Path', 'Type', 'Description'], paths.map((p) => [p, String(data[p].type), String(data[p].description ?? '')])));
    return 0;
  },
};
