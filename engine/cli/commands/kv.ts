/**
 * `vault kv …`: the KV helper commands. Every one first asks
 * `sys/internal/ui/mounts/<path>` which mount serves the path and whether it is KV v2,
 * then rewrites the path (`secret/x` → `secret/data/x`) as HashiCorp's CLI does.
 */
import type { Command, CommandContext } from '../command.js';
import { ApiError } from '../client.js';
import { ArgError, parseKVArgs } from '../kvargs.js';
import { banner, cell, kvTable, maxKeyLen, toJson, toYaml } from '../format.js';
import { printList } from './generic.js';

export interface KVMount { mountPath: string; v2: boolean; }

/** Asks the server which mount serves `path` and its KV version. 404 → v1, as the real CLI assumes. */
export async function kvPreflight(ctx: CommandContext, path: string): Promise<KVMount> {
  const r = await ctx.client().request('GET', `sys/internal/ui/mounts/${path}`, undefined, { allow404: true });
  if (r.status === 404 || !r.body?.data) return { mountPath: '', v2: false };
  const d = r.body.data as Record<string, unknown>;
  const opts = (d.options as Record<string, string> | null) ?? {};
  return { mountPath: String(d.path ?? ''), v2: opts.version === '2' };
}

/** `secret/foo` → `secret/data/foo` on a v2 mount. */
export function addPrefix(path: string, mountPath: string, apiPrefix: string): string {
  const rel = path.startsWith(mountPath) ? path.slice(mountPath.length) : path + '/' === mountPath ? '' : path;
  return `${mountPath}${apiPrefix}/${rel}`;
}

export const kvFlags = {
  mount: { kind: 'string' as const, usage: 'Specifies the path where the KV backend is mounted.' },
};

/** Resolves the user's arguments (`-mount=secret foo` or `secret/foo`) to the API path. */
export async function resolveKV(ctx: CommandContext, arg: string, apiPrefix: string): Promise<{ m: KVMount; apiPath: string; userPath: string } | number> {
  let userPath = arg.replace(/^\/+/, '');
  const mountFlag = (ctx.flags.mount as string | undefined)?.replace(/^\/+|\/+$/g, '');
  if (mountFlag) userPath = `${mountFlag}/${userPath}`;
  let m: KVMount;
  try {
    m = await kvPreflight(ctx, userPath);
  } catch (e) {
    if (e instanceof ApiError) { ctx.io.stderr(e.render() + '\n'); return 2; }
    return ctx.fail('Error making API request', e);
  }
  if (!m.v2) return { m, apiPath: userPath, userPath };
  return { m, apiPath: addPrefix(userPath, m.mountPath, apiPrefix), userPath };
}

function pathBanner(path: string): string {
  return `${banner('Secret Path', path.length)}\n${path}\n\n`;
}

export function metadataTable(meta: Record<string, unknown>): string {
  return `${banner('Metadata', maxKeyLen(meta) + 9)}\n${kvTable(Object.keys(meta).sort().map((k) => [k, cell(k, meta[k])]))}`;
}

