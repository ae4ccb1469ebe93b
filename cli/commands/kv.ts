/**
 * `vault kv …`: the KV helper commands. Every one first asks
 * `sys/internal/ui/mounts/<path>` which mount serves the path and whether it is KV v2,
 * then rewrites the path (`secret/x` → `secret/data/x`) as HashiCorp's CLI does.
 */
import type { Command, CommandContext } from '../command.js';
import { ApiError, ConnectError } from '../client.js';
import { ArgError, parseKVArgs } from '../kvargs.js';
import { banner, cell, kvTable, maxKeyLen, toJson, toYaml } from '../format.js';
import { printList } from './generic.js';

export interface KVMount { mountPath: string; v2: boolean; }

/** Asks the server which mount serves `path` and its KV version. 404 → v1, as the real CLI assumes. */
export async function kvPreflight(ctx: CommandContext, path: string): Promise<KVMount> {
  const r = await ctx.client().request('GET', `sys/internal/ui/mounts/${path}`, undefined, { allow404: true, noWrap: true, noCapture: true });
  if (r.status === 404 || !r.body?.data) return { mountPath: '', v2: false };
  const d = r.body.data as Record<string, unknown>;
  const opts = (d.options as Record<string, string> | null) ?? {};
  return { mountPath: String(d.path ?? ''), v2: opts.version === '2' };
}

const join = (...parts: string[]) => parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');

/** `secret/foo` → `secret/data/foo` on a v2 mount (Go's path.Join semantics). */
export function addPrefix(path: string, mountPath: string, apiPrefix: string): string {
  if (path === mountPath || path === mountPath.replace(/\/$/, '')) return join(mountPath, apiPrefix);
  const rel = path.startsWith(mountPath) ? path.slice(mountPath.length) : path;
  return join(mountPath, apiPrefix, rel);
}

export const kvFlags = {
  mount: { kind: 'string' as const, usage: 'Specifies the path where the KV backend is mounted.' },
};

const sanitize = (p: string) => p.replace(/^\/+/, '').replace(/\/+$/, '');

/**
 * Resolves the user's arguments (`-mount=secret foo` or `secret/foo`) to the API path.
 * Returns an exit code when the preflight failed (already printed).
 */
