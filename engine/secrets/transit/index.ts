/**
 * The transit secrets engine: encryption as a service. Keys never leave the engine
 * unless marked exportable; callers send base64 data and get `vault:v<N>:` texts back.
 */
import type { Backend, BackendContext } from '../../framework/backend.js';
import { encryptPaths } from './encrypt.js';
import { exportPaths } from './export.js';
import { KeyStore } from './store.js';
import { keyPaths } from './keys.js';
import { signPaths } from './sign.js';
import { toolPaths } from './tools.js';

export function transitBackend(ctx: BackendContext): Backend {
  const keys = new KeyStore(ctx.storage, ctx.clock);
  const tctx = { keys };
  return {
    type: 'transit',
    kind: 'secret',
    help: 'The transit backend encrypts and decrypts data in transit, signs and verifies it, and computes HMACs, without storing the data.',
    paths: [
      ...keyPaths(tctx, ctx.clock),
      ...encryptPaths(tctx),
      ...signPaths(tctx),
      ...exportPaths(tctx, ctx.clock),
      ...toolPaths(),
    ],
    invalidate: () => keys.invalidate(),
  };
}
