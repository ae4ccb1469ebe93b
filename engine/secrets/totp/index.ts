/**
 * The TOTP secrets engine: keys generated here (with an otpauth:// URL and a QR code for an
 * authenticator app) or imported from one, codes generated (generator mode) and validated,
 * each validated code refused a second time while it could still be valid.
 */
import crypto from 'node:crypto';
import { notFound, userError } from '../../sdk/errors.js';
import type { Backend, BackendContext, PathDef } from '../../framework/backend.js';
import type { FieldData } from '../../framework/fields.js';
import { type Algorithm, base32Decode, base32Encode, keyUrl, totp, validate } from './otp.js';
import { qrPng } from './png.js';
import { encodeQr } from './qr.js';

interface TotpKey {
  key: string;
  issuer: string;
  account_name: string;
  period: number;
  algorithm: Algorithm;
  digits: number;
  skew: number;
}

const KEY_FIELDS = {
  generate: { type: 'bool', default: false, description: 'Generate the key here (else import key= or url=).' },
  exported: { type: 'bool', default: true, description: 'Return the URL and barcode of a generated key.' },
  key_size: { type: 'int', default: 20, description: 'Bytes of a generated key.' },
  url: { type: 'string', default: '' },
  key: { type: 'string', default: '' },
  issuer: { type: 'string', default: '' },
  account_name: { type: 'string', default: '' },
  period: { type: 'duration', default: 30 },
  algorithm: { type: 'string', default: 'SHA1', description: 'SHA1, SHA256 or SHA512.' },
  digits: { type: 'int', default: 6, description: '6 or 8.' },
  skew: { type: 'int', default: 1, description: 'Steps either side accepted: 0 or 1.' },
  qr_size: { type: 'int', default: 200, description: 'Barcode size in pixels; 0 = none.' },
} as const;

/** Reads the url= field into issuer, account and the rest (query values override the path). */
function fromUrl(text: string, k: Record<string, unknown>) {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw userError('an error occurred while parsing url string');
  }
  const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const i = path.indexOf(':');
  if (i === -1) k.account_name = path;
  else {
    k.issuer = path.slice(0, i);
    k.account_name = path.slice(i + 1);
  }
  const q = u.searchParams;
  if (q.get('issuer')) k.issuer = q.get('issuer');
  if (q.get('secret')) k.key = q.get('secret');
  for (const f of ['period', 'digits'] as const) {
    const v = q.get(f);
    if (!v) continue;
    if (!/^[+-]?\d+$/.test(v)) throw userError(`an error occurred while parsing ${f} value in url`);
    k[f] = Number(v);
  }
  if (q.get('algorithm')) k.algorithm = q.get('algorithm');
}

