/** `sign/<name>[/<hash>]`, `verify/<name>[/<hash>]`, `hmac/<name>[/<hash>]`. */
import crypto from 'node:crypto';
import { userError } from '../../sdk/errors.js';
import type { BackendRequest, PathDef } from '../../framework/backend.js';
import type { FieldData } from '../../framework/fields.js';
import { batchItems, itemField, mustKey, optB64, runBatch, type TransitCtx } from './common.js';
import type { TransitKey } from './key.js';
import { HASHES, type SignOptions } from './key-types.js';
import { decodeB64 } from './wire.js';

const NAME_ALG = '(?<name>[^/]+)(?:/(?<urlalgorithm>[^/]+))?';

const signFields = {
  input: { type: 'string' as const, description: 'Base64 input to sign or verify.' },
  hash_algorithm: {
    type: 'string' as const,
    default: 'sha2-256',
    aliases: ['algorithm'],
    description: 'sha1, sha2-224/256/384/512, sha3-224/256/384/512 or none.',
  },
  key_version: { type: 'int' as const, description: 'Version of the key to sign with; 0 = latest.' },
  context: { type: 'string' as const, description: 'Base64 context for derived ed25519 keys.' },
  prehashed: { type: 'bool' as const, description: 'The input is already a digest.' },
  signature_algorithm: { type: 'string' as const, default: 'pss', description: 'RSA: pss or pkcs1v15.' },
  salt_length: {
    type: 'string' as const,
    default: 'auto',
    description: 'RSA-PSS salt length: auto, hash or a number.',
  },
  marshaling_algorithm: { type: 'string' as const, default: 'asn1', description: 'asn1 or jws.' },
  batch_input: { type: 'any' as const },
  partial_failure_response_code: { type: 'int' as const },
};

function hashName(req: BackendRequest, d: FieldData, field = 'hash_algorithm'): string {
  const h = req.params.urlalgorithm ?? d.get<string>(field);
  if (h !== 'none' && !HASHES[h]) throw userError(`unsupported hash algorithm ${h}`);
  return h;
}

function options(req: BackendRequest, d: FieldData, k: TransitKey, over: Record<string, unknown> = {}): SignOptions {
  const marshaling = d.get<string>('marshaling_algorithm');
  if (marshaling !== 'asn1' && marshaling !== 'jws') throw userError(`invalid marshaling type ${marshaling}`);
  const context = optB64(over.context ?? d.get('context'), 'context');
  return {
    hash: hashName(req, d),
    prehashed: d.get<boolean>('prehashed'),
    algorithm: d.get<string>('signature_algorithm'),
    saltLength: d.get<string>('salt_length'),
    marshaling: k.type.startsWith('ecdsa-') || k.type.startsWith('rsa-') ? marshaling : 'asn1',
    context,
  };
}

export function signPaths(ctx: TransitCtx): PathDef[] {
  return [
    {
      pattern: `sign/${NAME_ALG}`,
      synopsis: 'Generate a signature for input data using the named key',
      fields: signFields,
      operations: {
        update: async (req, d) => {
          const k = await mustKey(ctx, req.params.name, 'signing key not found');
          const base = options(req, d, k);
          const items = batchItems(d);
          const one = (input: unknown, context: unknown, kv: number) => {
            const o = context === undefined ? base : { ...base, context: optB64(context, 'context') };
            const data = decodeB64(String(input ?? ''), 'input', 'unable to decode input as base64');
            const v = k.encryptionVersion(kv);
            const r = k.sign(v, data, o);
            const out: Record<string, unknown> = { signature: r.signature, key_version: v };
            if (r.publicKey) out.publickey = r.publicKey;
            return out;
          };
          if (items)
            return runBatch(items, d, (it) =>
              one(it.input, it.context, itemField<number>(it, 'key_version', { type: 'int' })),
            );
          return { data: one(d.get('input'), undefined, d.get<number>('key_version')) };
        },
      },
    },
    {
      pattern: `verify/${NAME_ALG}`,
      synopsis: 'Verify a signature or HMAC for input data created using the named key',
      fields: { ...signFields, signature: { type: 'string' }, hmac: { type: 'string' } },
      operations: {
        update: async (req, d) => {
          const k = await mustKey(ctx, req.params.name, 'signature verification key not found');
          const items = batchItems(d);
          const one = (input: unknown, signature: unknown, hmac: unknown, context: unknown) => {
            const sig = signature ? String(signature) : '';
            const mac = hmac ? String(hmac) : '';
            if ((sig && mac) || (!sig && !mac)) throw userError("provide one of 'signature' or 'hmac'");
            const data = decodeB64(String(input ?? ''), 'input', 'unable to decode input as base64');
            if (mac) return { valid: verifyHmac(k, hashName(req, d), mac, data) };
            const o = options(req, d, k, { context });
            return { valid: k.verify(sig, data, o) };
          };
          if (items)
            return runBatch(
              items,
              d,
              (it) => one(it.input, it.signature, it.hmac, it.context),
              (msg) => ({ valid: false, error: msg }),
            );
          return { data: one(d.get('input'), d.get('signature'), d.get('hmac'), undefined) };
        },
      },
    },
    {
      pattern: `hmac/${NAME_ALG}`,
      synopsis: 'Generate an HMAC for input data using the named key',
      fields: {
        input: { type: 'string' },
        algorithm: { type: 'string', default: 'sha2-256', aliases: ['hash_algorithm'] },
        key_version: { type: 'int' },
        batch_input: { type: 'any' },
        partial_failure_response_code: { type: 'int' },
      },
      operations: {
        update: async (req, d) => {
          const k = await mustKey(ctx, req.params.name, 'HMAC key not found');
          const alg = req.params.urlalgorithm ?? d.get<string>('algorithm');
          if (!HASHES[alg]) throw userError(`unsupported algorithm ${alg}`);
          const items = batchItems(d);
          const one = (input: unknown, kv: number) => {
            const data = decodeB64(String(input ?? ''), 'input', 'unable to decode input as base64');
            const v = hmacVersion(k, kv);
            return { hmac: k.hmac(v, alg, data) };
          };
          if (items)
            return runBatch(items, d, (it) => one(it.input, itemField<number>(it, 'key_version', { type: 'int' })));
          return { data: one(d.get('input'), d.get<number>('key_version')) };
        },
      },
    },
  ];
}

function hmacVersion(k: TransitKey, requested: number): number {
  if (!requested) return k.s.latest_version;
  if (requested > k.s.latest_version) throw userError('cannot use key version greater than the latest key version');
  if (requested < k.s.min_encryption_version)
    throw userError('cannot use key version lower than min encryption version');
  if (requested < Math.max(k.s.min_available_version, 1))
    throw userError('cannot use key version lower than min available version');
  return requested;
}

function verifyHmac(k: TransitKey, alg: string, mac: string, input: Buffer): boolean {
  if (alg === 'none') throw userError('unsupported algorithm none');
  if (!mac.startsWith('vault:')) throw userError('invalid HMAC to verify: no prefix');
  const parts = mac.split(':');
  if (parts.length !== 3) throw userError('invalid HMAC: wrong number of fields');
  if (!/^v\d+$/.test(parts[1])) throw userError('invalid HMAC: version number could not be decoded');
  const v = Math.max(1, parseInt(parts[1].slice(1), 10));
  k.checkDecryptionVersion(v, 'HMAC');
  const given = decodeB64(parts[2], 'HMAC');
  const want = crypto.createHmac(HASHES[alg], k.hmacKey(v)).update(input).digest();
  return given.length === want.length && crypto.timingSafeEqual(given, want);
}
