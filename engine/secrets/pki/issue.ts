/** `issue/<role>` (the engine generates the key) and `sign/<role>` (the caller's CSR). */
import type { KeyObject } from 'node:crypto';
import { userError } from '../../sdk/errors.js';
import type { BackendResponse } from '../../sdk/types.js';
import type { BackendContext, PathDef } from '../../framework/backend.js';
import type { FieldData } from '../../framework/fields.js';
import {
  certResponse,
  checkFormat,
  firstDisallowed,
  limitToIssuer,
  notAfterFor,
  type RoleNameRules,
  sansFrom,
} from './issuing.js';
import { parseCsrField } from './root.js';
import type { Role } from './roles.js';
import type { PkiStore } from './store.js';
import {
  type BuiltCert,
  buildCertificate,
  ecPrivateKeyOut,
  generateEcLeaf,
  encodeName,
  generateKey,
  keyInfo,
  newSerial,
  parseCertificate,
  type PkiKeyType,
  privateKeyOut,
  type Sans,
  spkiOf,
  type Subject,
} from './x509.js';

const ISSUE_FIELDS = {
  common_name: { type: 'string' as const, description: 'The requested CN.' },
  alt_names: { type: 'commaStringSlice' as const, description: 'Requested DNS and email SANs.' },
  ip_sans: { type: 'commaStringSlice' as const },
  uri_sans: { type: 'commaStringSlice' as const },
  ttl: { type: 'duration' as const },
  not_after: { type: 'string' as const },
  format: { type: 'string' as const, default: 'pem' },
  private_key_format: { type: 'string' as const, default: 'der' },
  exclude_cn_from_sans: { type: 'bool' as const },
  remove_roots_from_chain: { type: 'bool' as const },
  serial_number: { type: 'string' as const },
};

const REQUIRE_CN =
  'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false';

