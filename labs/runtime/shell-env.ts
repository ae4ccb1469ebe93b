/**
 * The learner's shell environment: our `vault` (and `vault-lab`) first on PATH, the
 * engine's address and root token, the control channel, what each outside system adds,
 * and HOME set to the workspace so the lab never writes over the learner's own files.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Engine } from '../../engine/index.js';
import type { ProvidedSystem } from '../providers/index.js';
import type { ControlServer } from './control.js';
import { vaultBinDir } from './paths.js';
import { CONTROL_ENV, CONTROL_KEY_ENV } from './shell-integration.js';

/** The node_modules folder holding our node-vault, prepended to NODE_PATH for apps in the workspace. */
function learnerNodePath(): { NODE_PATH?: string } {
  try {
    const dir = path.dirname(path.dirname(createRequire(import.meta.url).resolve('node-vault/package.json')));
    return { NODE_PATH: [dir, process.env.NODE_PATH].filter(Boolean).join(path.delimiter) };
  } catch {
    return {};
  }
}

export interface ShellEnvSources {
  engine: Engine;
  workspace: string;
  systems: readonly ProvidedSystem[];
  control?: ControlServer;
}

/** Environment for the learner's shell (and the session's own): the user's, minus any `VAULT_*`, plus the lab's. */
export function learnerEnv({ engine, workspace, systems, control }: ShellEnvSources): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('VAULT_')) base[k] = v;
  return {
    ...base,
    VAULT_ADDR: engine.url,
    VAULT_TOKEN: engine.rootToken,
    // `node` itself last on PATH, and NODE_PATH so a lab's app can `require('node-vault')`.
    PATH: [
      vaultBinDir(),
      ...systems.flatMap((s) => s.path ?? []),
      process.env.PATH ?? '',
      path.dirname(process.execPath),
    ].join(path.delimiter),
    ...learnerNodePath(),
    VAULT_LAB_WORKSPACE: workspace,
    ...(control ? { [CONTROL_ENV]: control.address, [CONTROL_KEY_ENV]: control.key } : {}),
    ...Object.assign({}, ...systems.map((s) => s.env)),
    // The lab is a sandbox: `vault login` writes its token helper file here, never over
    // the learner's own ~/.vault-token.
    HOME: workspace,
  };
}

/** Runs a `script` check: bash in the workspace with the given environment, killed after `timeoutMs`. */
export function runCheckScript(
  run: string,
  timeoutMs: number,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const p = spawn('bash', ['--noprofile', '--norc', '-c', run], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d) => {
      output += d;
    });
    p.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      output += `\nthe check script took longer than ${timeoutMs / 1000}s`;
    }, timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
    p.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, output: e.message });
    });
  });
}
