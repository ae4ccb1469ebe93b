/**
 * Every CLI command, by name: one file per command under commands/<group>/<verb>.ts.
 * A new command file adds itself to this list (and its group to GROUPS).
 */
import type { Command } from '../command.js';
import { status } from './status.js';
import { login } from './login.js';
import { version } from './version.js';
import { printToken } from './print/token.js';
import { pathHelp } from './path-help.js';
import { read } from './read.js';
import { write } from './write.js';
import { list } from './list.js';
import { del } from './delete.js';
import { patch } from './patch.js';
import { unwrap } from './unwrap.js';
import { kvPut } from './kv/put.js';
import { kvGet } from './kv/get.js';
import { kvList } from './kv/list.js';
import { kvDelete } from './kv/delete.js';
import { kvPatch } from './kv/patch.js';
import { kvUndelete } from './kv/undelete.js';
import { kvDestroy } from './kv/destroy.js';
import { kvRollback } from './kv/rollback.js';
import { kvEnableVersioning } from './kv/enable-versioning.js';
import { kvMetadataGet } from './kv/metadata/get.js';
import { kvMetadataPut } from './kv/metadata/put.js';
import { kvMetadataPatch } from './kv/metadata/patch.js';
import { kvMetadataDelete } from './kv/metadata/delete.js';
import { policyWrite } from './policy/write.js';
import { policyRead } from './policy/read.js';
import { policyList } from './policy/list.js';
import { policyDelete } from './policy/delete.js';
import { policyFmt } from './policy/fmt.js';
import { tokenCreate } from './token/create.js';
import { tokenLookup } from './token/lookup.js';
import { tokenRenew } from './token/renew.js';
import { tokenRevoke } from './token/revoke.js';
import { tokenCapabilities } from './token/capabilities.js';
import { secretsEnable } from './secrets/enable.js';
import { secretsDisable } from './secrets/disable.js';
import { secretsList } from './secrets/list.js';
import { secretsTune } from './secrets/tune.js';
import { secretsMove } from './secrets/move.js';
import { authEnable } from './auth/enable.js';
import { authDisable } from './auth/disable.js';
import { authList } from './auth/list.js';
import { authTune } from './auth/tune.js';
import { authHelp } from './auth/help.js';
import { leaseLookup } from './lease/lookup.js';
import { leaseRenew } from './lease/renew.js';
import { leaseRevoke } from './lease/revoke.js';
import { operatorInit } from './operator/init.js';
import { operatorUnseal } from './operator/unseal.js';
import { operatorSeal } from './operator/seal.js';
import { operatorRekey } from './operator/rekey.js';
import {
  operatorRaftAutopilotState,
  operatorRaftListPeers,
  operatorRaftSnapshotRestore,
  operatorRaftSnapshotSave,
} from './operator/raft.js';
import { auditEnable } from './audit/enable.js';
import { auditDisable } from './audit/disable.js';
import { auditList } from './audit/list.js';

export const COMMANDS: Command[] = [
  status,
  login,
  version,
  printToken,
  pathHelp,
  read,
  write,
  list,
  del,
  patch,
  kvPut,
  kvGet,
  kvList,
  kvDelete,
  kvPatch,
  kvUndelete,
  kvDestroy,
  kvRollback,
  kvEnableVersioning,
  kvMetadataGet,
  kvMetadataPut,
  kvMetadataPatch,
  kvMetadataDelete,
  policyWrite,
  policyRead,
  policyList,
  policyDelete,
  policyFmt,
  tokenCreate,
  tokenLookup,
  tokenRenew,
  tokenRevoke,
  tokenCapabilities,
  secretsEnable,
  secretsDisable,
  secretsList,
  secretsTune,
  secretsMove,
  authEnable,
  authDisable,
  authList,
  authTune,
  authHelp,
  leaseLookup,
  leaseRenew,
  leaseRevoke,
  unwrap,
  operatorInit,
  operatorUnseal,
  operatorSeal,
  operatorRekey,
  operatorRaftListPeers,
  operatorRaftSnapshotSave,
  operatorRaftSnapshotRestore,
  operatorRaftAutopilotState,
  auditEnable,
  auditDisable,
  auditList,
];

/** Help text of command groups (`vault kv`, `vault policy` …). */
export const GROUPS: Record<string, string> = {
  kv: "Interact with Vault's Key-Value storage",
  policy: 'Interact with policies',
  token: 'Interact with tokens',
  secrets: 'Interact with secrets engines',
  auth: 'Interact with auth methods',
  lease: 'Interact with leases',
  operator: 'Perform operator-specific tasks',
  'operator raft': "Interact with Vault's raft storage backend",
  'operator raft snapshot': 'Restores and saves snapshots from the Raft cluster',
  'operator raft autopilot': 'Manage and check the autopilot of the raft cluster',
  audit: 'Interact with audit devices',
  print: 'Prints runtime configurations',
  'kv metadata': "Interact with Vault's Key-Value storage",
};
