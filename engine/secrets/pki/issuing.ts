/**
 * What every issuing path shares: TTL arithmetic with Vault's capping warning, subject
 * fields, role name rules, CA expiry limits and the response shape.
 */
import net from 'node:net';
import type { BackendContext } from '../../framework/backend.js';
import type { FieldData, FieldSchema } from '../../framework/fields.js';
import { formatGoDuration } from '../../sdk/duration.js';
import { userError } from '../../sdk/errors.js';
import { pem } from './der.js';
import type { Issuer } from './store.js';
import { type BuiltCert, formatSerial, type Sans, type Subject } from './x509.js';

/** Subject and SAN fields common to root, intermediate and sign-intermediate. */
export const SUBJECT_FIELDS: Record<string, FieldSchema> = {
  common_name: { type: 'string', description: 'The CN of the certificate.' },
  alt_names: { type: 'commaStringSlice', description: 'DNS names and email addresses for the SAN extension.' },
  ip_sans: { type: 'commaStringSlice', description: 'IP addresses for the SAN extension.' },
  uri_sans: { type: 'commaStringSlice', description: 'URIs for the SAN extension.' },
  ou: { type: 'commaStringSlice' },
  organization: { type: 'commaStringSlice' },
  country: { type: 'commaStringSlice' },
  locality: { type: 'commaStringSlice' },
  province: { type: 'commaStringSlice' },
  street_address: { type: 'commaStringSlice' },
  postal_code: { type: 'commaStringSlice' },
  serial_number: { type: 'string', description: 'The subject serialNumber attribute (not the certificate serial).' },
  exclude_cn_from_sans: { type: 'bool', description: 'Do not copy the CN into the SANs.' },
  ttl: { type: 'duration', description: 'Requested lifetime; capped by the mount (or role) maximum.' },
  not_after: { type: 'string', description: 'Explicit NotAfter, RFC 3339 (instead of ttl).' },
  format: { type: 'string', default: 'pem', description: 'pem, der or pem_bundle.' },
  private_key_format: { type: 'string', default: 'der', description: 'der (PKCS#1/SEC 1) or pkcs8.' },
};

export const KEY_FIELDS: Record<string, FieldSchema> = {
  key_type: { type: 'string', default: 'rsa', description: 'rsa, ec or ed25519.' },
  key_bits: { type: 'int', default: 0, description: '0 = 2048 for RSA, 256 for EC.' },
  key_name: { type: 'string' },
  key_ref: { type: 'string', default: 'default' },
  signature_bits: { type: 'int', default: 0 },
};

export function subjectFrom(d: FieldData, cn: string): Subject {
  return {
    cn,
    ou: d.get<string[]>('ou'),
    o: d.get<string[]>('organization'),
    c: d.get<string[]>('country'),
    l: d.get<string[]>('locality'),
    st: d.get<string[]>('province'),
    street: d.get<string[]>('street_address'),
    postalCode: d.get<string[]>('postal_code'),
    serialNumber: d.has('serial_number') ? d.get<string>('serial_number') : undefined,
  };
}

/** Splits CN + alt_names into DNS and email SANs. */
export function sansFrom(
  cn: string,
  altNames: string[],
  ipSans: string[],
  uriSans: string[],
  excludeCN: boolean,
): Sans {
  const s: Sans = { dns: [], email: [], ip: [], uri: [...uriSans] };
  const add = (n: string) => {
    const list = n.includes('@') ? s.email : s.dns;
    if (!list.includes(n)) list.push(n);
  };
  if (cn && !excludeCN) add(cn);
  for (const n of altNames) add(n);
  for (const ip of ipSans) {
    if (!net.isIP(ip)) throw userError(`the value "${ip}" is not a valid IP address`);
    s.ip.push(ip);
  }
  return s;
}

/**
 * NotAfter from ttl / not_after: ttl, else the role's, else the mount default; capped at
 * the role's max_ttl, else the mount max, with Vault's warning.
 */
