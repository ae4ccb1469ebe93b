/** `root/generate/<type>`, `DELETE root`, `root/sign-intermediate`. */
import type { KeyObject } from 'node:crypto';
import crypto from 'node:crypto';
import { userError } from '../../sdk/errors.js';
import type { BackendContext, PathDef } from '../../framework/backend.js';
import type { FieldData } from '../../framework/fields.js';
import { pem, pemBlocks } from './der.js';
import {
  certResponse,
  checkFormat,
  KEY_FIELDS,
  limitToIssuer,
  notAfterFor,
  sansFrom,
  SUBJECT_FIELDS,
  subjectFrom,
} from './issuing.js';
import type { PkiStore } from './store.js';
import {
  buildCertificate,
  encodeName,
  generateKey,
  newSerial,
  normalizeKeyBits,
  parseCertificate,
  parseCSR,
  type PkiKeyType,
  privateKeyOut,
  spkiOf,
} from './x509.js';

const CA_FIELDS = {
  max_path_length: { type: 'int' as const, default: -1, description: 'Path length constraint; -1 = none.' },
  permitted_dns_domains: {
    type: 'commaStringSlice' as const,
    description: 'Name constraints: DNS domains this CA may issue for.',
  },
  issuer_name: { type: 'string' as const, description: 'A name for the new issuer.' },
};

/** Resolves the key for a generate request: new (internal/exported), existing by key_ref, or refused (kms). */
export async function keyForGenerate(
  store: PkiStore,
  mode: string,
  d: FieldData,
): Promise<{ key: KeyObject; keyId?: string; keyName: string; exported: boolean }> {
  const keyName = d.get<string>('key_name');
  if (mode === 'kms')
    throw userError('managed (kms) keys are not available in this engine; use internal, exported or existing');
  if (mode === 'existing') {
    const ref = d.get<string>('key_ref');
    const all = await store.keys();
    const k = ref === 'default' ? all[0] : all.find((x) => x.key_id === ref || x.key_name === ref);
    if (!k) throw userError(`unable to find PKI key for reference: ${ref}`);
    return { key: crypto.createPrivateKey(k.private_key), keyId: k.key_id, keyName: k.key_name, exported: false };
  }
  if (mode !== 'internal' && mode !== 'exported')
    throw userError(`invalid type: ${mode}; must be internal, exported, existing or kms`);
  const type = d.get<string>('key_type');
  if (!['rsa', 'ec', 'ed25519'].includes(type)) throw userError(`unknown key_type value ${type}`);
  let bits: number;
  try {
    bits = normalizeKeyBits(type, d.get<number>('key_bits'));
  } catch (e) {
    throw userError((e as Error).message);
  }
  return { key: await generateKey(type as PkiKeyType, bits), keyName, exported: mode === 'exported' };
}