export const kvPut: Command = {
  name: 'kv put',
  synopsis: 'Sets or updates data in the KV store',
  help: `Usage: vault kv put [options] KEY [DATA]

  Writes the data to the given path in the key-value store. The data can be of
  any type.

      $ vault kv put -mount=secret foo bar=baz

  The deprecated path-like syntax can also be used, but this should be avoided
  for KV v2, as the fact that it is not actually the full API path to
  the secret (secret/data/foo) can cause confusion:

      $ vault kv put secret/foo bar=baz

  If the value is "-", Vault will read the value from stdin:

      $ echo "abcd1234" | vault kv put -mount=secret foo bar=-

  To perform a Check-And-Set operation, specify the -cas flag with the
  appropriate version number corresponding to the key you want to perform
  the CAS operation on:

      $ vault kv put -mount=secret -cas=1 foo bar=baz`,
  output: true,
  flags: { ...kvFlags, cas: { kind: 'int', default: -1 } },
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error('Not enough arguments (expected >1, got 0)');
    if (ctx.args.length < 2) return ctx.error('Must supply data');
    let data: Record<string, unknown>;
    try { data = await parseKVArgs(ctx.args.slice(1), ctx.io.readStdin); } catch (e) { if (e instanceof ArgError) return ctx.error(e.message); throw e; }
    const r0 = await resolveKV(ctx, ctx.args[0], 'data');
    if (typeof r0 === 'number') return r0;
    const { m, apiPath } = r0;
    let body: Record<string, unknown> = data;
    if (m.v2) {
      body = { data, options: {} };
      const cas = ctx.flags.cas as number;
      if (cas > -1) (body.options as Record<string, unknown>).cas = cas;
    }
    let r;
    try { r = await ctx.client().request('PUT', apiPath, body); } catch (e) { return ctx.fail(`Error writing data to ${apiPath}`, e); }
    if (!r.body) {
      if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${apiPath}\n`);
      return 0;
    }
    if (ctx.flags.field) return ctx.outputSecret(r.body);
    const fmt = ctx.format();
    if (fmt === 'json' || fmt === 'pretty') { ctx.io.stdout(toJson(r.body)); return 0; }
    if (fmt === 'yaml') { ctx.io.stdout(toYaml(r.body)); return 0; }
    ctx.warnings(r.body);
    if (m.v2) ctx.io.stdout(pathBanner(apiPath) + metadataTable((r.body.data as Record<string, unknown>) ?? {}));
    else ctx.outputSecret(r.body);
    return 0;
  },
};

export const kvGet: Command = {
  name: 'kv get',
  synopsis: 'Retrieves data from the KV store',
  help: `Usage: vault kv get [options] KEY

  Retrieves the value from Vault's key-value store at the given key name. If no
  key exists with that name, an error is returned. If a key exists with that
  name but has no data, nothing is returned.

      $ vault kv get -mount=secret foo

  To view the given key name at a specific version in time, specify the "-version"
  flag:

      $ vault kv get -mount=secret -version=1 foo`,
  output: true,
  flags: { ...kvFlags, version: { kind: 'int', default: 0 } },
  async run(ctx) {
    if (ctx.args.length !== 1) return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const r0 = await resolveKV(ctx, ctx.args[0], 'data');
    if (typeof r0 === 'number') return r0;
    const { m, apiPath } = r0;
    const query: Record<string, string> = {};
    if (m.v2 && (ctx.flags.version as number) > 0) query.version = String(ctx.flags.version);
    let r;
    try { r = await ctx.client().request('GET', apiPath, undefined, { allow404: true, query }); } catch (e) { return ctx.fail(`Error reading ${apiPath}`, e); }
    const body = r.body;
    if (!body || (r.status === 404 && !body.data)) { ctx.io.stderr(`No value found at ${apiPath}\n`); return 2; }
    const field = ctx.flags.field as string | undefined;
    if (!m.v2) {
      return ctx.outputSecret(body);
    }
    const d = (body.data as Record<string, unknown>) ?? {};
    const inner = d.data as Record<string, unknown> | null;
    const meta = (d.metadata as Record<string, unknown>) ?? {};
    if (field) {
      if (inner && field in inner) { const v = inner[field]; ctx.io.stdout(typeof v === 'string' ? (ctx.io.isTTY ? v + '\n' : v) : JSON.stringify(v) + (ctx.io.isTTY ? '\n' : '')); return 0; }
      return ctx.outputSecret({ ...body, data: inner ?? {} });
    }
    const fmt = ctx.format();
    if (fmt === 'json' || fmt === 'pretty') { ctx.io.stdout(toJson(body)); return 0; }
    if (fmt === 'yaml') { ctx.io.stdout(toYaml(body)); return 0; }
    ctx.warnings(body);
    let out = pathBanner(apiPath) + metadataTable(meta);
    if (inner) out += `\n${banner('Data', maxKeyLen(inner) + 9)}\n${kvTable(Object.keys(inner).sort().map((k) => [k, cell(k, inner[k])]))}`;
    ctx.io.stdout(out);
    return 0;
  },
};

export const kvList: Command = {
  name: 'kv list',
  synopsis: 'List data or secrets',
  help: `Usage: vault kv list [options] PATH

  Lists data from Vault's key-value store at the given path.

      $ vault kv list -mount=secret my-app/`,
  output: true,
  flags: kvFlags,
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
    const arg = ctx.args[0] ?? '';
    if (!arg && !ctx.flags.mount) return ctx.error('Not enough arguments (expected 1, got 0)');
    const r0 = await resolveKV(ctx, arg, 'metadata');
    if (typeof r0 === 'number') return r0;
    const p = r0.apiPath.endsWith('/') ? r0.apiPath : r0.apiPath + '/';
    let r;
    try { r = await ctx.client().request('GET', p, undefined, { allow404: true, query: { list: 'true' } }); } catch (e) { return ctx.fail(`Error listing ${r0.apiPath}`, e); }
    return printList(ctx, r.status === 404 ? null : r.body, r0.apiPath);
  },
};

export const kvDelete: Command = {
  name: 'kv delete',
  synopsis: 'Deletes versions in the KV store',
  help: `Usage: vault kv delete [options] PATH

  Deletes the data for the provided version and path in the key-value store. The
  versioned data will not be fully removed, but marked as deleted and will no
  longer be returned in normal get requests.

      $ vault kv delete -mount=secret foo

  To delete version 3 of key foo:

      $ vault kv delete -mount=secret -versions=3 foo`,
  flags: { ...kvFlags, versions: { kind: 'strings' } },
  async run(ctx) {
    if (ctx.args.length !== 1) return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const versions = ctx.flags.versions as string[];
    const r0 = await resolveKV(ctx, ctx.args[0], versions.length ? 'delete' : 'data');
    if (typeof r0 === 'number') return r0;
    try {
      if (r0.m.v2 && versions.length) await ctx.client().request('PUT', r0.apiPath, { versions: versions.map(Number) });
      else await ctx.client().request('DELETE', r0.apiPath);
    } catch (e) { return ctx.fail(`Error deleting ${r0.apiPath}`, e); }
    ctx.io.stdout(`Success! Data deleted (if it existed) at: ${r0.apiPath}\n`);
    return 0;
  },
};
