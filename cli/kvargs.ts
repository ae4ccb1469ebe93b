/**
 * `key=value` arguments as the real CLI reads them: values are strings, `@file` reads
 * a file, `-` reads stdin, a lone `@file.json` or `-` argument supplies the whole JSON
 * object, repeated keys become lists.
 */
import fs from 'node:fs';
import path from 'node:path';

export class ArgError extends Error {}

/** Where the arguments come from: stdin, and the folder `@file` names are relative to. */
export interface ArgSource {
  readStdin: () => Promise<string>;
  cwd?: string;
}

export async function parseKVArgs(args: string[], src: ArgSource): Promise<Record<string, unknown>> {
  const { readStdin } = src;
  const readFile = (p: string) => readArgFile(p, src.cwd);
  const out: Record<string, unknown> = {};
  let stdinUsed = false;
  const stdin = async () => {
    if (stdinUsed) throw new ArgError('stdin can only be used once');
    stdinUsed = true;
    return readStdin();
  };
  for (const a of args) {
    if (a === '-') {
      Object.assign(out, parseJSONObject(await stdin(), 'stdin'));
      continue;
    }
    const eq = a.indexOf('=');
    if (eq <= 0) {
      if (a.startsWith('@')) {
        Object.assign(out, parseJSONObject(readFile(a.slice(1)), a.slice(1)));
        continue;
      }
      throw new ArgError(`Failed to parse K=V data: invalid key/value pair "${a}": format must be key=value`);
    }
    const k = a.slice(0, eq);
    let v: string = a.slice(eq + 1);
    if (v === '-') v = await stdin();
    else if (v.startsWith('@')) v = readFile(v.slice(1));
    if (k in out) {
      const prev = out[k];
      out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
    } else out[k] = v;
  }
  return out;
}

function readArgFile(p: string, cwd: string | undefined): string {
  try {
    return fs.readFileSync(path.resolve(cwd ?? process.cwd(), p), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ArgError(
      `Failed to parse K=V data: error reading file: open ${p}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`,
    );
  }
}

function parseJSONObject(text: string, from: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ArgError(`Failed to parse K=V data: invalid JSON in ${from}: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new ArgError(`Failed to parse K=V data: ${from} must contain a JSON object`);
  return v as Record<string, unknown>;
}
