/**
 * Shared test helpers: a dev engine listening on loopback, a node-vault client for it,
 * raw HTTP, and the CLI run as a real process.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, type Engine, type EngineOptions } from '../../engine/index.js';

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VAULT_JS = path.join(ROOT, 'dist', 'vault.js');
export const VAULT_LAB_JS = path.join(ROOT, 'bin', 'vault-lab.js');

export async function devEngine(opts: Partial<EngineOptions> = {}): Promise<Engine> {
  return startEngine({ dev: true, rootTokenId: 'root', listen: '127.0.0.1:0', ...opts });
}

export interface NodeVaultClient {
  token: string;
  read(path: string): Promise<Record<string, any>>;
  write(path: string, data: unknown): Promise<Record<string, any>>;
  list(path: string): Promise<Record<string, any>>;
  delete(path: string): Promise<Record<string, any>>;
  [k: string]: any;
}

/** node-vault 0.12 pointed at the engine. */
export function nodeVault(engine: Engine, token = engine.rootToken): NodeVaultClient {
  const factory = require('node-vault');
  return factory({ apiVersion: 'v1', endpoint: engine.url, token, noCustomHTTPVerbs: false });
}

/** Raw HTTP against the engine; returns status, parsed body and headers. */
export async function http(
  engine: Engine,
  method: string,
  p: string,
  opts: { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? engine.rootToken : opts.token;
  if (token) headers['X-Vault-Token'] = token;
  const res = await fetch(`${engine.url}/v1/${p.replace(/^\//, '')}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs our `vault` CLI as a process, like a learner's shell does. */
export function vault(args: string[], env: Record<string, string | undefined>, input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [VAULT_JS, ...args],
      {
        env: { PATH: process.env.PATH, HOME: env.HOME ?? process.env.HOME, ...env } as NodeJS.ProcessEnv,
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        resolve({
          code: err
            ? typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number'
              ? (err as unknown as { code: number }).code
              : 1
            : 0,
          stdout,
          stderr,
        });
      },
    );
    if (input !== undefined) {
      child.stdin?.write(input);
    }
    child.stdin?.end();
  });
}