export async function resolveKV(ctx: CommandContext, arg: string, apiPrefix: string): Promise<{ m: KVMount; apiPath: string } | number> {
  const mountFlag = ctx.flags.mount ? sanitize(String(ctx.flags.mount)) : '';
  let partial = sanitize(arg);
  let m: KVMount;
  try {
    m = await kvPreflight(ctx, mountFlag || partial);
  } catch (e) {
    if (e instanceof ApiError) {
      if (e.status === 403 && ctx.client().capture) {
        ctx.io.stderr(`This output flag requires the success of a preflight request \nto determine the version of a KV secrets engine. Please \nre-run this command with a token with read access to ${mountFlag || partial}\n`);
        return 2;
      }
      ctx.io.stderr(e.render() + '\n');
      return 2;
    }
    if (e instanceof ConnectError) { ctx.io.stderr(e.message + '\n'); return 2; }
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

function pathBanner(title: string, path: string): string {
  return `${banner(title, path.length)}\n${path}\n\n`;
}

const mapBanner = (title: string, m: Record<string, unknown>) => banner(title, maxKeyLen(m) + 9);

export function mapTableOf(m: Record<string, unknown>): string {
  return kvTable(Object.keys(m).sort().map((k) => [k, cell(k, m[k])]));
}

export function metadataTable(meta: Record<string, unknown>): string {
  return `${mapBanner('Metadata', meta)}\n${mapTableOf(meta)}`;
}

function argCount(ctx: CommandContext, expected = 1): number | undefined {
  if (ctx.args.length < expected) return ctx.error(`Not enough arguments (expected ${expected}, got ${ctx.args.length})`);
  if (ctx.args.length > expected) return ctx.error(`Too many arguments (expected ${expected}, got ${ctx.args.length})`);
  return undefined;
}

async function kvData(ctx: CommandContext, args: string[]): Promise<Record<string, unknown> | number> {
  try { return await parseKVArgs(args, ctx.io.readStdin); } catch (e) {
    if (e instanceof ArgError) return ctx.error(e.message);
    throw e;
  }
}

/** Output of a v2 write (put, patch): path banner + metadata table, or the whole response. */
function outputWrite(ctx: CommandContext, body: Record<string, unknown> | null, apiPath: string, v2: boolean): number {
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

const putHelp = `Usage: vault kv put [options] KEY [DATA]

  Writes the data to the given path in the key-value store. The data can be of
  any type.

      $ vault kv put -mount=secret foo bar=baz

  The deprecated path-like syntax can also be used, but this should be avoided
  for KV v2, as the fact that it is not actually the full API path to
  the secret (secret/data/foo) can cause confusion:

      $ vault kv put secret/foo bar=baz

  The data can also be consumed from a file on disk by prefixing with the "@"
  symbol. For example:

      $ vault kv put -mount=secret foo @data.json

  Or it can be read from stdin using the "-" symbol:

      $ echo "abcd1234" | vault kv put -mount=secret foo bar=-

  To perform a Check-And-Set operation, specify the -cas flag with the
  appropriate version number corresponding to the key you want to perform
  the CAS operation on:

      $ vault kv put -mount=secret -cas=1 foo bar=baz

Common Options:

  -cas=<int>        Check-And-Set: 0 writes only if the key does not exist;
                    N writes only if the current version is N.
  -mount=<string>   Where the KV backend is mounted; the argument is then the
                    secret path alone.`;

export const kvPut: Command = {
  name: 'kv put',
  synopsis: 'Sets or updates data in the KV store',
  help: putHelp,
  output: true,
  flags: { ...kvFlags, cas: { kind: 'int', default: -1 } },
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected >1, got ${ctx.args.length})`);
    if (ctx.args.length === 1) return ctx.error('Must supply data');
    const data = await kvData(ctx, ctx.args.slice(1));
    if (typeof data === 'number') return data;
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
    return outputWrite(ctx, r.body, apiPath, m.v2);
  },
};

export const kvPatch: Command = {
  name: 'kv patch',
  synopsis: 'Sets or updates data in the KV store without overwriting',
  help: `Usage: vault kv patch [options] KEY [DATA]

  *NOTE*: This is only supported for KV v2 engine mounts.

  Writes the data to the corresponding path in the key-value store. The data can be of
  any type. Fields you do not name keep their values.

      $ vault kv patch -mount=secret foo bar=baz

  By default, this operation will attempt an HTTP PATCH operation. If your
  policy does not allow that, it will fall back to a read/local update/write approach.
  When -method=patch is specified, only an HTTP PATCH operation will be tried.
  When -method=rw is specified, only a read/local update/write approach will be tried.

  To remove data from the corresponding path in the key-value store:

      $ vault kv patch -mount=secret -remove-data=bar foo

Common Options:

  -cas=<int>            Patch only if the current version is this one (0 = any).
  -method=<string>      "patch" or "rw".
  -mount=<string>       Where the KV backend is mounted.
  -remove-data=<key>    Key to remove from the data; may be repeated.`,
  output: true,
  flags: { ...kvFlags, cas: { kind: 'int', default: 0 }, method: { kind: 'string', default: '' }, 'remove-data': { kind: 'strings' } },
  async run(ctx) {
    const remove = ctx.flags['remove-data'] as string[];
    if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected >1, got ${ctx.args.length})`);
    if (!remove.length && ctx.args.length === 1) return ctx.error('Must supply data');
    const newData = await kvData(ctx, ctx.args.slice(1));
    if (typeof newData === 'number') return newData;
    const r0 = await resolveKV(ctx, ctx.args[0], 'data');
    if (typeof r0 === 'number') return r0;
    if (!r0.m.v2) { ctx.io.stderr('K/V engine mount must be version 2 for patch support\n'); return 2; }
    const path = r0.apiPath;
    for (const k of remove) newData[k] = null;
    const method = String(ctx.flags.method ?? '');
    if (!['', 'rw', 'patch'].includes(method)) { ctx.io.stderr(`Unsupported method provided to -method flag: ${method}\n`); return 2; }
    const c = ctx.client();
    const readThenWrite = async (): Promise<number> => {
      let cur;
      try { cur = await c.request('GET', path, undefined, { allow404: true, noCapture: true }); } catch (e) { return ctx.fail(`Error doing pre-read at ${path}`, e); }
      const d = cur.body?.data as Record<string, unknown> | null | undefined;
      if (!cur.body || !d || (cur.status === 404 && !d)) { ctx.io.stderr(`No value found at ${path}\n`); return 2; }
      const meta = d.metadata as Record<string, unknown> | null | undefined;
      if (!meta) { ctx.io.stderr(`No metadata found at ${path}; patch only works on existing data\n`); return 2; }
      const old = d.data as Record<string, unknown> | null | undefined;
      if (!old) { ctx.io.stderr(`No data found at ${path}; patch only works on existing data\n`); return 2; }
      const merged = { ...old, ...newData };
      c.captureExtra = ['read'];
      let w;
      try { w = await c.request('PUT', path, { data: merged, options: { cas: meta.version } }); } catch (e) { return ctx.fail(`Error writing data to ${path}`, e); }
      return outputWrite(ctx, w.body, path, true);
    };
    if (method === 'rw') return readThenWrite();
    const body: Record<string, unknown> = { data: newData, options: {} };
    if ((ctx.flags.cas as number) > 0) (body.options as Record<string, unknown>).cas = ctx.flags.cas;
    let r;
    try {
      r = await c.request('PATCH', path, body, { headers: { 'Content-Type': 'application/merge-patch+json' } });
    } catch (e) {
      if (e instanceof ApiError && method === '' && e.status === 405) return readThenWrite();
      if (e instanceof ApiError && method === '' && e.status === 403) {
        ctx.io.stderr(`Data was written to ${path} but we recommend that you add the "patch" capability to your ACL policy in order to use HTTP PATCH in the future.\n`);
        return readThenWrite();
      }
      return ctx.fail(`Error writing data to ${path}`, e);
    }
    return outputWrite(ctx, r.body, path, true);
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

      $ vault kv get -mount=secret -version=1 foo

Common Options:

  -mount=<string>   Where the KV backend is mounted.
  -version=<int>    If passed, the value at the version number will be returned.`,
  output: true,
  flags: { ...kvFlags, version: { kind: 'int', default: 0 } },
  async run(ctx) {
    const bad = argCount(ctx); if (bad !== undefined) return bad;
    const r0 = await resolveKV(ctx, ctx.args[0], 'data');
    if (typeof r0 === 'number') return r0;
    const { m, apiPath } = r0;
    const query: Record<string, string> = {};
    if ((ctx.flags.version as number) > 0) query.version = String(ctx.flags.version);
    let r;
    try { r = await ctx.client().request('GET', apiPath, undefined, { allow404: true, query }); } catch (e) { return ctx.fail(`Error reading ${apiPath}`, e); }
    const body = r.body;
    const hasData = body && body.data && Object.keys(body.data as object).length;
    if (!body || (r.status === 404 && !hasData && !(body.warnings as unknown[] | null)?.length)) {
      ctx.io.stderr(`No value found at ${apiPath}\n`);
      // `vault kv get secret/data/x` asks for secret/data/data/x: the kv commands add data/ themselves.
      const doubled = m.v2 ? apiPath.match(/^(.*?)\/data\/data\/(.+)$/) : null;
      if (doubled) ctx.io.stderr(`Hint (vault-lab): the kv commands add "data/" for you; try "vault kv get ${doubled[1]}/${doubled[2]}".\n`);
      return 2;
    }
    const field = ctx.flags.field as string | undefined;
    const d = (body.data as Record<string, unknown> | null) ?? null;
    if (field) {
      if (!m.v2) return ctx.outputSecret(body);
      const inner = d?.data as Record<string, unknown> | null | undefined;
      if (!inner) { ctx.io.stderr(`No data found at ${apiPath}\n`); return 2; }
      if (field === 'data' && !('data' in inner)) return ctx.outputSecret(body);
      return ctx.outputData(inner);
    }
    if (body.wrap_info || ctx.format() !== 'table') return ctx.outputSecret(body);
    ctx.warnings(body);
    let out = '';
    if (m.v2) out += pathBanner('Secret Path', apiPath);
    const meta = d?.metadata as Record<string, unknown> | null | undefined;
    if (meta) out += `${metadataTable(meta)}\n`;
    const data = m.v2 ? (d?.data as Record<string, unknown> | null | undefined) : d;
    if (data) out += `${mapBanner('Data', data)}\n${mapTableOf(data)}`;
    ctx.io.stdout(out);
    return 0;
  },
};

export const kvList: Command = {
  name: 'kv list',
  synopsis: 'List data or secrets',
  help: `Usage: vault kv list [options] PATH

  Lists data from Vault's key-value store at the given path.

  List values under the "my-app" folder of the key-value store:

      $ vault kv list -mount=secret my-app/

Common Options:

  -mount=<string>   Where the KV backend is mounted.`,
  output: true,
  flags: kvFlags,
  async run(ctx) {
    if (ctx.args.length > 1) return ctx.error(`Too many arguments (expected 1, got ${ctx.args.length})`);
    const arg = ctx.args[0] ?? '';
    if (!ctx.args.length && !ctx.flags.mount) return ctx.error('Not enough arguments (expected 1, got 0)');
    const r0 = await resolveKV(ctx, arg, 'metadata');
    if (typeof r0 === 'number') return r0;
    const p = r0.apiPath.endsWith('/') ? r0.apiPath : r0.apiPath + '/';
    let r;
    try { r = await ctx.client().request('GET', p, undefined, { allow404: true, query: { list: 'true' } }); } catch (e) { return ctx.fail(`Error listing ${r0.apiPath}`, e); }
    const code = printList(ctx, r.status === 404 ? null : r.body, r0.apiPath);
    if (code === 2 && r0.m.v2 && arg && !arg.endsWith('/')) {
      // Tutorials run `kv list` on a secret to see its versions; say what does that.
      const leaf = await ctx.client().request('GET', r0.apiPath, undefined, { allow404: true }).catch(() => null);
      const shown = [ctx.flags.mount ? sanitize(String(ctx.flags.mount)) : '', sanitize(arg)].filter(Boolean).join('/');
      if (leaf?.status === 200) ctx.io.stderr(`Hint (vault-lab): ${shown} is a secret, not a folder; "vault kv metadata get ${shown}" shows its versions.\n`);
    }
    return code;
  },
};

const versionsFlag = { versions: { kind: 'strings' as const, usage: 'Specifies the version numbers; may be repeated or comma-separated.' } };

export const kvDelete: Command = {
  name: 'kv delete',
  synopsis: 'Deletes versions in the KV store',
  help: `Usage: vault kv delete [options] PATH

  Deletes the data for the provided version and path in the key-value store. The
  versioned data will not be fully removed, but marked as deleted and will no
  longer be returned in normal get requests.

  To delete the latest version of the key "foo":

      $ vault kv delete -mount=secret foo

  To delete version 3 of key foo:

      $ vault kv delete -mount=secret -versions=3 foo

Common Options:

  -mount=<string>       Where the KV backend is mounted.
  -versions=<int,...>   The versions to delete (default: the latest).`,
  flags: { ...kvFlags, ...versionsFlag },
  async run(ctx) {
    const bad = argCount(ctx); if (bad !== undefined) return bad;
    const versions = ctx.flags.versions as string[];
    const r0 = await resolveKV(ctx, ctx.args[0], versions.length ? 'delete' : 'data');
    if (typeof r0 === 'number') return r0;
    const dataPath = r0.m.v2 && versions.length ? r0.apiPath.replace(/(^|\/)delete(\/|$)/, '$1data$2') : r0.apiPath;
    try {
      if (r0.m.v2 && versions.length) await ctx.client().request('PUT', r0.apiPath, { versions });
      else await ctx.client().request('DELETE', r0.apiPath);
    } catch (e) { return ctx.fail(`Error deleting ${dataPath}`, e); }
    ctx.io.stdout(`Success! Data deleted (if it existed) at: ${dataPath}\n`);
    return 0;
  },
};

function versionCommand(name: 'undelete' | 'destroy', help: string, synopsis: string): Command {
  return {
    name: `kv ${name}`,
    synopsis,
    help,
    output: true,
    flags: { ...kvFlags, ...versionsFlag },
    async run(ctx) {
      const bad = argCount(ctx); if (bad !== undefined) return bad;
      const versions = ctx.flags.versions as string[];
      if (!versions.length) return ctx.error(`No versions provided, use the "-versions" flag to specify the version to ${name}.`);
      const r0 = await resolveKV(ctx, ctx.args[0], name);
      if (typeof r0 === 'number') return r0;
      if (!r0.m.v2) return ctx.error(`${name === 'undelete' ? 'Undelete' : 'Destroy'} not supported on KV Version 1`);
      let r;
      try { r = await ctx.client().request('PUT', r0.apiPath, { versions }); } catch (e) { return ctx.fail(`Error writing data to ${r0.apiPath}`, e); }
      if (!r.body) {
        if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${r0.apiPath}\n`);
        return 0;
      }
      return ctx.outputSecret(r.body);
    },
  };
}

