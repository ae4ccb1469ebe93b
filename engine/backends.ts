/**
 * The backend catalog: mount type → factory. One line per secrets engine or auth
 * method; `startEngine` mounts from here. (kv, cubbyhole and token are built in.)
 * Each is loaded on first mount, so an engine that never mounts PKI never loads x509.
 */
import type { Backend, BackendContext, BackendFactory } from './framework/backend.js';

const lazy = (load: () => Promise<(ctx: BackendContext) => Backend | Promise<Backend>>): BackendFactory => async (ctx) => (await load())(ctx);

export const CATALOG: Record<string, BackendFactory> = {
  database: lazy(async () => (await import('./secrets/database/index.js')).databaseBackend),
  transit: lazy(async () => (await import('./secrets/transit/index.js')).transitBackend),
  pki: lazy(async () => (await import('./secrets/pki/index.js')).pkiBackend),
  userpass: lazy(async () => (await import('./auth/userpass/index.js')).userpassBackend),
  approle: lazy(async () => (await import('./auth/approle/index.js')).approleBackend),
  kubernetes: lazy(async () => (await import('./auth/kubernetes/index.js')).kubernetesBackend),
};
