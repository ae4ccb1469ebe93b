/**
 * sys/init, sys/unseal, sys/seal, sys/rotate, sys/key-status. Init and unseal answer
 * with bare objects (reference §3.4–3.5); a dev server has no seal and says so.
 */
import type { PathDef } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { unsupportedPath, userError, VaultError } from '../sdk/errors.js';
import { checkGoStruct } from './go-json.js';
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
      // Vault serves these while sealed; this engine has no generate-root yet (issue 20 adds
      // it), so it answers 404 sealed or not, as it did before routing flags, never 503.
      // sys/rekey/init and sys/rekey/update live in rekey.ts; other rekey paths stay 404.
      pattern: '(?:generate-root.*|rekey(?!/(?:init|update)$).*)',
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
      // Typed by checkGoStruct (Vault decodes this body into a Go struct).
      fields: {
        secret_shares: { type: 'any' },
        secret_threshold: { type: 'any' },
        pgp_keys: { type: 'any' },
        root_token_pgp_key: { type: 'any' },
        recovery_shares: { type: 'any' },
        recovery_threshold: { type: 'any' },
        recovery_pgp_keys: { type: 'any' },
        stored_shares: { type: 'any' },
      },
      operations: {
        read: () => ({ bare: { initialized: host.initialized } }),
        update: async (req, d) => {
          checkGoStruct(req.data, 'InitRequest', {
            secret_shares: 'int',
            secret_threshold: 'int',
            stored_shares: 'int',
            pgp_keys: '[]string',
            recovery_shares: 'int',
            recovery_threshold: 'int',
            recovery_pgp_keys: '[]string',
            root_token_pgp_key: 'string',
          });
          const seal = sealOf();
          if (!seal) throw userError('Vault is already initialized');
          const recovery = ['recovery_shares', 'recovery_threshold', 'recovery_pgp_keys'].filter(
            (k) => req.data[k] !== undefined && req.data[k] !== 0 && req.data[k] !== null,
          );
          if (recovery.length) throw userError(`parameters ${recovery.join(',')} not applicable to seal type shamir`);
          if (d.get<string[] | null>('pgp_keys')?.length || d.get<string | null>('root_token_pgp_key'))
            throw userError(
              'PGP-encrypted unseal keys are not supported by vault-lab; omit pgp_keys and root_token_pgp_key',
            );
          const { keys, rootToken } = await seal.init(
            d.get<number | null>('secret_shares') ?? 0,
            d.get<number | null>('secret_threshold') ?? 0,
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
      fields: { key: { type: 'any' }, reset: { type: 'any' }, migrate: { type: 'any' } },
      operations: {
        update: async (req, d) => {
          checkGoStruct(req.data, 'UnsealRequest', { key: 'string', reset: 'bool', migrate: 'bool' });
          const key = d.get<string | null>('key') ?? '';
          const reset = d.get<boolean | null>('reset') ?? false;
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
