/**
 * `vault operator raft list-peers | snapshot save | snapshot restore | autopilot state`:
 * the single-node raft commands, over sys/storage/raft/* (reference part 2 §6.3).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command, CommandContext } from '../../command.js';
import { columnsOf, toJson, toYaml } from '../../format.js';

const fileOf = (ctx: CommandContext, f: string) => path.resolve(ctx.io.cwd ?? process.cwd(), f);
const osError = (f: string, e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : (e as Error).message;
  return `open ${f}: ${why}`;
};

export const operatorRaftListPeers: Command = {
  name: 'operator raft list-peers',
  synopsis: 'Returns the Raft peer set',
  help: `Usage: vault operator raft list-peers

  Provides the details of all the peers in the Raft cluster.

      $ vault operator raft list-peers

  vault-lab runs one node: the list has one voter, the leader.`,
  output: true,
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    let r;
    try {
      r = await ctx.client().request('GET', 'sys/storage/raft/configuration');
    } catch (e) {
      return ctx.fail('Error reading the raft cluster configuration', e);
    }
    const body = r.body ?? {};
    const fmt = ctx.format();
    if (fmt === 'json' || fmt === 'pretty') return (ctx.io.stdout(toJson(body)), 0);
    if (fmt === 'yaml') return (ctx.io.stdout(toYaml(body)), 0);
    const config = ((body.data as Record<string, unknown> | undefined)?.config ?? {}) as {
      servers?: Array<{ node_id: string; address: string; leader: boolean; voter: boolean }>;
    };
    const rows = (config.servers ?? []).map((s) => [
      s.node_id,
      s.address,
      s.leader ? 'leader' : 'follower',
      String(s.voter),
    ]);
    ctx.io.stdout(columnsOf(['Node', 'Address', 'State', 'Voter'], rows));
    return 0;
  },
};

export const operatorRaftSnapshotSave: Command = {
  name: 'operator raft snapshot save',
  synopsis: 'Saves a snapshot of the current state of the Raft cluster into a file',
  help: `Usage: vault operator raft snapshot save <snapshot_file>

  Saves a snapshot of the current state of the Raft cluster into a file.

      $ vault operator raft snapshot save raft.snap`,
  async run(ctx) {
    if (ctx.args.length !== 1) return ctx.error(`Incorrect arguments (expected 1, got ${ctx.args.length})`);
    const f = ctx.args[0];
    let r;
    try {
      r = await ctx.client().request('GET', 'sys/storage/raft/snapshot');
    } catch (e) {
      return ctx.fail('Error taking the snapshot', e);
    }
    try {
      // The archive holds only ciphertext, but it is the whole server: private to its owner.
      fs.writeFileSync(fileOf(ctx, f), r.bytes ?? Buffer.alloc(0), { mode: 0o600 });
    } catch (e) {
      return ctx.error(`Error taking the snapshot: ${osError(f, e)}`);
    }
    return 0;
  },
};

export const operatorRaftSnapshotRestore: Command = {
  name: 'operator raft snapshot restore',
  synopsis: 'Installs the provided snapshot, returning the cluster to the state defined in it',
  help: `Usage: vault operator raft snapshot restore <snapshot_file>

  Installs the provided snapshot, returning the cluster to the state defined in it.

      $ vault operator raft snapshot restore raft.snap`,
  flags: {
    force: {
      kind: 'bool',
      default: false,
      usage: 'This bypasses checks ensuring the Autounseal or shamir keys are consistent with the snapshot data.',
    },
  },
  async run(ctx) {
    if (ctx.args.length !== 1) return ctx.error(`Incorrect arguments (expected 1, got ${ctx.args.length})`);
    const f = ctx.args[0];
    let data: Buffer;
    try {
      data = fs.readFileSync(fileOf(ctx, f));
    } catch (e) {
      return ctx.error(`Error opening snapshot file: ${osError(f, e)}`);
    }
    const p = ctx.flags.force ? 'sys/storage/raft/snapshot-force' : 'sys/storage/raft/snapshot';
    try {
      await ctx.client().request('POST', p, undefined, { rawBody: data });
    } catch (e) {
      return ctx.fail('Error installing the snapshot', e);
    }
    return 0;
  },
};

interface AutopilotServer {
  name: string;
  address: string;
  status: string;
  node_status: string;
  healthy: boolean;
  last_contact: string;
  last_term: number;
  last_index: number;
  version: string;
  node_type: string;
}

export const operatorRaftAutopilotState: Command = {
  name: 'operator raft autopilot state',
  synopsis: 'Displays the state of the raft cluster under integrated storage as seen by autopilot',
  help: `Usage: vault operator raft autopilot state

  Displays the state of the raft cluster under integrated storage as seen by autopilot.

      $ vault operator raft autopilot state`,
  output: true,
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    let r;
    try {
      r = await ctx.client().request('GET', 'sys/storage/raft/autopilot/state');
    } catch (e) {
      return ctx.fail('Error checking autopilot state', e);
    }
    const s = ((r.body ?? {}).data ?? {}) as {
      healthy: boolean;
      failure_tolerance: number;
      leader: string;
      voters: string[];
      servers: Record<string, AutopilotServer>;
    };
    const fmt = ctx.format();
    if (fmt === 'json' || fmt === 'pretty') return (ctx.io.stdout(toJson(s)), 0);
    if (fmt === 'yaml') return (ctx.io.stdout(toYaml(s)), 0);
    const pad = (k: string, w: number) => `${k}:`.padEnd(w);
    const out = [
      `${pad('Healthy', 33)}${s.healthy}`,
      `${pad('Failure Tolerance', 33)}${s.failure_tolerance}`,
      `${pad('Leader', 33)}${s.leader}`,
      'Voters:',
      ...(s.voters ?? []).map((v) => `   ${v}`),
      'Servers:',
    ];
    for (const id of Object.keys(s.servers ?? {}).sort()) {
      const v = s.servers[id];
      out.push(`   ${id}`);
      const rows: Array<[string, unknown]> = [
        ['Name', v.name],
        ['Address', v.address],
        ['Status', v.status],
        ['Node Status', v.node_status],
        ['Healthy', v.healthy],
        ['Last Contact', v.last_contact],
        ['Last Term', v.last_term],
        ['Last Index', v.last_index],
        ['Version', v.version],
        ['Node Type', v.node_type],
      ];
      for (const [k, val] of rows) out.push(`      ${pad(k, 19)}${val}`);
    }
    ctx.io.stdout(out.join('\n') + '\n');
    return 0;
  },
};