export const kvUndelete = versionCommand('undelete', `Usage: vault kv undelete [options] KEY

  Undeletes the data for the provided version and path in the key-value store.
  This restores the data, allowing it to be returned on get requests.

  To undelete version 3 of key "foo":

      $ vault kv undelete -mount=secret -versions=3 foo

Common Options:

  -mount=<string>       Where the KV backend is mounted.
  -versions=<int,...>   The versions to undelete (required).`, 'Undeletes versions in the KV store');

export const kvDestroy = versionCommand('destroy', `Usage: vault kv destroy [options] KEY

  Permanently removes the specified versions' data from the key-value store. If
  no key exists at the path, no action is taken.

  To destroy version 3 of key foo:

      $ vault kv destroy -mount=secret -versions=3 foo

Common Options:

  -mount=<string>       Where the KV backend is mounted.
  -versions=<int,...>   The versions to destroy (required).`, 'Permanently removes one or more versions in the KV store');

export const kvRollback: Command = {
  name: 'kv rollback',
  synopsis: 'Rolls back to a previous version of data',
  help: `Usage: vault kv rollback [options] KEY

  *NOTE*: This is only supported for KV v2 engine mounts.

  Restores a given previous version to the current version at the given path.
  The value is written as a new version; for instance, if the current version
  is 5 and the rollback version is 2, the data from version 2 will become
  version 6.

      $ vault kv rollback -mount=secret -version=2 foo

Common Options:

  -mount=<string>   Where the KV backend is mounted.
  -version=<int>    Specifies the version number that should be made current again.`,
  output: true,
  flags: { ...kvFlags, version: { kind: 'int', default: 0 } },
  async run(ctx) {
    const bad = argCount(ctx); if (bad !== undefined) return bad;
    const version = ctx.flags.version as number;
    if (!version) return ctx.error('Version flag must be specified');
    const r0 = await resolveKV(ctx, ctx.args[0], 'data');
    if (typeof r0 === 'number') return r0;
    if (!r0.m.v2) { ctx.io.stderr('K/V engine mount must be version 2 for rollback support\n'); return 2; }
    const path = r0.apiPath;
    const c = ctx.client();
    if (c.capture === 'policy') {
      // A rollback reads two versions and writes a third: the policy needs all of it.
      c.captureExtra = ['read'];
      try { await c.request('PUT', path, { data: {}, options: {} }); } catch (e) { return ctx.fail(`Error writing data to ${path}`, e); }
    }
    const preRead = async (query?: Record<string, string>) => {
      try {
        const r = await c.request('GET', path, undefined, { allow404: true, query });
        const d = r.body?.data as Record<string, unknown> | null | undefined;
        if (!r.body || !d) { ctx.io.stderr(`No value found at ${path}\n`); return 2; }
        const meta = d.metadata as Record<string, unknown> | null | undefined;
        if (!meta) { ctx.io.stderr(`No metadata found at ${path}; rollback only works on existing data\n`); return 2; }
        return d;
      } catch (e) { return ctx.fail(`Error doing pre-read at ${path}`, e); }
    };
    const cur = await preRead();
    if (typeof cur === 'number') return cur;
    const casVersion = (cur.metadata as Record<string, unknown>).version;
    const old = await preRead({ version: String(version) });
    if (typeof old === 'number') return old;
    const meta = old.metadata as Record<string, unknown>;
    if (meta.destroyed === true) { ctx.io.stderr('Cannot roll back to a version that has been destroyed\n'); return 2; }
    if (meta.deletion_time && !old.data) { ctx.io.stderr('Cannot roll back to a version that has been deleted\n'); return 2; }
    if (!old.data) { ctx.io.stderr(`No data found at ${path}\n`); return 2; }
    let r;
    c.captureExtra = ['read'];
    try { r = await c.request('PUT', path, { data: old.data, options: { cas: casVersion } }); } catch (e) { return ctx.fail(`Error writing data to ${path}`, e); }
    if (!r.body) {
      if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${path}\n`);
      return 0;
    }
    return ctx.outputSecret(r.body);
  },
};

export const kvEnableVersioning: Command = {
  name: 'kv enable-versioning',
  synopsis: 'Turns on versioning for a KV store',
  help: `Usage: vault kv enable-versioning [options] KEY

  This command turns on versioning for the backend at the provided path.

      $ vault kv enable-versioning secret`,
  async run(ctx) {
    const bad = argCount(ctx); if (bad !== undefined) return bad;
    const mount = `${sanitize(ctx.args[0])}/`;
    try { await ctx.client().request('POST', `sys/mounts/${mount}tune`, { options: { version: '2' } }); } catch (e) { return ctx.fail(`Error tuning secrets engine ${mount}`, e); }
    ctx.io.stdout(`Success! Tuned the secrets engine at: ${mount}\n`);
    return 0;
  },
};

// ------------------------------------------------------------------ kv metadata

/** The `metadata/` API path for a `kv metadata` command, or its exit code (usage, preflight, KV v1). */
async function metadataTarget(ctx: CommandContext): Promise<{ apiPath: string } | number> {
  const bad = argCount(ctx);
  if (bad !== undefined) return bad;
  const r0 = await resolveKV(ctx, ctx.args[0], 'metadata');
  if (typeof r0 === 'number') return r0;
  if (!r0.m.v2) return ctx.error('Metadata not supported on KV Version 1');
  return r0;
}

export const kvMetadataGet: Command = {
  name: 'kv metadata get',
  synopsis: 'Retrieves key metadata from the KV store',
  help: `Usage: vault kv metadata get [options] KEY

  Retrieves the metadata from Vault's key-value store at the given key name. If no
  key exists with that name, an error is returned.

      $ vault kv metadata get -mount=secret foo

Common Options:

  -mount=<string>   Where the KV backend is mounted.`,
  output: true,
  flags: kvFlags,
  async run(ctx) {
    const r0 = await metadataTarget(ctx);
    if (typeof r0 === 'number') return r0;
    let r;
    try { r = await ctx.client().request('GET', r0.apiPath, undefined, { allow404: true }); } catch (e) { return ctx.fail(`Error reading ${r0.apiPath}`, e); }
    if (!r.body || r.status === 404) { ctx.io.stderr(`No value found at ${r0.apiPath}\n`); return 2; }
    if (ctx.flags.field) return ctx.outputSecret(r.body);
    if (r.body.wrap_info || ctx.format() !== 'table') return ctx.outputSecret(r.body);
    const data = { ...((r.body.data as Record<string, unknown>) ?? {}) };
    const versions = data.versions as Record<string, Record<string, unknown>> | undefined;
    if (!versions) { ctx.io.stderr(`No value found at ${r0.apiPath}\n`); ctx.outputSecret(r.body); return 2; }
    delete data.versions;
    ctx.warnings(r.body);
    let out = pathBanner('Metadata Path', r0.apiPath) + `${mapBanner('Metadata', data)}\n${mapTableOf(data)}`;
    for (const v of Object.keys(versions).map(Number).sort((a, b) => a - b)) {
      const vd = versions[String(v)];
      out += `\n${mapBanner(`Version ${v}`, vd)}\n${mapTableOf(vd)}`;
    }
    ctx.io.stdout(out);
    return 0;
  },
};

const metadataWriteFlags = {
  ...kvFlags,
  'max-versions': { kind: 'int' as const, default: -1, usage: 'The number of versions to keep (0 = the engine default).' },
  'cas-required': { kind: 'bool' as const, usage: 'If true, every write to the key needs -cas.' },
  'delete-version-after': { kind: 'duration' as const, usage: 'Delete each version this long after it is written ("0s" = never).' },
  'custom-metadata': { kind: 'map' as const, usage: 'key=value custom metadata; may be repeated.' },
};

function metadataBody(ctx: CommandContext): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if ((ctx.flags['max-versions'] as number) >= 0) data.max_versions = ctx.flags['max-versions'];
  if (ctx.set.has('cas-required')) data.cas_required = ctx.flags['cas-required'];
  if (ctx.flags['delete-version-after']) data.delete_version_after = ctx.flags['delete-version-after'];
  const cm = ctx.flags['custom-metadata'] as Record<string, string>;
  if (Object.keys(cm).length) data.custom_metadata = cm;
  return data;
}

export const kvMetadataPut: Command = {
  name: 'kv metadata put',
  synopsis: 'Sets or updates key settings in the KV store',
  help: `Usage: vault kv metadata put [options] KEY

  This command can be used to create a blank key in the key-value store or to
  update key configuration for a specified key.

  Create a key in the key-value store with no data:

      $ vault kv metadata put -mount=secret foo

  Set a max versions setting on the key:

      $ vault kv metadata put -mount=secret -max-versions=5 foo

  Require Check-and-Set for this key:

      $ vault kv metadata put -mount=secret -cas-required foo

Common Options:

  -cas-required                   Every write to this key needs -cas.
  -custom-metadata=<key=value>    Custom metadata; may be repeated.
  -delete-version-after=<dur>     Delete versions this long after writing.
  -max-versions=<int>             Number of versions to keep.
  -mount=<string>                 Where the KV backend is mounted.`,
  output: true,
  flags: metadataWriteFlags,
  async run(ctx) {
    const r0 = await metadataTarget(ctx);
    if (typeof r0 === 'number') return r0;
    let r;
    try { r = await ctx.client().request('PUT', r0.apiPath, metadataBody(ctx)); } catch (e) { return ctx.fail(`Error writing data to ${r0.apiPath}`, e); }
    if (!r.body) { if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${r0.apiPath}\n`); return 0; }
    return ctx.outputSecret(r.body);
  },
};

