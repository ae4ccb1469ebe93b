/**
 * Runs our `vault` CLI the way a learner does: a persistent bash (so `export` and
 * heredocs work) with `vault` first on PATH, pointed at a dev engine on loopback.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScriptShell } from '../../labs/runtime/shell.js';
import { devEngine, VAULT_JS } from '../support/engine.js';
import type { Engine, EngineOptions } from '../../engine/index.js';

export interface Session {
  engine: Engine;
  dir: string;
  run(cmd: string): Promise<{ output: string; code: number }>;
  close(): Promise<void>;
}

/** A dev engine and a shell whose `vault` is our CLI; HOME is a private folder (token helper file). */
export async function cliSession(
  rootTokenId = 'root',
  engineOptions: Partial<EngineOptions> = {},
  extraEnv: Record<string, string> = {},
): Promise<Session> {
  const engine = await devEngine({ rootTokenId, ...engineOptions });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-cli-test-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'vault'), `#!/bin/sh\nexec "${process.execPath}" "${VAULT_JS}" "$@"\n`, {
    mode: 0o755,
  });
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const work = path.join(dir, 'work');
  fs.mkdirSync(work);
  const shell = new ScriptShell(work, {
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    VAULT_ADDR: engine.url,
    LANG: 'C.UTF-8',
    ...extraEnv,
  });
  return {
    engine,
    dir: work,
    run: (cmd) => shell.run(cmd, 20_000),
    async close() {
      shell.close();
      await engine.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Replaces times, ids, tokens and accessors with stable placeholders for golden comparison. */
export function normalise(s: string, url?: string): string {
  let out = s;
  if (url) out = out.split(url).join('$VAULT_ADDR');
  return out
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC/g, '<time>')
    .replace(/hv[sb]\.[A-Za-z0-9_-]{20,}/g, '<token>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(
      /\b(accessor|token_accessor|wrapping_accessor|wrapped_accessor)(:?\s+|": ")[A-Za-z0-9]{24}\b/g,
      '$1$2<accessor>',
    )
    .replace(/\b((?:auth_)?[a-z_]+)_[0-9a-f]{8}\b/g, '$1_<hex>')
    .replace(/([a-z0-9-]\/)[A-Za-z0-9]{24}\b/g, '$1<lease-id>')
    .replace(/\b(creation_time)(\s+|": )\d{9,}/g, '$1$2<unix>')
    .replace(/\b(ttl)(\s+)(\d+h)?(\d+m)?(\d+s)?\b/g, (_m, k, sp) => `${k}${sp}<ttl>`);
}
