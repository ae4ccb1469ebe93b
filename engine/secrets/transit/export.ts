/** `export/<type>/<name>[/<version>]`, `backup/<name>`, `restore[/<name>]`. */
import { notFound, userError } from '../../sdk/errors.js';
import { rfc3339Nano } from '../../sdk/ids.js';
import type { Clock } from '../../sdk/clock.js';
import type { PathDef } from '../../framework/backend.js';
import type { TransitCtx } from './common.js';
import { TransitKey } from './key.js';
import { KEY_TYPES, type StoredKey } from './key-types.js';
import { decodeB64 } from './wire.js';

const EXPORT_TYPES = ['encryption-key', 'signing-key', 'hmac-key', 'public-key'];

export function exportPaths(ctx: TransitCtx, clock: Clock): PathDef[] {
  return [
    {
      pattern: 'export/(?<type>[^/]+)/(?<name>[^/]+)(?:/(?<version>[^/]+))?',
      synopsis: 'Export named encryption or signing key',
      operations: {
        read: async (req) => {
          const { type, name, version } = req.params;
          if (!EXPORT_TYPES.includes(type)) throw userError(`invalid export type: ${type}`);
          const k = await ctx.keys.get(name);
          if (!k) throw notFound();
          if (type !== 'public-key' && !k.s.exportable) throw userError('private key material is not exportable');
          let versions: number[];
          if (version === undefined)
            versions = Object.keys(k.s.keys)
              .map(Number)
              .sort((a, b) => a - b);
          else if (version === 'latest') versions = [k.s.latest_version];
          else {
            if (!/^\d+$/.test(version)) throw userError('version must be a number or "latest"');
            const v = Number(version);
            if (!k.s.keys[String(v)]) throw userError('version does not exist or cannot be found');
            versions = [v];
          }
          const keys: Record<string, string> = {};
          for (const v of versions) keys[String(v)] = k.exportKey(type, v);
          return { data: { name: k.name, type: k.type, keys } };
        },
      },
    },
    {
      pattern: 'backup/(?<name>[^/]+)',
      synopsis: 'Backup the named key',
      operations: {
        read: async (req) =>
          ctx.keys.locked(req.params.name, async () => {
            const k = await ctx.keys.get(req.params.name);
            if (!k) throw userError(`key "${req.params.name}" not found`);
            if (!k.s.exportable || !k.s.allow_plaintext_backup)
              throw userError('plaintext backup is disallowed on the policy');
            k.s.backup_info = { time: rfc3339Nano(clock.nowMs()), version: k.s.latest_version };
            await ctx.keys.save(k);
            const blob = Buffer.from(JSON.stringify({ policy: k.s })).toString('base64');
            return { data: { backup: blob } };
          }),
      },
    },
    {
      pattern: 'restore(?:/(?<name>[^/]+))?',
      synopsis: 'Restore the named key',
      fields: {
        backup: { type: 'string', description: 'The base64 blob from backup/<name>.' },
        name: { type: 'string', description: 'Restore under this name instead of the original one.' },
        force: { type: 'bool', description: 'Overwrite an existing key of that name.' },
      },
      operations: {
        update: async (req, d) => {
          const blob = d.get<string>('backup');
          if (!blob) throw userError("'backup' must be supplied");
          let s: StoredKey;
          try {
            const parsed = JSON.parse(decodeB64(blob, 'backup', 'failed to base64-decode backup').toString('utf8')) as {
              policy?: StoredKey;
            };
            if (
              !parsed.policy ||
              !(KEY_TYPES as readonly string[]).includes(parsed.policy.type) ||
              typeof parsed.policy.keys !== 'object'
            )
              throw new Error('bad');
            s = parsed.policy;
          } catch (e) {
            if (e instanceof Error && e.message !== 'bad' && 'status' in e) throw e;
            throw userError('failed to restore the policy: the backup is not a transit key backup');
          }
          const name = req.params.name ?? (d.get<string>('name') || s.name);
          if (name.includes('/')) throw userError('key name cannot contain a slash');
          return ctx.keys.locked(name, async () => {
            if ((await ctx.keys.get(name)) && !d.get<boolean>('force')) throw userError(`key "${name}" already exists`);
            s.name = name;
            s.restore_info = { time: rfc3339Nano(clock.nowMs()), version: s.latest_version };
            await ctx.keys.save(new TransitKey(s));
          });
        },
      },
    },
  ];
}
