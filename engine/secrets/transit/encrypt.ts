/** `encrypt/<name>` (with upsert), `decrypt/<name>`, `rewrap/<name>`, `datakey/<type>/<name>`. */
import crypto from 'node:crypto';
import { userError } from '../../sdk/errors.js';
import type { BackendRequest, PathDef } from '../../framework/backend.js';
import type { FieldData } from '../../framework/fields.js';
import { batchItems, itemField, mustKey, optB64, runBatch, type TransitCtx } from './common.js';
import type { TransitKey } from './key.js';
import { validateCreate } from './key-types.js';
import { decodeB64 } from './wire.js';

const NAME = '(?<name>[^/]+)';

const commonFields = {
  context: { type: 'string' as const, description: 'Base64 context for key derivation.' },
  nonce: { type: 'string' as const, description: 'Base64 nonce (convergent encryption only).' },
  associated_data: { type: 'string' as const, description: 'Base64 additional authenticated data (AEAD keys).' },
  batch_input: { type: 'any' as const, description: 'A list of items to process in one request.' },
  partial_failure_response_code: {
    type: 'int' as const,
    description: 'Status to answer when only some batch items failed.',
  },
};

export function encryptPaths(ctx: TransitCtx): PathDef[] {
  return [
    {
      pattern: `encrypt/${NAME}`,
      synopsis: 'Encrypt a plaintext value or a batch of plaintext blocks using a named key',
      fields: {
        plaintext: { type: 'string', description: 'Base64 plaintext to encrypt.' },
        key_version: { type: 'int', description: 'Version of the key to use; 0 = latest.' },
        type: { type: 'string', default: 'aes256-gcm96', description: 'Key type if the key is created on the fly.' },
        convergent_encryption: { type: 'bool', description: 'Convergent encryption if the key is created on the fly.' },
        ...commonFields,
      },
      existenceCheck: async (req) => !!(await ctx.keys.get(req.params.name)),
      operations: {
        create: (req, d) => encrypt(req, d, true),
        update: (req, d) => encrypt(req, d, false),
      },
    },
    {
      pattern: `decrypt/${NAME}`,
      synopsis: 'Decrypt a ciphertext value using a named key',
      fields: { ciphertext: { type: 'string', description: 'The ciphertext, `vault:v<N>:…`.' }, ...commonFields },
      operations: {
        update: async (req, d) => {
          const k = await mustKey(ctx, req.params.name);
          const items = batchItems(d);
          const one = (c: unknown, context: unknown, aad: unknown) => {
            if (c === undefined || c === '') throw userError('missing ciphertext to decrypt');
            return {
              plaintext: k
                .decrypt(String(c), { context: optB64(context, 'context'), aad: optB64(aad, 'associated_data') })
                .plaintext.toString('base64'),
            };
          };
          if (items) return runBatch(items, d, (it) => one(it.ciphertext, it.context, it.associated_data));
          return {
            data: one(
              d.has('ciphertext') ? d.get<string>('ciphertext') : undefined,
              d.get('context'),
              d.get('associated_data'),
            ),
          };
        },
      },
    },
    {
      pattern: `rewrap/${NAME}`,
      synopsis: 'Rewrap ciphertext with the latest (or a given) version of the key',
      fields: { ciphertext: { type: 'string' }, key_version: { type: 'int' }, ...commonFields },
      operations: {
        update: async (req, d) => {
          const k = await mustKey(ctx, req.params.name);
          const items = batchItems(d);
          const one = (c: unknown, context: unknown, aad: unknown, kv: number) => {
            if (c === undefined || c === '') throw userError('missing ciphertext to decrypt');
            const ctxBuf = optB64(context, 'context');
            const aadBuf = optB64(aad, 'associated_data');
            const { plaintext } = k.decrypt(String(c), { context: ctxBuf, aad: aadBuf });
            const v = k.encryptionVersion(kv);
            return { ciphertext: k.encrypt(v, plaintext, { context: ctxBuf, aad: aadBuf }), key_version: v };
          };
          if (items)
            return runBatch(items, d, (it) =>
              one(it.ciphertext, it.context, it.associated_data, itemField<number>(it, 'key_version', { type: 'int' })),
            );
          return {
            data: one(
              d.has('ciphertext') ? d.get<string>('ciphertext') : undefined,
              d.get('context'),
              d.get('associated_data'),
              d.get<number>('key_version'),
            ),
          };
        },
      },
    },
    {
      pattern: `datakey/(?<plaintext>[^/]+)/${NAME}`,
      synopsis: 'Generate a data key',
      fields: {
        bits: { type: 'int', default: 256, description: 'Size of the data key: 128, 256 or 512.' },
        context: commonFields.context,
        nonce: commonFields.nonce,
        key_version: { type: 'int' },
      },
      operations: {
        update: async (req, d) => {
          const mode = req.params.plaintext;
          if (mode !== 'plaintext' && mode !== 'wrapped')
            throw userError("Invalid path, must be 'plaintext' or 'wrapped'");
          const bits = d.get<number>('bits');
          if (![128, 256, 512].includes(bits)) throw userError('invalid bits length');
          const k = await mustKey(ctx, req.params.name);
          const key = crypto.randomBytes(bits / 8);
          const v = k.encryptionVersion(d.get<number>('key_version'));
          const ciphertext = k.encrypt(v, key, {
            context: optB64(d.get('context'), 'context'),
            nonce: optB64(d.get('nonce'), 'nonce'),
          });
          const data: Record<string, unknown> = { ciphertext, key_version: v };
          if (mode === 'plaintext') data.plaintext = key.toString('base64');
          return { data };
        },
      },
    },
  ];

  async function encrypt(req: BackendRequest, d: FieldData, mayCreate: boolean) {
    const name = req.params.name;
    const items = batchItems(d);
    let k = await ctx.keys.get(name);
    if (!k) {
      if (!mayCreate) throw userError('encryption key not found');
      if ((await ctx.keys.config()).disable_upsert)
        throw userError(`encryption key not found and upsert is disabled; create the key ${name} first`);
      const hasContext = items ? items.some((it) => it.context) : !!d.get<string>('context');
      const convergent = d.get<boolean>('convergent_encryption');
      const type = validateCreate(d.get<string>('type'), hasContext, convergent, 0, 0);
      k = await ctx.keys.locked(
        name,
        async () => (await ctx.keys.get(name)) ?? ctx.keys.create(name, { type, derived: hasContext, convergent }),
      );
    }
    const key: TransitKey = k;
    const one = (pt: unknown, context: unknown, nonce: unknown, aad: unknown, kv: number) => {
      if (pt === undefined || pt === null) throw userError('missing plaintext to encrypt');
      const plaintext = decodeB64(String(pt), 'plaintext', 'failed to base64-decode plaintext');
      const v = key.encryptionVersion(kv);
      return {
        ciphertext: key.encrypt(v, plaintext, {
          context: optB64(context, 'context'),
          nonce: optB64(nonce, 'nonce'),
          aad: optB64(aad, 'associated_data'),
        }),
        key_version: v,
      };
    };
    if (items) {
      return runBatch(items, d, (it) =>
        one(
          it.plaintext,
          it.context,
          it.nonce,
          it.associated_data,
          itemField<number>(it, 'key_version', { type: 'int' }),
        ),
      );
    }
    return {
      data: one(
        d.has('plaintext') ? d.get<string>('plaintext') : undefined,
        d.get('context'),
        d.get('nonce'),
        d.get('associated_data'),
        d.get<number>('key_version'),
      ),
    };
  }
}
