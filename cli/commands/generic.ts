/** `vault read | write | list | delete | patch` on any API path. */
import { PRETTY_REFUSED, type Command, type CommandContext } from '../command.js';
import { ArgError, parseKVArgs } from '../kvargs.js';
import { kvTable } from '../format.js';
import { ApiError } from '../client.js';

const norm = (p: string) => p.replace(/^\/+/, '');

export const read: Command = {
  name: 'read',
  synopsis: 'Read data and retrieves secrets',
  help: `Usage: vault read [options] PATH

  Reads data from Vault at the given path. This can be used to read secrets,
  generate dynamic credentials, get configuration details, and more.

  Read a secret from the static secrets engine:

      $ vault read secret/my-secret`,
  output: true,
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error('Not enough arguments (expected 1, got 0)');
    const path = norm(ctx.args[0]);
    let query: Record<string, string> = {};
    try { query = Object.fromEntries(Object.entries(await parseKVArgs(ctx.args.slice(1), ctx.io.readStdin)).map(([k, v]) => [k, String(v)])); } catch (e) { if (e instanceof ArgError) return ctx.error(e.message); throw e; }
    let r;
    try { r = await ctx.client().request('GET', path, undefined, { allow404: true, query }); } catch (e) { return ctx.fail(`Error reading ${path}`, e); }
    if (r.status === 404 && !(r.body?.data || r.body?.warnings)) { ctx.io.stderr(`No value found at ${path}\n`); return 2; }
    if (ctx.format() === ('raw' as string)) { ctx.io.stdout(r.raw.endsWith('\n') ? r.raw : r.raw + '\n'); return 0; }
    if (r.status === 404 && r.body?.warnings) { ctx.warnings(r.body); if (!r.body.data) { ctx.io.stderr(`No value found at ${path}\n`); return 2; } }
    return ctx.outputSecret(r.body);
  },
};

export const write: Command = {
  name: 'write',
  synopsis: 'Write data, configuration, and secrets',
  help: `Usage: vault write [options] PATH [DATA K=V...]

  Writes data to Vault at the given path. The data can be credentials, secrets,
  configuration, or arbitrary data. The specific behavior of this command is
  determined at the thing mounted at the path.

  Data is specified as "key=value" pairs. If the value begins with an "@", then
  it is loaded from a file. If the value is "-", Vault will read the value from
  stdin.

      $ vault write sys/mounts/my-mount type=kv`,
  output: true,
  flags: { force: { kind: 'bool', aliases: ['f'] } },
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error('Not enough arguments (expected 1, got 0)');
    const path = norm(ctx.args[0]);
    let data: Record<string, unknown>;
    try { data = await parseKVArgs(ctx.args.slice(1), ctx.io.readStdin); } catch (e) { if (e instanceof ArgError) return ctx.error(e.message); throw e; }
    if (!Object.keys(data).length && !ctx.flags.force) return ctx.error('Must supply data or use -force');
    let r;
    try { r = await ctx.client().request('PUT', path, data); } catch (e) { return ctx.fail(`Error writing data to ${path}`, e); }
    if (!r.body) { ctx.io.stdout(`Success! Data written to: ${path}\n`); return 0; }
    if (!r.body.data && !r.body.auth && !r.body.wrap_info && !r.body.lease_id && ctx.format() === 'table') {
      ctx.warnings(r.body);
      ctx.io.stdout(`Success! Data written to: ${path}\n`);
      return 0;
    }
    return ctx.outputSecret(r.body);
  },
};

export const list: Command = {
  name: 'list',
  synopsis: 'List data or secrets',
  help: `Usage: vault list [options] PATH

  Lists data from Vault at the given path. This can be used to list keys in a,
  given secrets engine.

      $ vault list secret/my-app/`,
  output: true,
  async run(ctx) {
    if (ctx.args.length !== 1) return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const path = norm(ctx.args[0]);
    let r;
    try { r = await ctx.client().request('GET', path.endsWith('/') ? path : path + '/', undefined, { allow404: true, query: { list: 'true' } }); } catch (e) { return ctx.fail(`Error listing ${path}`, e); }
    return printList(ctx, r.status === 404 ? null : r.body, path);
  },
};

export function printList(ctx: CommandContext, body: Record<string, unknown> | null, path: string): number {
  const keys = ((body?.data as Record<string, unknown> | undefined)?.keys as string[] | undefined);
  if (!body || !keys) { ctx.io.stderr(`No value found at ${path}\n`); return 2; }
  if (ctx.flags.field) return ctx.outputSecret(body);
  const fmt = ctx.format();
  if (fmt === 'pretty') return ctx.error(PRETTY_REFUSED);
  if (fmt === 'json') { ctx.io.stdout(JSON.stringify(keys, null, 2) + '\n'); return 0; }
  if (fmt === 'yaml') { ctx.io.stdout(keys.map((k) => `- ${k}\n`).join('')); return 0; }
  ctx.warnings(body);
  ctx.io.stdout(['Keys', '----', ...[...keys].sort()].join('\n') + '\n');
  return 0;
}

