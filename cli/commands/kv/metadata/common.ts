/** What the `vault kv metadata …` commands share: the `metadata/` path and the settings flags. */
import type { CommandContext } from '../../../command.js';
import { argCount, kvFlags, resolveKV } from '../common.js';

/** The `metadata/` API path for a `kv metadata` command, or its exit code (usage, preflight, KV v1). */
export async function metadataTarget(ctx: CommandContext): Promise<{ apiPath: string } | number> {
  const bad = argCount(ctx);
  if (bad !== undefined) return bad;
  const r0 = await resolveKV(ctx, ctx.args[0], 'metadata');
  if (typeof r0 === 'number') return r0;
  if (!r0.m.v2) return ctx.error('Metadata not supported on KV Version 1');
  return r0;
}

export const metadataWriteFlags = {
  ...kvFlags,
  'max-versions': {
    kind: 'int' as const,
    default: -1,
    usage: 'The number of versions to keep (0 = the engine default).',
  },
  'cas-required': { kind: 'bool' as const, usage: 'If true, every write to the key needs -cas.' },
  'delete-version-after': {
    kind: 'duration' as const,
    usage: 'Delete each version this long after it is written ("0s" = never).',
  },
  'custom-metadata': { kind: 'map' as const, usage: 'key=value custom metadata; may be repeated.' },
};

export function metadataBody(ctx: CommandContext): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if ((ctx.flags['max-versions'] as number) >= 0) data.max_versions = ctx.flags['max-versions'];
  if (ctx.set.has('cas-required')) data.cas_required = ctx.flags['cas-required'];
  if (ctx.flags['delete-version-after']) data.delete_version_after = ctx.flags['delete-version-after'];
  const cm = ctx.flags['custom-metadata'] as Record<string, string>;
  if (Object.keys(cm).length) data.custom_metadata = cm;
  return data;
}