export function issuePaths(bctx: BackendContext, store: PkiStore): PathDef[] {
  return [
    {
      pattern: 'issue/(?<role>[^/]+)',
      synopsis: 'Request a certificate using a certain role; a private key is generated for it.',
      fields: ISSUE_FIELDS,
      operations: { update: async (req, d) => issue(req.params.role, d, undefined) },
    },
    {
      pattern: 'sign/(?<role>[^/]+)',
      synopsis: 'Request a certificate for a CSR using a certain role.',
      fields: {
        ...ISSUE_FIELDS,
        csr: { type: 'string', required: true, description: 'PEM-encoded certificate request.' },
      },
      operations: { update: async (req, d) => issue(req.params.role, d, d.get<string>('csr')) },
    },
  ];

  async function issue(roleName: string, d: FieldData, csrText: string | undefined): Promise<BackendResponse> {
    const role = (await store.role(roleName)) as Role | undefined;
    if (!role) throw userError(`unknown role: ${roleName}`);
    const format = d.get<string>('format');
    checkFormat(format, d.get<string>('private_key_format'));
    const issuer = await store.signingIssuer(role.issuer_ref as string);

    let key: KeyObject | undefined;
    let sec1: Buffer | undefined;
    let spki: Buffer;
    let cn = d.get<string>('common_name');
    let sans: Sans;
    const exclude = d.get<boolean>('exclude_cn_from_sans');
    if (csrText === undefined) {
      if (role.key_type === 'any')
        throw userError('role key type "any" not allowed for issuing certificates, only signing');
      if (!cn && role.require_cn) throw userError(REQUIRE_CN);
      sans = sansFrom(
        cn,
        d.get<string[]>('alt_names'),
        d.get<string[]>('ip_sans'),
        d.get<string[]>('uri_sans'),
        exclude,
      );
      checkNames(role, cn, sans);
      if (role.key_type === 'ec') {
        ({ sec1, spki } = generateEcLeaf(role.key_bits));
      } else {
        key = await generateKey(role.key_type as PkiKeyType, role.key_bits);
        spki = spkiOf(key);
      }
    } else {
      const csr = parseCsrField(csrText);
      let ki: ReturnType<typeof keyInfo>;
      try {
        ki = keyInfo(csr.publicKey);
      } catch (e) {
        throw userError(`unsupported key in the CSR: ${(e as Error).message}`);
      }
      if (role.key_type !== 'any') {
        if (ki.type !== role.key_type) throw userError(`role requires keys of type ${role.key_type}`);
        if (ki.type === 'rsa' && ki.bits < role.key_bits)
          throw userError(`RSA key too small: role requires at least ${role.key_bits} bits, the CSR has ${ki.bits}`);
        if (ki.type === 'ec' && role.key_bits && ki.bits !== role.key_bits)
          throw userError(`role requires a P-${role.key_bits} EC key, the CSR has P-${ki.bits}`);
      }
      if (role.use_csr_common_name && csr.cn) cn = csr.cn;
      if (!cn && role.require_cn) throw userError(REQUIRE_CN);
      if (role.use_csr_sans) {
        sans = sansFrom(cn, [...csr.sans.dns, ...csr.sans.email], csr.sans.ip, csr.sans.uri, exclude);
      } else {
        sans = sansFrom(
          cn,
          d.get<string[]>('alt_names'),
          d.get<string[]>('ip_sans'),
          d.get<string[]>('uri_sans'),
          exclude,
        );
      }
      checkNames(role, cn, sans);
      spki = csr.spki;
    }

    const t = notAfterFor(bctx, d, role);
    let notAfter = t.notAfter;
    if (!d.has('not_after') && !d.has('ttl') && role.not_after) notAfter = Date.parse(role.not_after as string);
    notAfter = limitToIssuer(notAfter, issuer);
    const now = bctx.clock.nowMs();
    const subject: Subject = {
      cn,
      ou: role.ou as string[],
      o: role.organization as string[],
      c: role.country as string[],
      l: role.locality as string[],
      st: role.province as string[],
      street: role.street_address as string[],
      postalCode: role.postal_code as string[],
      serialNumber: d.get<string>('serial_number') || undefined,
    };
    const ekus: string[] = [...(role.ext_key_usage as string[])];
    if (role.server_flag) ekus.push('ServerAuth');
    if (role.client_flag) ekus.push('ClientAuth');
    if (role.code_signing_flag) ekus.push('CodeSigning');
    if (role.email_protection_flag) ekus.push('EmailProtection');
    const serial = newSerial();
    const der = buildCertificate({
      serial,
      issuerName: issuer.cert.subjectRaw,
      subject: encodeName(subject),
      notBefore: now - (role.not_before_duration as number) * 1000,
      notAfter,
      spki,
      signer: issuer.key,
      signatureBits: role.signature_bits as number,
      keyUsage: role.key_usage as string[],
      extKeyUsage: ekus,
      extKeyUsageOids: role.ext_key_usage_oids as string[],
      sans,
      authorityKeyId: issuer.cert.skid,
      urls: await store.urls(),
      basicConstraintsForLeaf: role.basic_constraints_valid_for_non_ca as boolean,
    });
    // The fields we need are the ones we just chose; re-parsing would cost more than signing.
    const cert: BuiltCert = { der, serial, notAfter: Math.floor(notAfter / 1000) * 1000 };
    if (!role.no_store) await store.storeCert(cert, issuer.entry.issuer_id);
    let chain = store.chainPems(issuer);
    if (d.get<boolean>('remove_roots_from_chain')) chain = chain.filter((p) => !isSelfSigned(p));
    const data = certResponse(
      cert,
      chain,
      format,
      sec1
        ? ecPrivateKeyOut(sec1, format, d.get<string>('private_key_format'))
        : key
          ? privateKeyOut(key, format, d.get<string>('private_key_format'))
          : undefined,
    );
    const res: BackendResponse = { data, warnings: t.warnings };
    if (role.generate_lease) {
      res.secret = {
        type: 'pki',
        ttl: Math.max(1, Math.floor((cert.notAfter - now) / 1000)),
        renewable: false,
        internal: { serial_number: data.serial_number },
      };
    }
    return res;
  }
}

function isSelfSigned(p: string): boolean {
  try {
    const c = parseCertificate(Buffer.from(p.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    return c.issuerRaw.equals(c.subjectRaw);
  } catch {
    return false;
  }
}

/** Applies the role's name rules to the CN and every SAN (Vault's error texts). */
function checkNames(role: Role, cn: string, sans: Sans) {
  const rules = role as unknown as RoleNameRules;
  if (cn) {
    const cnBad = firstDisallowed(rules, [cn]);
    if (cnBad) throw userError(`common name ${cn} not allowed by this role`);
  }
  const bad = firstDisallowed(
    rules,
    [...sans.dns, ...sans.email].filter((n) => n !== cn),
  );
  if (bad) throw userError(`subject alternate name ${bad} not allowed by this role`);
  if (sans.ip.length && !role.allow_ip_sans)
    throw userError(`IP Subject Alternative Names are not allowed in this role, but was provided ${sans.ip[0]}`);
  const allowedUris = role.allowed_uri_sans as string[];
  for (const u of sans.uri) {
    const ok = allowedUris.some((p) =>
      new RegExp(
        '^' +
          p
            .split('*')
            .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*') +
          '$',
      ).test(u),
    );
    if (!ok) throw userError(`URI Subject Alternative Names are not allowed in this role, but were provided ${u}`);
  }
}