export function notAfterFor(
  bctx: BackendContext,
  d: FieldData,
  role?: { ttl: number; max_ttl: number },
): { notAfter: number; warnings: string[] } {
  const warnings: string[] = [];
  const mount = bctx.ttls();
  let ttl = d.get<number>('ttl');
  if (ttl < 0) throw userError('ttl cannot be negative');
  if (!ttl && role?.ttl) ttl = role.ttl;
  let max = role?.max_ttl || 0;
  if (!ttl) ttl = mount.defaultTTL;
  if (!max) max = mount.maxTTL;
  if (ttl > max) {
    warnings.push(
      `TTL "${formatGoDuration(ttl)}" is longer than permitted maxTTL "${formatGoDuration(max)}", so maxTTL is being used`,
    );
    ttl = max;
  }
  const explicit = d.has('not_after') ? d.get<string>('not_after') : '';
  if (explicit) {
    const t = Date.parse(explicit);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(explicit) || Number.isNaN(t))
      throw userError(`parsing time "${explicit}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
    return { notAfter: Math.floor(t / 1000) * 1000, warnings };
  }
  // Certificates carry whole seconds; compute in whole seconds so comparisons with the CA's NotAfter agree.
  return { notAfter: Math.floor(bctx.clock.nowMs() / 1000) * 1000 + ttl * 1000, warnings };
}

/** Applies the issuer's leaf_not_after_behavior when a certificate would outlive its CA. */
export function limitToIssuer(notAfter: number, issuer: Issuer): number {
  const caEnd = issuer.cert.notAfter;
  if (notAfter <= caEnd) return notAfter;
  const b = issuer.entry.leaf_not_after_behavior;
  if (b === 'permit') return notAfter;
  if (b === 'truncate') return caEnd;
  throw userError(
    `cannot satisfy request, as TTL would result in notAfter of ${new Date(notAfter).toISOString()} that is beyond the expiration of the CA certificate at ${new Date(caEnd).toISOString()}`,
  );
}

export function checkFormat(format: string, privateKeyFormat: string) {
  if (!['pem', 'der', 'pem_bundle'].includes(format)) throw userError(`unknown format for certificate: ${format}`);
  if (!['der', 'pem', 'pkcs8', ''].includes(privateKeyFormat))
    throw userError(`unknown private key format: ${privateKeyFormat}`);
}

const certText = (der: Buffer, format: string) => (format === 'der' ? der.toString('base64') : pem('CERTIFICATE', der));

/** The certificate fields of an issue/sign/root response. */
export function certResponse(
  c: BuiltCert,
  issuerChainPems: string[],
  format: string,
  privateKey?: { text: string; type: string },
): Record<string, unknown> {
  const chainDers =
    format === 'der' ? issuerChainPems.map((p) => Buffer.from(p.replace(/-----[^-]+-----|\s/g, ''), 'base64')) : [];
  const chainOut = format === 'der' ? chainDers.map((x) => x.toString('base64')) : issuerChainPems;
  const out: Record<string, unknown> = {
    certificate: certText(c.der, format),
    issuing_ca: chainOut.length ? chainOut[0] : certText(c.der, format),
    ca_chain: chainOut,
    serial_number: formatSerial(c.serial),
    expiration: Math.floor(c.notAfter / 1000),
  };
  if (format === 'pem_bundle') {
    out.certificate = [...(privateKey ? [privateKey.text] : []), pem('CERTIFICATE', c.der), ...issuerChainPems].join(
      '\n',
    );
  }
  if (privateKey) {
    out.private_key = privateKey.text;
    out.private_key_type = privateKey.type;
  }
  return out;
}

// ---------------------------------------------------------------- role name rules

export interface RoleNameRules {
  allowed_domains: string[];
  allow_bare_domains: boolean;
  allow_subdomains: boolean;
  allow_glob_domains: boolean;
  allow_any_name: boolean;
  allow_localhost: boolean;
  allow_wildcard_certificates: boolean;
  enforce_hostnames: boolean;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function validHostname(h: string): boolean {
  if (!h || h.length > 253) return false;
  return h
    .replace(/\.$/, '')
    .split('.')
    .every((l) => LABEL.test(l));
}

/** Vault's glob: `*` matches any run of characters, including dots. */
function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    'i',
  );
  return re.test(s);
}

/**
 * Returns the first name the role does not allow, or undefined when all pass.
 * Mirrors Vault's order: email split, wildcard, hostname syntax, any-name, localhost,
 * then bare / subdomain / glob matches against allowed_domains.
 */
export function firstDisallowed(r: RoleNameRules, names: string[]): string | undefined {
  for (const name of names) {
    let host = name.toLowerCase();
    let emailDomain = host;
    let isEmail = false;
    if (host.includes('@')) {
      const at = host.lastIndexOf('@');
      if (!r.allow_any_name && (at === 0 || at === host.length - 1)) return name;
      emailDomain = host.slice(at + 1);
      host = emailDomain;
      isEmail = true;
    }
    let isWildcard = false;
    if (host.startsWith('*.')) {
      if (!r.allow_wildcard_certificates) return name;
      isWildcard = true;
    } else if (host.includes('*')) {
      if (!(r.allow_glob_domains || r.allow_any_name)) return name;
    }
    const bare = isWildcard ? host.slice(2) : host;
    if (r.enforce_hostnames && !host.includes('*') && !validHostname(bare)) return name;
    if (r.enforce_hostnames && isWildcard && !validHostname(bare)) return name;
    if (r.allow_any_name) continue;
    if (
      r.allow_localhost &&
      (bare === 'localhost' ||
        bare === 'localdomain' ||
        (r.allow_subdomains && (bare.endsWith('.localhost') || bare.endsWith('.localdomain'))))
    )
      continue;
    let ok = false;
    for (const raw of r.allowed_domains) {
      const d = raw.toLowerCase();
      if (!d) continue;
      if (r.allow_bare_domains && (host === d || (isEmail && emailDomain === d))) {
        ok = true;
        break;
      }
      if (r.allow_subdomains && (bare.endsWith('.' + d) || (isWildcard && bare === d))) {
        ok = true;
        break;
      }
      if (r.allow_glob_domains && d.includes('*') && globMatch(d, host)) {
        ok = true;
        break;
      }
    }
    if (!ok) return name;
  }
  return undefined;
}
