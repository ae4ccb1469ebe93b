import fs from 'node:fs';
import type { Command } from '../command.js';

const read = async (ctx: Parameters<Command['run']>[0], src: string): Promise<string> => {
  if (src === '-') return ctx.io.readStdin();
  return fs.readFileSync(src, 'utf8');
};

export const policyWrite: Command = {
  name: 'policy write',
  synopsis: 'Uploads a named policy from a file',
  help: `Usage: vault policy write [options] NAME PATH

  Uploads a policy with name NAME from the contents of a local file PATH or
  stdin. If PATH is "-", the policy is read from stdin. Otherwise, it is
  loaded from the file at the given path on the local disk.

  Upload a policy named "my-policy" from "/tmp/policy.hcl" on the local disk:

      $ vault policy write my-policy /tmp/policy.hcl

  Upload a policy from stdin:

      $ cat my-policy.hcl | vault policy write my-policy -`,
  async run(ctx) {
    if (ctx.args.length !== 2) return ctx.error(`${ctx.args.length < 2 ? 'Not enough' : 'Too many'} arguments (expected 2, got ${ctx.args.length})`);
    const [rawName, src] = ctx.args;
    const name = rawName.trim().toLowerCase();
    let text: string;
    try { text = await read(ctx, src); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      ctx.error(`Error opening policy file: open ${src}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
      return 2;
    }
    try {
      await ctx.client().request('PUT', `sys/policies/acl/${encodeURIComponent(name)}`, { policy: text });
    } catch (e) { return ctx.fail('Error uploading policy', e); }
    ctx.io.stdout(`Success! Uploaded policy: ${name}\n`);
    return 0;
  },
};

export const policyRead: Command = {
  name: 'policy read',
  synopsis: 'Prints the contents of a policy',
  help: `Usage: vault policy read [options] [NAME]

  Prints the contents and metadata of the Vault policy named NAME. If the policy
  does not exist, an error is returned.

  Read the policy named "my-policy":

      $ vault policy read my-policy`,
  output: true,
  async run(ctx) {
    if (ctx.args.length !== 1) return ctx.error(`${ctx.args.length < 1 ? 'Not enough' : 'Too many'} arguments (expected 1, got ${ctx.args.length})`);
    const name = ctx.args[0].trim().toLowerCase();
    let r;
    try { r = await ctx.client().request('GET', `sys/policies/acl/${encodeURIComponent(name)}`, undefined, { allow404: true }); } catch (e) { return ctx.fail(`Error reading policy named ${name}`, e); }
    if (r.status === 404 || !r.body?.data) { ctx.io.stderr(`No policy named: ${name}\n`); return 2; }
    const data = r.body.data as Record<string, unknown>;
    if (ctx.format() !== 'table' || ctx.flags.field) return ctx.outputData({ name: data.name, rules: data.policy });
    const text = String(data.policy);
    ctx.io.stdout(text.endsWith('\n') ? text : text + '\n');
    return 0;
  },
};

export const policyList: Command = {
  name: 'policy list',
  synopsis: 'Lists the installed policies',
  help: `Usage: vault policy list [options]

  Lists the names of the policies that are installed on the Vault server.

  List the available policies:

      $ vault policy list`,
  output: true,
  async run(ctx) {
    if (ctx.args.length) return ctx.error(`Too many arguments (expected 0, got ${ctx.args.length})`);
    let r;
    try { r = await ctx.client().request('LIST', 'sys/policies/acl'); } catch (e) { return ctx.fail('Error listing policies', e); }
    const keys = ((r.body?.data as Record<string, unknown>)?.keys as string[]) ?? [];
    if (ctx.format() === 'yaml') { ctx.io.stdout(keys.map((k) => `- ${k}\n`).join('')); return 0; }
    if (ctx.format() !== 'table') { ctx.io.stdout(JSON.stringify(keys, null, 2) + '\n'); return 0; }
    ctx.io.stdout(keys.map((k) => k + '\n').join(''));
    return 0;
  },
};

export const policyDelete: Command = {
  name: 'policy delete',
  synopsis: 'Deletes a policy by name',
  help: `Usage: vault policy delete [options] NAME

  Deletes the policy named NAME in the Vault server. Once the policy is deleted,
  all tokens associated with the policy are affected immediately.

      $ vault policy delete my-policy`,
  async run(ctx) {
    if (ctx.args.length !== 1) return ctx.error(`${ctx.args.length < 1 ? 'Not enough' : 'Too many'} arguments (expected 1, got ${ctx.args.length})`);
    const name = ctx.args[0].trim().toLowerCase();
    try { await ctx.client().request('DELETE', `sys/policies/acl/${encodeURIComponent(name)}`); } catch (e) { return ctx.fail(`Error deleting ${name}`, e); }
    ctx.io.stdout(`Success! Deleted policy: ${name}\n`);
    return 0;
  },
};

/**
 * Re-indents HCL the way `hclfmt` lays policies out: two spaces per nesting level,
 * `key = value` with single spaces, trailing spaces dropped, at most one blank line.
 */
export function formatHcl(text: string): string {
  const out: string[] = [];
  let depth = 0;
  let blank = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) { if (out.length && !blank) out.push(''); blank = true; continue; }
    blank = false;
    const closes = /^[}\]]/.test(line) ? 1 : 0;
    const body = line.startsWith('#') || line.startsWith('//') ? line : line.replace(/^([A-Za-z_][\w-]*)\s*=\s*/, '$1 = ').replace(/"\s*{$/, '" {').replace(/"\s*,\s*"/g, '", "').replace(/\[\s+"/g, '["').replace(/"\s+\]/g, '"]');
    out.push('  '.repeat(Math.max(0, depth - closes)) + body);
    if (!line.startsWith('#') && !line.startsWith('//')) {
      const code = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      depth = Math.max(0, depth + (code.match(/[{[]/g)?.length ?? 0) - (code.match(/[}\]]/g)?.length ?? 0));
    }
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}

export const policyFmt: Command = {
  name: 'policy fmt',
  synopsis: 'Formats a policy on disk',
  help: `Usage: vault policy fmt [options] PATH

  Formats a local policy file to the policy specification. This command will
  overwrite the file at the given PATH with the properly-formatted policy
  file contents.

  Format the local file "my-policy.hcl" as a policy file:

      $ vault policy fmt my-policy.hcl`,
  http: false,
  async run(ctx) {
    if (ctx.args.length !== 1) return ctx.error(`${ctx.args.length ? 'Too many' : 'Not enough'} arguments (expected 1, got ${ctx.args.length})`);
    const path = ctx.args[0].trim();
    let text: string;
    try { text = fs.readFileSync(path, 'utf8'); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return ctx.error(`Error opening policy file: open ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
    }
    // Loaded on use: the engine's door pulls in the whole engine, which no other command needs.
    const { parsePolicy } = await import('../../engine/index.js');
    try { parsePolicy('fmt', text); } catch (e) { return ctx.error(`failed to parse policy: ${(e as Error).message}`); }
    try { fs.writeFileSync(path, formatHcl(text)); } catch (e) { return ctx.error(`Error writing result: ${(e as Error).message}`); }
    ctx.io.stdout(`Success! Formatted policy: ${path}\n`);
    return 0;
  },
};
