/**
 * `keys/<name>` (create, read, list, delete), `keys/<name>/config`, `keys/<name>/rotate`,
 * `keys/<name>/trim` and `config/keys`.
 */
import type { Clock } from '../../sdk/clock.js';
import { notFound, userError } from '../../sdk/errors.js';
import type { PathDef } from '../../framework/backend.js';
import type { TransitCtx } from './common.js';
import { validateCreate } from './key-types.js';

const NAME = '(?<name>[^/]+)';

export function keyPaths(ctx: TransitCtx, clock: Clock): PathDef[] {
  return [
    {
      pattern: 'keys/?',
      synopsis: 'Managed named encryption keys',
      operations: {
        list: async () => {
          const keys = await ctx.keys.list();
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
      },
    },
    {
      pattern: `keys/${NAME}`,
      synopsis: 'Managed a named encryption key',
      fields: {
        type: { type: 'string', default: 'aes256-gcm96', description: 'The type of key to create.' },
        derived: {
          type: 'bool',
          description: 'Enables key derivation; a context is then required on every operation.',
        },
        convergent_encryption: {
          type: 'bool',
          description: 'Same plaintext and context give the same ciphertext (needs derived).',
        },
        exportable: { type: 'bool', description: 'Allows the key material to be exported.' },
        allow_plaintext_backup: { type: 'bool', description: 'Allows a plaintext backup of the key.' },
        key_size: { type: 'int', description: 'HMAC key size in bytes (32–512).' },
        auto_rotate_period: {
          type: 'duration',
          description: 'Rotate automatically after this long (0 = never, else at least 1h).',
        },
        context: { type: 'string' },
      },
      existenceCheck: async (req) => !!(await ctx.keys.get(req.params.name)),
      operations: {
        read: async (req) => {
          const k = await ctx.keys.get(req.params.name);
          if (!k) throw notFound();
          return { data: k.body() };
        },
        create: async (req, d) => write(req.params.name, d),
        update: async (req, d) => write(req.params.name, d),
        delete: async (req) => {
          const name = req.params.name;
          await ctx.keys.locked(name, async () => {
            const k = await ctx.keys.get(name);
            if (!k) throw userError(`error deleting policy ${name}: could not delete key; not found`);
            if (!k.s.deletion_allowed)
              throw userError(`error deleting policy ${name}: deletion is not allowed for this key`);
            await ctx.keys.delete(name);
          });
        },
      },
    },
    {
      pattern: `keys/${NAME}/config`,
      synopsis: 'Configure a named encryption key',
      fields: {
        min_decryption_version: { type: 'int', description: 'Oldest version that may still decrypt (and verify).' },
        min_encryption_version: { type: 'int', description: 'Oldest version that may encrypt or sign; 0 = latest.' },
        deletion_allowed: { type: 'bool', description: 'Whether the key may be deleted.' },
        exportable: { type: 'bool', description: 'Enables export; cannot be turned off again.' },
        allow_plaintext_backup: { type: 'bool', description: 'Enables plaintext backup; cannot be turned off again.' },
        auto_rotate_period: { type: 'duration', description: 'Rotate automatically after this long (0 = never).' },
      },
      operations: {
        update: async (req, d) =>
          ctx.keys.locked(req.params.name, async () => {
            const k = await ctx.keys.get(req.params.name);
            if (!k) throw userError('no existing key named ' + req.params.name + ' could be found');
            const s = { ...k.s };
            const warnings: string[] = [];
            if (d.has('min_decryption_version')) {
              let v = d.get<number>('min_decryption_version');
              if (v < 0) throw userError('min decryption version cannot be negative');
              if (v === 0) {
                v = 1;
                warnings.push('since Vault 0.3, transit key numbering starts at 1; forcing minimum to 1');
              }
              if (v > s.latest_version)
                throw userError(`cannot set min decryption version of ${v}, latest key version is ${s.latest_version}`);
              if (v < s.min_available_version)
                throw userError(
                  `cannot set min decryption version of ${v}, versions below ${s.min_available_version} have been trimmed`,
                );
              s.min_decryption_version = v;
            }
            if (d.has('min_encryption_version')) {
              const v = d.get<number>('min_encryption_version');
              if (v < 0) throw userError('min encryption version cannot be negative');
              if (v > s.latest_version)
                throw userError(`cannot set min encryption version of ${v}, latest key version is ${s.latest_version}`);
              s.min_encryption_version = v;
            }
            if (s.min_encryption_version > 0 && s.min_encryption_version < s.min_decryption_version) {
              throw userError(
                `min encryption version ${s.min_encryption_version} must be greater than or equal to min decryption version ${s.min_decryption_version}`,
              );
            }
            if (d.has('deletion_allowed')) s.deletion_allowed = d.get<boolean>('deletion_allowed');
            if (d.has('exportable')) {
              const v = d.get<boolean>('exportable');
              if (s.exportable && !v) throw userError('exportability cannot be disabled after enabling');
              s.exportable = v;
            }
            if (d.has('allow_plaintext_backup')) {
              const v = d.get<boolean>('allow_plaintext_backup');
              if (s.allow_plaintext_backup && !v)
                throw userError('allow_plaintext_backup cannot be disabled after enabling');
              s.allow_plaintext_backup = v;
            }
            if (d.has('auto_rotate_period')) {
              const p = d.get<number>('auto_rotate_period');
              if (p !== 0 && p < 3600) throw userError('auto rotate period must be 0 to disable or at least an hour');
              s.auto_rotate_period = p;
            }
            Object.assign(k.s, s);
            await ctx.keys.save(k);
            return { data: k.body(), warnings };
          }),
      },
    },
    {
      pattern: `keys/${NAME}/rotate`,
      synopsis: 'Rotate a named encryption key',
      operations: {
        update: async (req) =>
          ctx.keys.locked(req.params.name, async () => {
            const k = await ctx.keys.get(req.params.name);
            if (!k) throw userError('key not found');
            await k.addVersion(clock);
            await ctx.keys.save(k);
            return { data: k.body() };
          }),
      },
    },
    {
      pattern: `keys/${NAME}/trim`,
      synopsis: 'Trim key versions of a named key',
      fields: {
        min_available_version: { type: 'int', required: true, description: 'Versions below this are deleted forever.' },
      },
      operations: {
        update: async (req, d) =>
          ctx.keys.locked(req.params.name, async () => {
            const k = await ctx.keys.get(req.params.name);
            if (!k) throw userError('invalid key name');
            const s = k.s;
            const v = d.get<number>('min_available_version');
            if (v <= 0) throw userError('minimum available version should be positive');
            if (v < s.min_available_version)
              throw userError('minimum available version cannot be less than the current minimum available version');
            if (v > s.min_decryption_version)
              throw userError('minimum available version cannot be greater than minimum decryption version');
            if (s.min_encryption_version === 0)
              throw userError(
                'minimum encryption version should not be zero; set min_encryption_version before trimming',
              );
            if (v > s.min_encryption_version)
              throw userError('minimum available version cannot be greater than minimum encryption version');
            for (const ver of Object.keys(s.keys)) if (Number(ver) < v) delete s.keys[ver];
            s.min_available_version = v;
            k.forget();
            await ctx.keys.save(k);
            return { data: k.body() };
          }),
      },
    },
    {
      pattern: 'config/keys',
      synopsis: 'Configuration common across all keys',
      fields: { disable_upsert: { type: 'bool', description: 'Refuse to create keys on first encrypt.' } },
      operations: {
        read: async () => ({ data: await ctx.keys.config() }),
        update: async (_req, d) => {
          const c = await ctx.keys.config();
          if (d.has('disable_upsert')) c.disable_upsert = d.get<boolean>('disable_upsert');
          await ctx.keys.setConfig(c);
          return { data: c };
        },
      },
    },
  ];

  async function write(name: string, d: import('../../framework/fields.js').FieldData) {
    return ctx.keys.locked(name, async () => {
      const existing = await ctx.keys.get(name);
      if (existing) return { data: existing.body(), warnings: [`key ${name} already existed`] };
      const type = validateCreate(
        d.get<string>('type'),
        d.get<boolean>('derived'),
        d.get<boolean>('convergent_encryption'),
        d.get<number>('key_size'),
        d.get<number>('auto_rotate_period'),
      );
      const k = await ctx.keys.create(name, {
        type,
        derived: d.get<boolean>('derived'),
        convergent: d.get<boolean>('convergent_encryption'),
        exportable: d.get<boolean>('exportable'),
        allowPlaintextBackup: d.get<boolean>('allow_plaintext_backup'),
        keySize: d.get<number>('key_size'),
        autoRotatePeriod: d.get<number>('auto_rotate_period'),
      });
      return { data: k.body() };
    });
  }
}
