/** `intermediate/generate/<type>`, `intermediate/set-signed`, `config/ca` (import a bundle). */
import crypto, { type KeyObject } from 'node:crypto';
import { userError } from '../../sdk/errors.js';
import type { PathDef } from '../../framework/backend.js';
import { pem, pemBlocks } from './der.js';
import { checkFormat, KEY_FIELDS, sansFrom, SUBJECT_FIELDS, subjectFrom } from './issuing.js';
import { keyForGenerate } from './root.js';
import type { PkiStore } from './store.js';
import { buildCSR, encodeName, parseCertificate, privateKeyOut, spkiOf } from './x509.js';

export function intermediatePaths(store: PkiStore): PathDef[] {
  return [
    {
      pattern: 'intermediate/generate/(?<exported>[^/]+)',
      synopsis: 'Generate a new private key and a CSR for an intermediate CA.',
      fields: {
        ...SUBJECT_FIELDS,
        ...KEY_FIELDS,
        add_basic_constraints: { type: 'bool', description: 'Ask for CA:TRUE in the CSR.' },
      },
      operations: {
        update: async (req, d) => {
          const format = d.get<string>('format');
          checkFormat(format, d.get<string>('private_key_format'));
          const cn = d.get<string>('common_name');
          if (!cn)
            throw userError(
              'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
            );
          const { key, keyId, keyName, exported } = await keyForGenerate(store, req.params.exported, d);
          const sans = sansFrom(
            cn,
            d.get<string[]>('alt_names'),
            d.get<string[]>('ip_sans'),
            d.get<string[]>('uri_sans'),
            d.get<boolean>('exclude_cn_from_sans'),
          );
          const der = buildCSR(encodeName(subjectFrom(d, cn)), key, sans, d.get<boolean>('add_basic_constraints'));
          const saved = keyId ? { key_id: keyId, key_name: keyName } : await store.saveKey(key, keyName);
          const data: Record<string, unknown> = {
            csr: format === 'der' ? der.toString('base64') : pem('CERTIFICATE REQUEST', der),
            key_id: saved.key_id,
            key_name: saved.key_name,
          };
          if (exported) {
            const pk = privateKeyOut(key, format, d.get<string>('private_key_format'));
            data.private_key = pk.text;
            data.private_key_type = pk.type;
          }
          return { data };
        },
      },
    },
    {
      pattern: 'intermediate/set-signed',
      synopsis: 'Provide the signed intermediate CA certificate (optionally followed by its chain).',
      fields: {
        certificate: {
          type: 'string',
          required: true,
          description: 'PEM certificate(s); the first is the new issuer.',
        },
      },
      operations: {
        update: async (_req, d) => ({ data: await importBundle(store, d.get<string>('certificate'), false) }),
      },
    },
    {
      pattern: 'config/ca',
      synopsis: 'Import a CA bundle: certificates and, optionally, a private key.',
      fields: { pem_bundle: { type: 'string', required: true } },
      operations: {
        update: async (_req, d) => ({ data: await importBundle(store, d.get<string>('pem_bundle'), true) }),
      },
    },
  ];
}

/** Imports keys and certificates from PEM; each certificate becomes an issuer, linked to a stored key when one matches. */
async function importBundle(store: PkiStore, text: string, allowKeys: boolean) {
  const blocks = pemBlocks(text);
  if (!blocks.length) throw userError('no data found in PEM bundle');
  const imported_keys: string[] = [];
  const existing_keys: string[] = [];
  const keyBlocks = blocks.filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (keyBlocks.length && !allowKeys)
    throw userError('set-signed accepts certificates only; import private keys with config/ca');
  const known = await store.keys();
  for (const b of keyBlocks) {
    let k: KeyObject;
    try {
      const type = b.label === 'RSA PRIVATE KEY' ? 'pkcs1' : b.label === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs8';
      k = crypto.createPrivateKey({ key: b.der, format: 'der', type });
    } catch {
      throw userError('error parsing private key from PEM bundle');
    }
    const spki = spkiOf(k);
    const match = known.find((x) => spkiOf(crypto.createPrivateKey(x.private_key)).equals(spki));
    if (match) existing_keys.push(match.key_id);
    else {
      const e = await store.saveKey(k);
      known.push(e);
      imported_keys.push(e.key_id);
    }
  }
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (!certs.length) throw userError('no certificates found in the PEM bundle');
  const imported_issuers: string[] = [];
  const existing_issuers: string[] = [];
  const mapping: Record<string, string> = {};
  const issuers = await store.all();
  for (const b of certs) {
    let cert;
    try {
      cert = parseCertificate(b.der);
    } catch {
      throw userError('unable to parse certificate from PEM bundle');
    }
    if (!cert.isCA)
      throw userError(
        `certificate with subject ${cert.cn} is not a CA certificate (missing basic constraints CA:TRUE)`,
      );
    const same = issuers.find((i) => i.cert.der.equals(cert.der));
    if (same) {
      existing_issuers.push(same.entry.issuer_id);
      mapping[same.entry.issuer_id] = same.entry.key_id;
      continue;
    }
    const key = known.find((x) => spkiOf(crypto.createPrivateKey(x.private_key)).equals(cert.spki));
    const i = await store.addIssuer(pem('CERTIFICATE', b.der), key?.key_id ?? '');
    issuers.push(i);
    imported_issuers.push(i.entry.issuer_id);
    mapping[i.entry.issuer_id] = key?.key_id ?? '';
  }
  return {
    imported_issuers: imported_issuers.length ? imported_issuers : null,
    imported_keys: imported_keys.length ? imported_keys : null,
    existing_issuers: existing_issuers.length ? existing_issuers : null,
    existing_keys: existing_keys.length ? existing_keys : null,
    mapping,
  };
}
