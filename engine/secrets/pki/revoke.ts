/** `revoke`, `crl/rotate`, `tidy`, `tidy-status`: revocation and housekeeping. */
import { userError } from '../../sdk/errors.js';
import { rfc3339 } from '../../sdk/ids.js';
import type { Clock } from '../../sdk/clock.js';
import type { PathDef } from '../../framework/backend.js';
import { pem, pemBlocks } from './der.js';
import type { Issuer, PkiStore } from './store.js';
import { formatSerial, parseCertificate, parseSerial, signedBy } from './x509.js';

/**
 * Revokes a certificate by serial (any form) or by its PEM, adds it to its issuer's CRL
 * and rebuilds that CRL. Certificates issued with no_store can be revoked by PEM.
 */
export async function revokeCertificate(
  store: PkiStore,
  clock: Clock,
  serialText: string,
  certPem: string,
): Promise<Record<string, unknown>> {
  let serial: bigint | undefined;
  let pemText = '';
  let issuerId = '';
  if (certPem) {
    const block = pemBlocks(certPem).find((b) => b.label === 'CERTIFICATE');
    if (!block) throw userError('certificate could not be parsed: no CERTIFICATE block found');
    let c;
    try {
      c = parseCertificate(block.der);
    } catch {
      throw userError('certificate could not be parsed');
    }
    const issuer = (await store.all()).find(
      (i) => i.cert.subjectRaw.equals(c.issuerRaw) && signedBy(c, i.cert.publicKey),
    );
    if (!issuer) throw userError('unable to revoke certificate: it was not issued by any issuer of this mount');
    if (serialText && parseSerial(serialText) !== c.serial)
      throw userError('the serial_number and certificate parameters do not describe the same certificate');
    serial = c.serial;
    pemText = pem('CERTIFICATE', c.der);
    issuerId = issuer.entry.issuer_id;
  } else {
    if (!serialText) throw userError('one of serial_number or certificate is required');
    serial = parseSerial(serialText);
    if (serial === undefined) throw userError(`certificate with serial ${serialText} not found.`);
  }
  const hyphen = formatSerial(serial, '-');
  const colon = formatSerial(serial);
  const stored = await store.getCert(hyphen);
  if (!stored && !pemText) throw userError(`certificate with serial ${colon} not found.`);
  const issuers = await store.all();
  const own = issuers.find((i) => i.cert.serial === serial && i.key);
  if (own) throw userError(`adding issuer (id: ${own.entry.issuer_id}) to its own CRL is not allowed`);
  const existing = await store.getRevoked(hyphen);
  if (existing) {
    return {
      revocation_time: existing.revocation_time,
      revocation_time_rfc3339: rfc3339(existing.revocation_time * 1000),
      state: 'revoked',
    };
  }
  const now = Math.floor(clock.nowMs() / 1000);
  const certificate = stored?.certificate ?? pemText;
  if (!issuerId) issuerId = stored!.issuer_id;
  if (stored) await store.putCert(hyphen, { ...stored, revocation_time: now });
  await store.putRevoked(hyphen, { serial_number: colon, revocation_time: now, issuer_id: issuerId, certificate });
  const issuer: Issuer | undefined = issuers.find((i) => i.entry.issuer_id === issuerId);
  if (issuer) await store.rebuildCRL(issuer);
  return { revocation_time: now, revocation_time_rfc3339: rfc3339(now * 1000), state: 'revoked' };
}

export function revokePaths(store: PkiStore, clock: Clock): PathDef[] {
  return [
    {
      pattern: 'revoke',
      synopsis: 'Revoke a certificate by serial number or by the certificate itself.',
      fields: {
        serial_number: { type: 'string', description: 'Serial in colon or hyphen form.' },
        certificate: { type: 'string', description: 'PEM of the certificate to revoke.' },
      },
      operations: {
        update: async (_req, d) => ({
          data: await revokeCertificate(store, clock, d.get<string>('serial_number'), d.get<string>('certificate')),
        }),
      },
    },
    {
      pattern: 'crl/rotate',
      synopsis: 'Force a rebuild of the CRL.',
      operations: {
        read: async () => {
          await store.rebuildAllCRLs();
          return { data: { success: true } };
        },
      },
    },
    {
      pattern: 'tidy',
      synopsis: 'Tidy up the certificate store and the revocation list.',
      fields: {
        tidy_cert_store: { type: 'bool', description: 'Remove expired certificates from storage.' },
        tidy_revoked_certs: { type: 'bool', description: 'Remove expired certificates from the revocation list.' },
        tidy_revoked_cert_issuer_associations: { type: 'bool' },
        tidy_expired_issuers: { type: 'bool' },
        safety_buffer: {
          type: 'duration',
          default: 72 * 3600,
          description: 'Only tidy certificates expired for at least this long.',
        },
      },
      operations: {
        update: async (_req, d) => {
          const certStore = d.get<boolean>('tidy_cert_store');
          const revoked = d.get<boolean>('tidy_revoked_certs');
          if (
            !certStore &&
            !revoked &&
            !d.get<boolean>('tidy_revoked_cert_issuer_associations') &&
            !d.get<boolean>('tidy_expired_issuers')
          ) {
            throw userError('at least one operation must be enabled for tidy to run');
          }
          const buffer = d.get<number>('safety_buffer');
          if (buffer < 1) throw userError('safety_buffer must be greater than zero');
          const started = clock.nowMs();
          const cutoff = started - buffer * 1000;
          const status = {
            state: 'Finished',
            error: null as string | null,
            time_started: rfc3339(started),
            time_finished: '',
            message: '',
            safety_buffer: buffer,
            tidy_cert_store: certStore,
            tidy_revoked_certs: revoked,
            cert_store_deleted_count: 0,
            revoked_cert_deleted_count: 0,
            current_cert_store_count: 0,
            current_revoked_cert_count: 0,
          };
          if (certStore || revoked) {
            for (const s of await store.listCerts()) {
              const c = await store.getCert(s);
              if (!c || c.not_after > cutoff) continue;
              if (certStore && !(await store.getRevoked(s))) {
                await store.deleteCert(s);
                status.cert_store_deleted_count++;
              }
            }
            if (revoked) {
              let changed = false;
              for (const s of await store.listRevoked()) {
                const r = await store.getRevoked(s);
                if (!r) continue;
                const c = parseCertificate(pemBlocks(r.certificate)[0].der);
                if (c.notAfter > cutoff) continue;
                await store.deleteRevoked(s);
                await store.deleteCert(s);
                status.revoked_cert_deleted_count++;
                changed = true;
              }
              if (changed) await store.rebuildAllCRLs();
            }
          }
          status.current_cert_store_count = (await store.listCerts()).length;
          status.current_revoked_cert_count = (await store.listRevoked()).length;
          status.time_finished = rfc3339(clock.nowMs());
          await store.storage.putJSON('tidy-status', status);
          return {
            status: 202,
            warnings: [
              "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.",
            ],
          };
        },
      },
    },
    {
      pattern: 'tidy-status',
      synopsis: 'The status of the last tidy operation.',
      operations: {
        read: async () => ({
          data: (await store.storage.getJSON<Record<string, unknown>>('tidy-status')) ?? { state: 'Inactive' },
        }),
      },
    },
  ];
}