export const kvMetadataPatch: Command = {
  name: 'kv metadata patch',
  synopsis: 'Patches key settings in the KV store',
  help: `Usage: vault kv metadata patch [options] KEY

  This command can be used to patch the metadata settings of a key: settings
  you do not name keep their values.

      $ vault kv metadata patch -mount=secret -max-versions=5 foo

  Remove custom metadata keys:

      $ vault kv metadata patch -mount=secret -remove-custom-metadata=bar foo

Common Options:

  -cas-required                     Every write to this key needs -cas.
  -custom-metadata=<key=value>      Custom metadata; may be repeated.
  -delete-version-after=<dur>       Delete versions this long after writing.
  -max-versions=<int>               Number of versions to keep.
  -mount=<string>                   Where the KV backend is mounted.
  -remove-custom-metadata=<key>     Custom metadata key to remove; may be repeated.`,
  output: true,
  flags: { ...metadataWriteFlags, 'remove-custom-metadata': { kind: 'strings' } },
  async run(ctx) {
    const r0 = await metadataTarget(ctx);
    if (typeof r0 === 'number') return r0;
    const body = metadataBody(ctx);
    const remove = ctx.flags['remove-custom-metadata'] as string[];
    if (remove.length) body.custom_metadata = { ...((body.custom_metadata as object) ?? {}), ...Object.fromEntries(remove.map((k) => [k, null])) };
    let r;
    try { r = await ctx.client().request('PATCH', r0.apiPath, body, { headers: { 'Content-Type': 'application/merge-patch+json' } }); } catch (e) { return ctx.fail(`Error writing data to ${r0.apiPath}`, e); }
    if (!r.body) { if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${r0.apiPath}\n`); return 0; }
    return ctx.outputSecret(r.body);
  },
};

export const kvMetadataDelete: Command = {
  name: 'kv metadata delete',
  synopsis: 'Deletes all versions and metadata for a key in the KV store',
  help: `Usage: vault kv metadata delete [options] PATH

  Deletes all versions and metadata for the provided key.

      $ vault kv metadata delete -mount=secret foo

Common Options:

  -mount=<string>   Where the KV backend is mounted.`,
  flags: kvFlags,
  async run(ctx) {
    const r0 = await metadataTarget(ctx);
    if (typeof r0 === 'number') return r0;
    try { await ctx.client().request('DELETE', r0.apiPath); } catch (e) { return ctx.fail(`Error deleting ${r0.apiPath}`, e); }
    ctx.io.stdout(`Success! Data deleted (if it existed) at: ${r0.apiPath}\n`);
    return 0;
  },
};

export { toJson, toYaml };
