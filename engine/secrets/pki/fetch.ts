/**
 * Reading certificates and CRLs: raw unauthenticated bodies (`ca`, `ca/pem`, `ca_chain`,
 * `crl`, `crl/pem`, `cert/<serial>/raw[/pem]`), JSON `cert/<serial>`, `LIST certs`,
 * `LIST certs/revoked`, issuers and keys.
 */
import { notFound, userError } from '../../sdk/errors.js';
import { rfc3339 } from '../../sdk/ids.js';
import type { BackendResponse } from '../../sdk/types.js';
import type { PathDef } from '../../framework/backend.js';
import { pem, pemBlocks } from './der.js';
import type { Issuer, PkiStore } from './store.js';
import { formatSerial, parseSerial } from './x509.js';

const raw = (contentType: string, body: Buffer | string): BackendResponse => ({
  raw: { status: 200, contentType, body },
});
const empty = (): BackendResponse => ({ raw: { status: 204, body: '' } });
const derOf = (p: string) => pemBlocks(p)[0].der;

export function fetchPaths(store: PkiStore): PathDef[] {
  const chainText = (i: Issuer) => store.chainPems(i).join('\n') + '\n';
  const crlPem = async (i: Issuer) => {
    const c = await store.crl(i);
    return c ? pem('X509 CRL', c) + '\n' : '';
  };

  return [
    {
      pattern: 'ca',
      synopsis: 'Fetch the default issuer certificate (DER).',
      operations: {
        read: async () => {
          const i = await store.defaultIssuer();
          return i ? raw('application/pkix-cert', derOf(i.entry.certificate)) : empty();
        },
      },
    },
    {
      pattern: 'ca/pem',
      synopsis: 'Fetch the default issuer certificate (PEM).',
      operations: {
        read: async () => {
          const i = await store.defaultIssuer();
          return i ? raw('application/pem-certificate-chain', i.entry.certificate + '\n') : empty();
        },
      },
    },
    {
      pattern: 'ca_chain',
      synopsis: 'Fetch the default issuer and its parents (PEM).',
      operations: {
        read: async () => {
          const i = await store.defaultIssuer();
          return i ? raw('application/pem-certificate-chain', chainText(i)) : empty();
        },
      },
    },
    {
      pattern: 'crl',
      synopsis: 'Fetch the CRL of the default issuer (DER).',
      operations: {
        read: async () => {
          const i = await store.defaultIssuer();
          const c = i && (await store.crl(i));
          return c ? raw('application/pkix-crl', c) : empty();
        },
      },
    },
    {
      pattern: 'crl/pem',
      synopsis: 'Fetch the CRL of the default issuer (PEM).',
      operations: {
        read: async () => {
          const i = await store.defaultIssuer();
          const c = i && (await crlPem(i));
          return c ? raw('application/x-pem-file', c) : empty();
        },
      },
    },
    {
      pattern: 'cert/(?<serial>[^/]+)/raw(?<pem>/pem)?',
      synopsis: 'Fetch a certificate by serial number (raw DER or PEM).',
      operations: {
        read: async (req) => {
          const p = await certPem(req.params.serial);
          if (!p)
            return { raw: { status: 404, contentType: 'application/json', body: JSON.stringify({ errors: [] }) } };
          return req.params.pem
            ? raw('application/pem-certificate-chain', p + '\n')
            : raw('application/pkix-cert', derOf(p));
        },
      },
    },
    {
      pattern: 'cert/(?<serial>[^/]+)',
      synopsis: 'Fetch a certificate, the CA, the CA chain or the CRL as JSON.',
      operations: {
        read: async (req) => {
          const s = req.params.serial;
          const def = await store.defaultIssuer();
          if (s === 'ca' || s === 'ca_chain') {
            if (!def) throw notFound();
            const chain = store.chainPems(def);
            return {
              data: {
                certificate: s === 'ca' ? def.entry.certificate : chain.join('\n'),
                ca_chain: chain,
                revocation_time: 0,
                revocation_time_rfc3339: '',
                issuer_id: def.entry.issuer_id,
              },
            };
          }
          if (s === 'crl') {
            if (!def) throw notFound();
            return {
              data: {
                certificate: (await crlPem(def)).trimEnd(),
                revocation_time: 0,
                revocation_time_rfc3339: '',
                issuer_id: def.entry.issuer_id,
              },
            };
          }
          const serial = parseSerial(s);
          if (serial === undefined) throw notFound();
          const hyphen = formatSerial(serial, '-');
          const c = await store.getCert(hyphen);
          const r = await store.getRevoked(hyphen);
          if (!c && !r) throw notFound();
          const revTime = r?.revocation_time ?? 0;
          return {
            data: {
              certificate: c?.certificate ?? r!.certificate,
              revocation_time: revTime,
              revocation_time_rfc3339: revTime ? rfc3339(revTime * 1000) : '',
              issuer_id: c?.issuer_id ?? r!.issuer_id,
            },
          };
        },
      },
    },
    {
      pattern: 'certs/?',
      synopsis: 'List stored certificates by serial (hyphen form).',
      operations: {
        list: async () => {
          const keys = await store.listCerts();
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
      },
    },
    {
      pattern: 'certs/revoked/?',
      synopsis: 'List revoked certificates by serial (hyphen form).',
      operations: {
        list: async () => {
          const keys = await store.listRevoked();
          if (!keys.length) throw notFound();
          return { data: { keys } };
        },
      },
    },
    {
      pattern: 'issuers/?',
      synopsis: 'List the issuers of this mount.',
      operations: {
        list: async () => {
          const all = await store.all();
          if (!all.length) throw notFound();
          const key_info: Record<string, unknown> = {};
          for (const i of all)
            key_info[i.entry.issuer_id] = {
              issuer_name: i.entry.issuer_name,
              is_default: i.entry.issuer_id === store.defaultIssuerId,
              serial_number: formatSerial(i.cert.serial),
              key_id: i.entry.key_id,
            };
          return { data: { keys: all.map((i) => i.entry.issuer_id), key_info } };
        },
      },
    },
    {
      pattern: 'issuer/(?<ref>[^/]+)',
      synopsis: 'Read or configure one issuer.',
      fields: {
        issuer_name: { type: 'string' },
        leaf_not_after_behavior: { type: 'string' },
      },
      operations: {
        read: async (req) => {
          const i = await store.issuer(req.params.ref);
          if (!i) throw notFound();
          return { data: issuerBody(store, i) };
        },
        update: async (req, d) => {
          const i = await store.issuer(req.params.ref);
          if (!i) throw userError(`unable to find PKI issuer for reference: ${req.params.ref}`);
          if (d.has('issuer_name')) i.entry.issuer_name = d.get<string>('issuer_name');
          if (d.has('leaf_not_after_behavior')) {
            const b = d.get<string>('leaf_not_after_behavior');
            if (!['err', 'truncate', 'permit'].includes(b))
              throw userError(`invalid leaf_not_after_behavior: ${b}; must be err, truncate or permit`);
            i.entry.leaf_not_after_behavior = b as 'err' | 'truncate' | 'permit';
          }
          await store.storage.putJSON(`issuer/${i.entry.issuer_id}`, i.entry);
          return { data: issuerBody(store, i) };
        },
      },
    },
    {
      pattern: 'config/issuers',
      synopsis: 'Read or set the default issuer.',
      fields: { default: { type: 'string' } },
      operations: {
        read: async () => ({
          data: {
            default: store.defaultIssuerId || ((await store.defaultIssuer())?.entry.issuer_id ?? ''),
            default_follows_latest_issuer: false,
          },
        }),
        update: async (_req, d) => {
          const i = await store.issuer(d.get<string>('default'));
          if (!i) throw userError(`unable to find PKI issuer for reference: ${d.get<string>('default')}`);
          await store.setDefault(i.entry.issuer_id);
          return { data: { default: i.entry.issuer_id, default_follows_latest_issuer: false } };
        },
      },
    },
    {
      pattern: 'keys/?',
      synopsis: 'List the keys of this mount.',
      operations: {
        list: async () => {
          const keys = await store.keys();
          if (!keys.length) throw notFound();
          const key_info: Record<string, unknown> = {};
          for (const k of keys) key_info[k.key_id] = { key_name: k.key_name };
          return { data: { keys: keys.map((k) => k.key_id), key_info } };
        },
      },
    },
  ];

  async function certPem(s: string): Promise<string | undefined> {
    const def = await store.defaultIssuer();
    if (s === 'ca') return def?.entry.certificate;
    const serial = parseSerial(s);
    if (serial === undefined) return undefined;
    const hyphen = formatSerial(serial, '-');
    return (await store.getCert(hyphen))?.certificate ?? (await store.getRevoked(hyphen))?.certificate;
  }
}

function issuerBody(store: PkiStore, i: Issuer): Record<string, unknown> {
  return {
    issuer_id: i.entry.issuer_id,
    issuer_name: i.entry.issuer_name,
    key_id: i.entry.key_id,
    certificate: i.entry.certificate,
    ca_chain: store.chainPems(i),
    serial_number: formatSerial(i.cert.serial),
    leaf_not_after_behavior: i.entry.leaf_not_after_behavior,
    usage: 'crl-signing,issuing-certificates,ocsp-signing,read-only',
  };
}
