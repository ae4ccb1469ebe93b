/** What `vault operator init | unseal | seal` share: the seal-status table and json/yaml/table output. */
import type { CommandContext } from '../../command.js';
import { kvTable, toJson, toYaml } from '../../format.js';

/** The seal-status table `vault operator unseal` prints (the same rows as `vault status`). */
export function sealStatusTable(s: Record<string, unknown>): string {
  const rows: Array<[string, string]> = [
    ['Seal Type', String(s.type)],
    ['Initialized', String(s.initialized)],
    ['Sealed', String(s.sealed)],
    ['Total Shares', String(s.n)],
    ['Threshold', String(s.t)],
  ];
  if (s.sealed)
    rows.push(['Unseal Progress', `${s.progress}/${s.t}`], ['Unseal Nonce', s.nonce ? String(s.nonce) : 'n/a']);
  rows.push(
    ['Version', String(s.version)],
    ['Build Date', String(s.build_date)],
    ['Storage Type', String(s.storage_type)],
  );
  if (!s.sealed) rows.push(['Cluster Name', String(s.cluster_name)], ['Cluster ID', String(s.cluster_id)]);
  rows.push(['HA Enabled', 'false']);
  return kvTable(rows);
}

export function printData(ctx: CommandContext, data: Record<string, unknown>, table: () => string): number {
  const fmt = ctx.format();
  if (fmt === 'json' || fmt === 'pretty') ctx.io.stdout(toJson(data));
  else if (fmt === 'yaml') ctx.io.stdout(toYaml(data));
  else ctx.io.stdout(table());
  return 0;
}
