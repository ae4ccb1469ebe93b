/** Every CLI command, by name. New command files add themselves to this list. */
import type { Command } from '../command.js';
import { status } from './status.js';
import { kvDelete, kvGet, kvList, kvPut } from './kv.js';
import { policyDelete, policyList, policyRead, policyWrite } from './policy.js';
import { tokenCreate, tokenLookup } from './token.js';
import { del, list, printToken, read, version, write } from './generic.js';
import { login } from './login.js';

export const COMMANDS: Command[] = [
  status, login, version, printToken,
  read, write, list, del,
  kvPut, kvGet, kvList, kvDelete,
  policyWrite, policyRead, policyList, policyDelete,
  tokenCreate, tokenLookup,
];

/** Help text of command groups (`vault kv`, `vault policy` …). */
export const GROUPS: Record<string, string> = {
  kv: 'Interact with Vault\'s Key-Value storage',
  policy: 'Interact with policies',
  token: 'Interact with tokens',
  secrets: 'Interact with secrets engines',
  auth: 'Interact with auth methods',
  lease: 'Interact with leases',
  operator: 'Perform operator-specific tasks',
  audit: 'Interact with audit devices',
  print: 'Prints runtime configurations',
  'kv metadata': 'Interact with Vault\'s Key-Value storage',
};
