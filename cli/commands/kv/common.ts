/**
 * What the `vault kv …` helper commands share. Every one first asks
 * `sys/internal/ui/mounts/<path>` which mount serves the path and whether it is KV v2,
 * then rewrites the path (`secret/x` → `secret/data/x`) as HashiCorp's CLI does.
 */
import { ApiError, ConnectError } from '../../api/client.js';
import type { Command, CommandContext } from '../../command.js';
import { banner, cell, kvTable, maxKeyLen } from '../../format.js';
import { ArgError, parseKVArgs } from '../../kvargs.js';

export interface KVMount {
  mountPath: string;
  v2: boolean;
}

/** Asks the server which mount serves `path` and its KV version. 404 → v1, as the real CLI assumes. */
export async function kvPreflight(ctx: CommandContext, path: string): Promise<KVMount> {
  const r = await ctx
    .client()
    .request('GET', `sys/internal/ui/mounts/${path}`, undefined, { allow404: true, noWrap: true, noCapture: true });
  if (r.status === 404 || !r.body?.data) return { mountPath: '', v2: false };
  const d = r.body.data as Record<string, unknown>;
  const opts = (d.options as Record<string, string> | null) ?? {};
  return { mountPath: String(d.path ?? ''), v2: opts.version === '2' };
}

const join = (...parts: string[]) =>
  parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');

/** `secret/foo` → `secret/data/foo` on a v2 mount (Go's path.Join semantics). */
export function addPrefix(path: string, mountPath: string, apiPrefix: string): string {
  if (path === mountPath || path === mountPath.replace(/\/$/, '')) return join(mountPath, apiPrefix);
  const rel = path.startsWith(mountPath) ? path.slice(mountPath.length) : path;
  return join(mountPath, apiPrefix, rel);
}

export const kvFlags = {
  mount: { kind: 'string' as const, usage: 'Specifies the path where the KV backend is mounted.' },
};

export const sanitize = (p: string) => p.replace(/^\/+/, '').replace(/\/+$/, '');

/**
 * Resolves the user's arguments (`-mount=secret foo` or `secret/foo`) to the API path.
 * Returns an exit code when the preflight failed (already printed).
 */
export async function resolveKV(
  ctx: CommandContext,
  arg: string,
  apiPrefix: string,
): Promise<{ m: KVMount; apiPath: string } | number> {
  const mountFlag = ctx.flags.mount ? sanitize(String(ctx.flags.mount)) : '';
  let partial = sanitize(arg);
  let m: KVMount;
  try {
    m = await kvPreflight(ctx, mountFlag || partial);
  } catch (e) {
    if (e instanceof ApiError) {
      if (e.status === 403 && ctx.client().capture) {
        ctx.io.stderr(
          `This output flag requires the success of a preflight request \nto determine the version of a KV secrets engine. Please \nre-run this command with a token with read access to ${mountFlag || partial}\n`,
        );
        return 2;
      }
      ctx.io.stderr(e.render() + '\n');
      return 2;
    }
    if (e instanceof ConnectError) {
      ctx.io.stderr(e.message + '\n');
      return 2;
    }
    return ctx.fail('Error making API request', e);
  }
  if (mountFlag) {
    if (m.v2) return { m, apiPath: addPrefix(join(m.mountPath, partial), m.mountPath, apiPrefix) };
    return { m, apiPath: join(m.mountPath || mountFlag, partial) };
  }
  if (!m.v2) return { m, apiPath: partial };
  partial = addPrefix(partial, m.mountPath, apiPrefix);
  return { m, apiPath: partial };
}

export function pathBanner(title: string, path: string): string {
  return `${banner(title, path.length)}\n${path}\n\n`;
}

export const mapBanner = (title: string, m: Record<string, unknown>) => banner(title, maxKeyLen(m) + 9);

export function mapTableOf(m: Record<string, unknown>): string {
  return kvTable(
    Object.keys(m)
      .sort()
      .map((k) => [k, cell(k, m[k])]),
  );
}

export function metadataTable(meta: Record<string, unknown>): string {
  return `${mapBanner('Metadata', meta)}\n${mapTableOf(meta)}`;
}

export function argCount(ctx: CommandContext, expected = 1): number | undefined {
  if (ctx.args.length < expected)
    return ctx.error(`Not enough arguments (expected ${expected}, got ${ctx.args.length})`);
  if (ctx.args.length > expected) return ctx.error(`Too many arguments (expected ${expected}, got ${ctx.args.length})`);
  return undefined;
}

export async function kvData(ctx: CommandContext, args: string[]): Promise<Record<string, unknown> | number> {
  try {
    return await parseKVArgs(args, ctx.io);
  } catch (e) {
    if (e instanceof ArgError) return ctx.error(e.message);
    throw e;
  }
}

/** Output of a v2 write (put, patch): path banner + metadata table, or the whole response. */
export function outputWrite(
  ctx: CommandContext,
  body: Record<string, unknown> | null,
  apiPath: string,
  v2: boolean,
): number {
  if (!body) {
    if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${apiPath}\n`);
    return 0;
  }
  if (ctx.flags.field) return ctx.outputSecret(body);
  if (body.wrap_info) return ctx.outputSecret(body);
  if (ctx.format() === 'table' && v2) {
    ctx.warnings(body);
    ctx.io.stdout(pathBanner('Secret Path', apiPath) + metadataTable((body.data as Record<string, unknown>) ?? {}));
    return 0;
  }
  return ctx.outputSecret(body);
}

export const versionsFlag = {
  versions: { kind: 'strings' as const, usage: 'Specifies the version numbers; may be repeated or comma-separated.' },
};

export function versionCommand(name: 'undelete' | 'destroy', help: string, synopsis: string): Command {
  return {
    name: `kv ${name}`,
    synopsis,
    help,
    output: true,
    flags: { ...kvFlags, ...versionsFlag },
    async run(ctx) {
      const bad = argCount(ctx);
      if (bad !== undefined) return bad;
      const versions = ctx.flags.versions as string[];
      if (!versions.length)
        return ctx.error(`No versions provided, use the "-versions" flag to specify the version to ${name}.`);
      const r0 = await resolveKV(ctx, ctx.args[0], name);
      if (typeof r0 === 'number') return r0;
      if (!r0.m.v2) return ctx.error(`${name === 'undelete' ? 'Undelete' : 'Destroy'} not supported on KV Version 1`);
      let r;
      try {
        r = await ctx.client().request('PUT', r0.apiPath, { versions });
      } catch (e) {
        return ctx.fail(`Error writing data to ${r0.apiPath}`, e);
      }
      if (!r.body) {
        if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${r0.apiPath}\n`);
        return 0;
      }
      return ctx.outputSecret(r.body);
    },
  };
}
