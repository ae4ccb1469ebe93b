/**
 * The backend catalog: mount type → factory. One line per secrets engine or auth
 * method; `startEngine` mounts from here. (kv, cubbyhole and token are built in.)
 */
import type { BackendFactory } from './framework/backend.js';
import { databaseBackend } from './secrets/database/index.js';
import { transitBackend } from './secrets/transit/index.js';
import { pkiBackend } from './secrets/pki/index.js';
import { userpassBackend } from './auth/userpass/index.js';
import { approleBackend } from './auth/approle/index.js';
import { kubernetesBackend } from './auth/kubernetes/index.js';

export const CATALOG: Record<string, BackendFactory> = {
  database: databaseBackend,
  transit: transitBackend,
  pki: pkiBackend,
  userpass: userpassBackend,
  approle: approleBackend,
  kubernetes: kubernetesBackend,
};