export const del: Command = {
  name: 'delete',
  synopsis: 'Delete secrets and configuration',
  help: `Usage: vault delete [options] PATH

  Deletes secrets and configuration from Vault at the given path. The behavior
  of "delete" is delegated to the backend corresponding to the given path.

      $ vault delete secret/my-secret`,
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error('Not enough arguments (expected 1, got 0)');
    const path = norm(ctx.args[0]);
    let r;
    try { r = await ctx.client().request('DELETE', path); } catch (e) { return ctx.fail(`Error deleting ${path}`, e); }
    if (r.body?.warnings) ctx.warnings(r.body);
    ctx.io.stdout(`Success! Data deleted (if it existed) at: ${path}\n`);
    return 0;
  },
};


export const patch: Command = {
  name: 'patch',
  synopsis: 'Patch data, configuration, and secrets',
  help: `Usage: vault patch [options] PATH [DATA K=V...]

  Patches data in Vault at the given path: fields you name are changed, the
  others keep their values (an HTTP PATCH with a JSON merge patch). The data
  can be credentials, secrets, configuration, or arbitrary data.

  Data is specified as "key=value" pairs. If the value begins with an "@", then
  it is loaded from a file. If the value is "-", Vault will read the value from
  stdin.

      $ vault patch pki/roles/example allow_localhost=false

Command Options:

  -force    Allow the operation to continue with no key=value pairs (alias -f).`,
  output: true,
  flags: { force: { kind: 'bool', aliases: ['f'] } },
  async run(ctx) {
    if (ctx.args.length < 1) return ctx.error(`Not enough arguments (expected 1, got ${ctx.args.length})`);
    const path = norm(ctx.args[0]);
    let data: Record<string, unknown>;
    try { data = await parseKVArgs(ctx.args.slice(1), ctx.io.readStdin); } catch (e) { if (e instanceof ArgError) return ctx.error(e.message); throw e; }
    if (!Object.keys(data).length && !ctx.flags.force) return ctx.error('Must supply data or use -force');
    let r;
    try { r = await ctx.client().request('PATCH', path, data, { headers: { 'Content-Type': 'application/merge-patch+json' } }); } catch (e) { return ctx.fail(`Error writing data to ${path}`, e); }
    if (!r.body) { if (ctx.format() === 'table') ctx.io.stdout(`Success! Data written to: ${path}\n`); return 0; }
    return ctx.outputSecret(r.body);
  },
};

export const pathHelp: Command = {
  name: 'path-help',
  synopsis: 'Retrieve API help for paths',
  help: `Usage: vault path-help [options] PATH

  Retrieves API help for paths. All endpoints in Vault provide built-in help
  in markdown format. This includes system paths, secret engines, and auth
  methods.

  Get help for the thing mounted at database/:

      $ vault path-help database/

  The response object will return additional paths to retrieve help:

      $ vault path-help database/roles/

  Each secret engine produces different help output.`,
  output: true,
  async run(ctx) {
    if (ctx.args.length !== 1) return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const path = norm(ctx.args[0]);
    let r;
    try { r = await ctx.client().request('GET', path, undefined, { query: { help: '1' } }); } catch (e) {
      if (e instanceof ApiError && e.errors?.some((x) => x.includes('Vault is sealed'))) return ctx.error('Error: Vault is sealed.');
      return ctx.fail('Error retrieving help', e);
    }
    const body = r.body ?? {};
    if (ctx.format() === 'table') { ctx.io.stdout(String(body.help ?? '').replace(/\n?$/, '\n')); return 0; }
    return ctx.outputData(body);
  },
};

export const version: Command = {
  name: 'version',
  synopsis: 'Prints the Vault CLI version',
  help: 'Usage: vault version\n\n  Prints the version of this Vault CLI.',
  http: false,
  async run(ctx) {
    ctx.io.stdout('Vault v1.15.6 (vault-lab), built 2024-02-28T17:07:34Z\n');
    return 0;
  },
};

export const printToken: Command = {
  name: 'print token',
  synopsis: 'Prints the vault token currently in use',
  help: 'Usage: vault print token\n\n  Prints the value of the Vault token that will be used for commands, after\n  taking into account the configured token-helper and the environment.',
  http: false,
  async run(ctx) {
    ctx.io.stdout((ctx.client().token ?? '') + '\n');
    return 0;
  },
};

export { kvTable };
