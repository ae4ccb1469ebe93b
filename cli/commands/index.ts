/** Every CLI command, by name. New command files add themselves to this list. */
import type { Command } from '../command.js';
import { status } from './status.js';
import { kvDelete, kvDestroy, kvEnableVersioning, kvGet, kvList, kvMetadataDelete, kvMetadataGet, kvMetadataPatch, kvMetadataPut, kvPatch, kvPut, kvRollback, kvUndelete } from './kv.js';
import { policyDelete, policyFmt, policyList, policyRead, policyWrite } from './policy.js';
import { tokenCapabilities, tokenCreate, tokenLookup, tokenRenew, tokenRevoke } from './token.js';
import { del, list, patch, pathHelp, printToken, read, version, write } from './generic.js';
import { login } from './login.js';
import { secretsDisable, secretsEnable, secretsList, secretsMove, secretsTune } from './secrets.js';
import { authDisable, authEnable, authHelp, authList, authTune } from './auth.js';
import { leaseLookup, leaseRenew, leaseRevoke } from './lease.js';
import { unwrap } from './unwrap.js';
import { operatorInit, operatorSeal, operatorUnseal } from './operator.js';
import { auditDisable, auditEnable, auditList } from './audit.js';

export const COMMANDS: Command[] = [
  status, login, version, printToken, pathHelp,
  read, write, list, del, patch,
  kvPut, kvGet, kvList, kvDelete, kvPatch, kvUndelete, kvDestroy, kvRollback, kvEnableVersioning,
  kvMetadataGet, kvMetadataPut, kvMetadataPatch, kvMetadataDelete,
  policyWrite, policyRead, policyList, policyDelete, policyFmt,
  tokenCreate, tokenLookup, tokenRenew, tokenRevoke, tokenCapabilities,
  secretsEnable, secretsDisable, secretsList, secretsTune, secretsMove,
  authEnable, authDisable, authList, authTune, authHelp,
  leaseLookup, leaseRenew, leaseRevoke,
  unwrap,
  operatorInit, operatorUnseal, operatorSeal,
  auditEnable, auditDisable, auditList,
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
