/**
 * A lab's setup, item by item: a shell command (`- vault kv put …` or `run:`), a file
 * written into the workspace (inline or copied from beside the lab file), or an API call
 * made as root. A failing item stops the lab with a sentence naming it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../engine/index.js';
import type { SetupItem } from '../format/schema.js';
import type { ShellResult } from './shell.js';

export interface SetupContext {
  engine: Engine;
  workspace: string;
  /** Folder of the lab file (`file.from` is relative to it). */
  labDir?: string;
  /** Runs a command in the session's shell. */
  run(cmd: string): Promise<ShellResult>;
}

export async function runSetupItem(item: SetupItem, ctx: SetupContext): Promise<void> {
  if (typeof item === 'string' || 'run' in item) {
    const cmd = typeof item === 'string' ? item : item.run;
    const res = await ctx.run(cmd);
    if (res.code !== 0)
      throw new Error(
        `lab setup failed: \`${cmd.split('\n')[0]}\` exited ${res.code}: ${res.output.trim().split('\n').slice(-3).join(' ')}`,
      );
  } else if ('file' in item) {
    const target = path.resolve(ctx.workspace, item.file.path);
    if (!target.startsWith(ctx.workspace + path.sep))
      throw new Error(`lab setup: file ${item.file.path} would land outside the workspace`);
    let content = item.file.content ?? '';
    if (item.file.from !== undefined) {
      const src = path.resolve(ctx.labDir ?? '.', item.file.from);
      try {
        content = fs.readFileSync(src, 'utf8');
      } catch {
        throw new Error(`lab setup: cannot read ${item.file.from} next to the lab file`);
      }
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content, { mode: item.file.mode ? parseInt(item.file.mode, 8) : 0o644 });
  } else if ('api' in item) {
    const res = await ctx.engine.request({
      operation: apiOperation(item.api.method),
      path: item.api.path,
      token: ctx.engine.rootToken,
      data: item.api.data ?? null,
    });
    if (res.status >= 400)
      throw new Error(
        `lab setup: ${item.api.method} ${item.api.path} answered ${res.status}: ${JSON.stringify(res.body?.errors ?? res.body)}`,
      );
  }
}

/** Maps an HTTP method to the engine operation (as the HTTP server does). */
export function apiOperation(method: string): 'read' | 'list' | 'delete' | 'patch' | 'write' {
  return method === 'GET'
    ? 'read'
    : method === 'LIST'
      ? 'list'
      : method === 'DELETE'
        ? 'delete'
        : method === 'PATCH'
          ? 'patch'
          : 'write';
}
