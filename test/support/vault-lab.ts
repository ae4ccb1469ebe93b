/** `vault-lab` as a real process: exit code, stdout and stderr. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { VAULT_LAB_JS } from './engine.js';

export interface Ran {
  code: number;
  out: string;
  err: string;
}

export function runVaultLab(
  args: string[],
  opts: { cwd: string; input?: string; env?: Record<string, string> },
): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [VAULT_LAB_JS, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, VAULT_LAB_DATA_DIR: path.join(opts.cwd, 'data'), ...(opts.env ?? {}) },
    });
    let out = '',
      err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.stdin.end(opts.input ?? '');
    p.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}
