/**
 * sys/init, sys/unseal, sys/seal, sys/rotate, sys/key-status. Init and unseal answer
 * with bare objects (reference §3.4–3.5); a dev server has no seal and says so.
 */
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { unsupportedPath, userError, VaultError } from '../sdk/errors.js';
import { sealStatus } from './health.js';

const noSeal = () =>
  userError(
    'this server runs in dev mode and has no seal: start one with `vault-lab server -config=<file>` to practise init, unseal and seal',
  );

/** The initial root token, made while init holds the barrier open. */
async function makeRoot(host: SystemHost): Promise<string> {
  return (await host.tokens.create({ policies: ['root'], parent: '', path: 'auth/token/root', displayName: 'root' }))
    .entry.id;
}

const unsupported = (): never => {
  throw unsupportedPath();
};

export function sealPaths(host: SystemHost): PathDef[] {
  const sealOf = () => host.seal;
  return [
    {
      // Vault serves these while sealed; this engine has no rekey or generate-root yet (issue 20
      // adds them), so they answer 404 sealed or not, as they did before routing flags, never 503.
      pattern: '(?:generate-root|rekey).*',
      sealExempt: true,
      operations: {
        read: unsupported,
        list: unsupported,
        create: unsupported,
        update: unsupported,
        delete: unsupported,
        patch: unsupported,
      },
    },
    {
      pattern: 'init',
      sealExempt: true,
      synopsis: 'Initializes or returns the initialization status of the Vault.',
      fields: {
        secret_shares: { type: 'int' },
        secret_threshold: { type: 'int' },
        pgp_keys: { type: 'commaStringSlice' },
        root_token_pgp_key: { type: 'string' },
        recovery_shares: { type: 'int' },
        recovery_threshold: { type: 'int' },
        recovery_pgp_keys: { type: 'commaStringSlice' },
        stored_shares: { type: 'int' },
      },
      operations: {
        read: () => ({ bare: { initialized: host.initialized } }),
        update: async (req, d) => {
          const seal = sealOf();
          if (!seal) throw userError('Vault is already initialized');
          const recovery = ['recovery_shares', 'recovery_threshold', 'recovery_pgp_keys'].filter(
            (k) => req.data[k] !== undefined && req.data[k] !== 0 && req.data[k] !== null,
          );
          if (recovery.length) throw userError(`parameters ${recovery.join(',')} not applicable to seal type shamir`);
          if (d.get<string[]>('pgp_keys').length || d.get<string>('root_token_pgp_key'))
            throw userError(
              'PGP-encrypted unseal keys are not supported by vault-lab; omit pgp_keys and root_token_pgp_key',
            );
          const { keys, rootToken } = await seal.init(
            d.get<number>('secret_shares'),
            d.get<number>('secret_threshold'),
            () => makeRoot(host),
          );
          return {
            bare: {
              keys: keys.map((k) => k.toString('hex')),
              keys_base64: keys.map((k) => k.toString('base64')),
              root_token: rootToken,
            },
          };
        },
      },
    },
    {
      pattern: 'unseal',
      sealExempt: true,
      synopsis: 'Unseals the Vault.',
      fields: { key: { type: 'string' }, reset: { type: 'bool' }, migrate: { type: 'bool' } },
      operations: {
        update: async (_req, d) => {
          const key = d.get<string>('key');
          const reset = d.get<boolean>('reset');
          if (!key && !reset)
            throw userError("'key' must be specified in request body as JSON, or 'reset' set to true");
          if (!host.initialized) throw userError('Vault is not initialized');
          const seal = sealOf();
          if (seal) {
            if (reset) seal.reset();
            else await seal.submit(key);
          } else if (reset) {
            throw userError('vault is unsealed');
          }
          return { bare: sealStatus(host) };
        },
      },
    },
    {
      pattern: 'seal',
      sealExempt: true,
      synopsis: 'Seals the Vault.',
      operations: {
        update: async () => {
          const seal = sealOf();
          if (!seal) throw noSeal();
          await seal.seal();
          return undefined;
        },
      },
    },
    {
      pattern: 'rotate',
      injectTopLevel: true,
      synopsis: 'Rotates the backend encryption key used to persist data.',
      operations: {
        update: async () => {
          const seal = sealOf();
          if (!seal) throw noSeal();
          await seal.rotate();
          return undefined;
        },
      },
    },
    {
      pattern: 'key-status',
      injectTopLevel: true,
      synopsis: 'Provides information about the backend encryption key.',
      operations: {
        read: () => {
          const seal = sealOf();
          if (!seal) throw noSeal();
          if (seal.sealed) throw new VaultError(503, 'Vault is sealed');
          const t = seal.activeTerm();
          return { data: { term: t.term, install_time: new Date(t.installed).toISOString(), encryptions: 0 } };
        },
      },
    },
  ];
}
