/**
 * sys/rekey/init and sys/rekey/update: new unseal shares for the Shamir seal (reference
 * part 2 §7.1). Unauthenticated as in Vault CE; progress is kept in memory. PGP-encrypted
 * shares, backups and verification are not offered.
 */
import { randomUUID } from 'node:crypto';
import type { PathDef } from '../framework/backend.js';
import type { SealControl, SystemHost } from '../sdk/system-host.js';
import { userError } from '../sdk/errors.js';
import { checkGoStruct } from './go-json.js';

function status(seal: SealControl) {
  const st = seal.rekeyState;
  return {
    nonce: st?.nonce ?? '',
    started: !!st,
    t: st?.threshold ?? 0,
    n: st?.shares ?? 0,
    progress: st?.pending.length ?? 0,
    required: seal.info().t,
    pgp_fingerprints: null,
    backup: false,
    verification_required: false,
  };
}

export function rekeyPaths(host: SystemHost): PathDef[] {
  const need = (): SealControl => {
    if (!host.seal)
      throw userError('this server runs in dev mode and has no seal: rekeying needs `vault-lab server -config=<file>`');
    if (!host.initialized) throw userError('server is not yet initialized');
    return host.seal;
  };
  const any = { type: 'any' as const };
  return [
    {
      pattern: 'rekey/init',
      synopsis: 'Initializes or cancels a rekey of the unseal keys.',
      fields: {
        secret_shares: any,
        secret_threshold: any,
        pgp_keys: any,
        backup: any,
        require_verification: any,
        nonce: any,
      },
      operations: {
        read: () => ({ bare: status(need()) }),
        update: (req, d) => {
          checkGoStruct(req.data, 'RekeyRequest', {
            secret_shares: 'int',
            secret_threshold: 'int',
            stored_shares: 'int',
            pgp_keys: '[]string',
            backup: 'bool',
            require_verification: 'bool',
          });
          const seal = need();
          if (d.get<string[] | null>('pgp_keys')?.length)
            throw userError('PGP-encrypted unseal keys are not supported by vault-lab; omit pgp_keys');
          if (d.get<boolean | null>('backup'))
            throw userError('cannot request a backup of the new keys without providing PGP keys for encryption');
          if (d.get<boolean | null>('require_verification'))
            throw userError('rekey verification is not supported by vault-lab; omit require_verification');
          seal.rekeyInit(
            d.get<number | null>('secret_shares') ?? 0,
            d.get<number | null>('secret_threshold') ?? 0,
            randomUUID(),
          );
          return { bare: status(seal) };
        },
        delete: () => {
          need().rekeyCancel();
          return undefined;
        },
      },
    },
    {
      pattern: 'rekey/update',
      synopsis: 'Provides a current unseal key to the rekey in progress.',
      fields: { key: any, nonce: any },
      operations: {
        update: async (req, d) => {
          checkGoStruct(req.data, 'RekeyUpdateRequest', { key: 'string', nonce: 'string' });
          const seal = need();
          const key = d.get<string | null>('key') ?? '';
          if (!key) throw userError("'key' must be specified in request body as JSON");
          const nonce = d.get<string | null>('nonce') ?? '';
          const keys = await seal.rekeyUpdate(key, nonce);
          if (!keys) return { bare: status(seal) };
          return {
            bare: {
              complete: true,
              keys: keys.map((k) => k.toString('hex')),
              keys_base64: keys.map((k) => k.toString('base64')),
              nonce,
              pgp_fingerprints: null,
              backup: false,
              verification_required: false,
            },
          };
        },
      },
    },
  ];
}