export function rootPaths(bctx: BackendContext, store: PkiStore): PathDef[] {
  return [
    {
      pattern: 'root/generate/(?<exported>[^/]+)',
      synopsis: 'Generate a new CA certificate and private key used for signing.',
      fields: { ...SUBJECT_FIELDS, ...KEY_FIELDS, ...CA_FIELDS },
      operations: {
        update: async (req, d) => {
          const mode = req.params.exported;
          const format = d.get<string>('format');
          checkFormat(format, d.get<string>('private_key_format'));
          const cn = d.get<string>('common_name');
          if (!cn)
            throw userError(
              'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
            );
          const { key, keyId, keyName, exported } = await keyForGenerate(store, mode, d);
          const { notAfter, warnings } = notAfterFor(bctx, d);
          const subject = encodeName(subjectFrom(d, cn));
          const now = bctx.clock.nowMs();
          const der = buildCertificate({
            serial: newSerial(),
            issuerName: subject,
            subject,
            notBefore: now - 30_000,
            notAfter,
            spki: spkiOf(key),
            signer: key,
            signatureBits: d.get<number>('signature_bits'),
            ca: {
              maxPathLength: d.get<number>('max_path_length'),
              permittedDnsDomains: d.get<string[]>('permitted_dns_domains'),
            },
            keyUsage: [],
            sans: sansFrom(
              cn,
              d.get<string[]>('alt_names'),
              d.get<string[]>('ip_sans'),
              d.get<string[]>('uri_sans'),
              d.get<boolean>('exclude_cn_from_sans'),
            ),
            urls: await store.urls(),
          });
          const savedKey = keyId ? { key_id: keyId, key_name: keyName } : await store.saveKey(key, keyName);
          const issuer = await store.addIssuer(pem('CERTIFICATE', der), savedKey.key_id, d.get<string>('issuer_name'));
          const data = certResponse(
            issuer.cert,
            [],
            format,
            exported ? privateKeyOut(key, format, d.get<string>('private_key_format')) : undefined,
          );
          delete data.ca_chain;
          Object.assign(data, {
            issuer_id: issuer.entry.issuer_id,
            issuer_name: issuer.entry.issuer_name,
            key_id: savedKey.key_id,
            key_name: savedKey.key_name,
          });
          return { data, warnings };
        },
      },
    },
    {
      pattern: 'root',
      synopsis: 'Deletes every issuer and key of this mount.',
      operations: {
        delete: async () => {
          await store.deleteAll();
          return {
            warnings: [
              'DELETE /root deletes all keys and issuers; prefer the new multi-issuer write APIs (issuer/:ref).',
            ],
          };
        },
      },
    },
    {
      pattern: 'root/sign-intermediate',
      synopsis: 'Issue an intermediate CA certificate based on the provided CSR.',
      fields: {
        ...SUBJECT_FIELDS,
        ...CA_FIELDS,
        csr: { type: 'string', required: true, description: 'PEM-encoded CSR from intermediate/generate.' },
        use_csr_values: { type: 'bool', description: 'Copy the subject and SANs from the CSR.' },
        issuer_ref: { type: 'string', default: 'default' },
        signature_bits: { type: 'int', default: 0 },
      },
      operations: {
        update: async (_req, d) => {
          const format = d.get<string>('format');
          checkFormat(format, 'der');
          const issuer = await store.signingIssuer(d.get<string>('issuer_ref'));
          const csr = parseCsrField(d.get<string>('csr'));
          const useCsr = d.get<boolean>('use_csr_values');
          const cn = useCsr ? csr.cn : d.get<string>('common_name') || csr.cn;
          if (!cn && !useCsr)
            throw userError(
              'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
            );
          const subject = useCsr ? csr.subjectRaw : encodeName(subjectFrom(d, cn));
          const sans = useCsr
            ? csr.sans
            : sansFrom(
                cn,
                d.get<string[]>('alt_names'),
                d.get<string[]>('ip_sans'),
                d.get<string[]>('uri_sans'),
                d.get<boolean>('exclude_cn_from_sans'),
              );
          const t = notAfterFor(bctx, d);
          const notAfter = limitToIssuer(t.notAfter, issuer);
          const now = bctx.clock.nowMs();
          const der = buildCertificate({
            serial: newSerial(),
            issuerName: issuer.cert.subjectRaw,
            subject,
            notBefore: now - 30_000,
            notAfter,
            spki: csr.spki,
            signer: issuer.key,
            signatureBits: d.get<number>('signature_bits'),
            ca: {
              maxPathLength: d.get<number>('max_path_length'),
              permittedDnsDomains: d.get<string[]>('permitted_dns_domains'),
            },
            keyUsage: [],
            sans,
            authorityKeyId: issuer.cert.skid,
            urls: await store.urls(),
          });
          const cert = parseCertificate(der);
          await store.storeCert(cert, issuer.entry.issuer_id);
          return { data: certResponse(cert, store.chainPems(issuer), format), warnings: t.warnings };
        },
      },
    },
  ];
}

export function parseCsrField(text: string) {
  const blocks = pemBlocks(text);
  const der =
    blocks.find((b) => b.label.includes('REQUEST'))?.der ??
    (blocks.length ? undefined : Buffer.from(text.trim(), 'base64'));
  if (!der || der.length === 0)
    throw userError('certificate request could not be parsed: no CERTIFICATE REQUEST block found');
  try {
    return parseCSR(der);
  } catch (e) {
    throw userError(`certificate request could not be parsed: ${(e as Error).message}`);
  }
}