export function totpBackend(ctx: BackendContext): Backend {
  const storage = ctx.storage;
  // Every submitted code, valid or not, until it can no longer be valid. Vault keeps them in
  // memory; here they live in the mount's storage (as hashes), so a lab's step reset, which
  // restores storage and rebuilds the backends, puts back exactly the codes seen before it.
  const usedKey = (name: string, code: string) =>
    `used/${name}/${crypto.createHash('sha256').update(code).digest('hex')}`;
  const sweep = async (name: string, now: number) => {
    for (const k of await storage.list(`used/${name}/`)) {
      const e = await storage.getJSON<{ until: number }>(`used/${name}/${k}`);
      if (!e || e.until <= now) await storage.delete(`used/${name}/${k}`);
    }
  };

  const write = async (name: string, d: FieldData) => {
    const generate = d.get<boolean>('generate');
    const k: Record<string, unknown> = {
      key: d.get('key'),
      issuer: d.get('issuer'),
      account_name: d.get('account_name'),
      period: d.get('period'),
      algorithm: d.get('algorithm'),
      digits: d.get('digits'),
      skew: d.get('skew'),
    };
    const url = d.get<string>('url');
    if (generate) {
      if (k.key) throw userError('a key should not be passed if generate is true');
      if (url) throw userError('a url should not be passed if generate is true');
    }
    if (url) fromUrl(url, k);
    if (k.digits !== 6 && k.digits !== 8) throw userError('the digits value can only be 6 or 8');
    if (!['SHA1', 'SHA256', 'SHA512'].includes(String(k.algorithm)))
      throw userError('the algorithm value is not valid');
    if (Number(k.period) <= 0) throw userError('the period value must be greater than zero');
    if (k.skew !== 0 && k.skew !== 1) throw userError('the skew value must be 0 or 1');
    const qrSize = d.get<number>('qr_size');
    if (qrSize < 0) throw userError('the qr_size value must be greater than or equal to zero');
    const keySize = d.get<number>('key_size');
    if (keySize <= 0) throw userError('the key_size value must be greater than zero');
    let data: Record<string, unknown> | undefined;
    if (generate) {
      if (!k.account_name) throw userError('the account_name value is required for generated keys');
      if (!k.issuer) throw userError('the issuer value is required for generated keys');
      k.key = base32Encode(crypto.randomBytes(keySize));
      if (d.get<boolean>('exported')) {
        data = { url: keyUrl(k as unknown as TotpKey) };
        if (qrSize > 0) {
          try {
            data.barcode = qrPng(encodeQr(data.url as string, 'M'), qrSize).toString('base64');
          } catch (e) {
            throw userError(`an error occurred while generating a barcode: ${(e as Error).message}`);
          }
        }
      }
    } else {
      if (!k.key) throw userError('the key value is required');
      try {
        base32Decode(String(k.key));
      } catch (e) {
        throw userError(`invalid key value: ${(e as Error).message}`);
      }
    }
    await storage.putJSON(`key/${name}`, k);
    return data ? { data } : undefined;
  };

  const paths: PathDef[] = [
    {
      pattern: 'keys/?',
      synopsis: 'List the TOTP keys.',
      operations: {
        list: async () => {
          const keys = (await storage.list('key/')).filter((x) => !x.endsWith('/'));
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
      },
    },
    {
      pattern: 'keys/(?<name>[^/]+)',
      synopsis: 'Create (generate or import), read or delete a TOTP key.',
      fields: KEY_FIELDS,
      operations: {
        read: async (req) => {
          const k = await storage.getJSON<TotpKey>(`key/${req.params.name}`);
          if (!k) throw notFound();
          const { issuer, account_name, period, algorithm, digits } = k;
          return { data: { issuer, account_name, period, algorithm, digits } };
        },
        create: (req, d) => write(req.params.name, d),
        update: (req, d) => write(req.params.name, d),
        delete: async (req) => {
          await storage.delete(`key/${req.params.name}`);
        },
      },
    },
    {
      pattern: 'code/(?<name>[^/]+)',
      synopsis: 'Generate a code for a key (GET), or validate one (POST code=).',
      fields: { code: { type: 'string', default: '' } },
      operations: {
        read: async (req) => {
          const k = await storage.getJSON<TotpKey>(`key/${req.params.name}`);
          if (!k) throw userError(`unknown key: ${req.params.name}`);
          return { data: { code: totp(base32Decode(k.key), ctx.clock.unix(), k.period, k.digits, k.algorithm) } };
        },
        update: async (req, d) => {
          const code = d.get<string>('code');
          if (!code) throw userError('the code value is required');
          const name = req.params.name;
          const k = await storage.getJSON<TotpKey>(`key/${name}`);
          if (!k) throw userError(`unknown key: ${name}`);
          const now = ctx.clock.nowMs();
          await sweep(name, now);
          if (await storage.has(usedKey(name, code)))
            throw userError('code already used; wait until the next time period');
          const valid = validate(code, base32Decode(k.key), ctx.clock.unix(), k);
          await storage.putJSON(usedKey(name, code), { until: now + k.period * (2 + k.skew) * 1000 });
          return { data: { valid } };
        },
      },
    },
  ];
  return {
    type: 'totp',
    kind: 'secret',
    help: 'The TOTP backend generates and validates time-based one-time passwords (RFC 6238).',
    paths,
  };
}
