/**
 * The PKI secrets engine: an internal certificate authority. Root and intermediate CAs,
 * roles that say which names may be certified, issuance, revocation and CRLs. CA and CRL
 * bodies are served raw and without a token, like Vault.
 */
import type { Backend, BackendContext } from '../../framework/backend.js';
import { fetchPaths } from './fetch.js';
import { intermediatePaths } from './intermediate.js';
import { issuePaths } from './issue.js';
import { revokeCertificate, revokePaths } from './revoke.js';
import { rolePaths } from './roles.js';
import { rootPaths } from './root.js';
import { PkiStore } from './store.js';
import { urlPaths } from './urls.js';

export function pkiBackend(ctx: BackendContext): Backend {
  const store = new PkiStore(ctx.storage, ctx.clock);
  return {
    type: 'pki',
    kind: 'secret',
    help: 'The PKI backend issues X.509 certificates from roles, signs CSRs, and maintains revocation lists.',
    paths: [
      ...rootPaths(ctx, store),
      ...intermediatePaths(store),
      ...rolePaths(store),
      ...issuePaths(ctx, store),
      ...revokePaths(store, ctx.clock),
      ...urlPaths(store),
      ...fetchPaths(store),
    ],
    unauthenticated: ['cert/*', 'ca/pem', 'ca_chain', 'ca', 'crl/pem', 'crl'],
    rootPaths: ['root', 'root/sign-self-issued'],
    secrets: {
      // Leases exist only for roles with generate_lease; revoking the lease revokes the certificate.
      pki: {
        revoke: async (internal) => {
          await revokeCertificate(store, ctx.clock, String(internal.serial_number ?? ''), '').catch((e: unknown) => {
            if (!(e instanceof Error && /not found/.test(e.message))) throw e;
          });
        },
      },
    },
    invalidate: () => store.invalidate(),
  };
}
