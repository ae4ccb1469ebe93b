/**
 * The SSH secrets engine in CA mode: a certificate authority for OpenSSH. Hosts trust its
 * public key (`TrustedUserCAKeys`), users send their public key and get back a short-lived
 * certificate naming who they may log in as — no keys copied into authorized_keys.
 */
import type { Backend, BackendContext } from '../../framework/backend.js';
import { configPaths } from './config.js';
import { rolePaths } from './roles.js';
import { signPaths } from './sign.js';
import { SshStore } from './store.js';

export function sshBackend(ctx: BackendContext): Backend {
  const store = new SshStore(ctx.storage);
  return {
    type: 'ssh',
    kind: 'secret',
    help: 'The SSH backend signs SSH public keys into OpenSSH certificates under roles.',
    paths: [...configPaths(store), ...rolePaths(store), ...signPaths(ctx, store)],
    unauthenticated: ['public_key'],
    invalidate: () => store.invalidate(),
  };
}
