import { PRETTY_REFUSED, type Command } from '../command.js';
import { kvTable, toJson, toYaml } from '../format.js';

export const status: Command = {
  name: 'status',
  synopsis: 'Print seal and HA status',
  help: `Usage: vault status [options]

  Prints the current state of Vault including whether it is sealed and if HA
  mode is enabled. This command prints regardless of whether the Vault is
  sealed.

  The exit code reflects the seal status:

      - 0 - unsealed
      - 1 - error
      - 2 - sealed`,
  output: true,
  async run(ctx) {
    const c = ctx.client();
    let s: Record<string, unknown>;
    try {
      s = (await c.request('GET', 'sys/seal-status')).body ?? {};
    } catch (e) {
      ctx.fail('Error checking seal status', e);
      return 1;
    }
    let leader: Record<string, unknown> | null = null;
    if (!s.sealed) {
      try {
        leader = (await c.request('GET', 'sys/leader')).body;
      } catch (e) {
        ctx.fail('Error checking leader status', e);
        return 1;
      }
    }
    const fmt = ctx.format();
    if (fmt === 'pretty') {
      ctx.io.stderr(`${PRETTY_REFUSED}\n`);
      return 1;
    }
    if (fmt !== 'table' || ctx.flags.field) {
      const out: Record<string, unknown> = { ...s, ha_enabled: leader?.ha_enabled ?? false };
      if (ctx.flags.field) {
        const code = ctx.outputData(out);
        return code || (s.sealed ? 2 : 0);
      }
      ctx.io.stdout(fmt === 'yaml' ? toYaml(out) : toJson(out));
      return s.sealed ? 2 : 0;
    }
    const rows: Array<[string, string]> = [
      ['Seal Type', String(s.type)],
      ['Initialized', String(s.initialized)],
      ['Sealed', String(s.sealed)],
      ['Total Shares', String(s.n)],
      ['Threshold', String(s.t)],
    ];
    if (s.sealed) {
      rows.push(['Unseal Progress', `${s.progress}/${s.t}`], ['Unseal Nonce', s.nonce ? String(s.nonce) : 'n/a']);
    }
    rows.push(
      ['Version', String(s.version)],
      ['Build Date', String(s.build_date)],
      ['Storage Type', String(s.storage_type)],
    );
    if (!s.sealed) rows.push(['Cluster Name', String(s.cluster_name)], ['Cluster ID', String(s.cluster_id)]);
    rows.push(['HA Enabled', String(leader?.ha_enabled ?? false)]);
    ctx.io.stdout(kvTable(rows));
    return s.sealed ? 2 : 0;
  },
};
