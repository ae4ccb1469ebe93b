/**
 * The default token helper, as HashiCorp's CLI has it: the token comes from VAULT_TOKEN,
 * else from ~/.vault-token, where `vault login` stores it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TOKEN_FILE = () => path.join(os.homedir(), '.vault-token');

/** The token: VAULT_TOKEN, else the default token helper's file. */
export function resolveToken(env: Record<string, string | undefined>): string | undefined {
  if (env.VAULT_TOKEN) return env.VAULT_TOKEN.trim();
  try {
    const home = env.HOME || os.homedir();
    const t = fs.readFileSync(path.join(home, '.vault-token'), 'utf8').trim();
    return t || undefined;
  } catch {
    return undefined;
  }
}

export function storeToken(env: Record<string, string | undefined>, token: string) {
  const home = env.HOME || os.homedir();
  fs.writeFileSync(path.join(home, '.vault-token'), token, { mode: 0o600 });
}
