/**
 * `sign/<role>` (sign a public key) and `issue/<role>` (make a key pair, then sign it), with
 * Vault's checks in Vault's order: key requirements, key id, certificate type, principals,
 * TTL, critical options, extensions.
 */
import crypto from 'node:crypto';
import { VaultError, userError } from '../../sdk/errors.js';
import type { BackendContext, BackendRequest, PathDef } from '../../framework/backend.js';
import type { FieldData, FieldSchema } from '../../framework/fields.js';
import { HOST_CERT, USER_CERT, certLine, signCertificate } from './cert.js';
import { generateSshKey } from './config.js';
import { stringMap } from './roles.js';
import type { SshRole, SshStore } from './store.js';
import { opensshPrivateKey, parseAuthorizedKey, publicBlob, parsePublicBlob, type SshPublicKey } from './wire.js';

const SIGN_FIELDS: Record<string, FieldSchema> = {
  valid_principals: { type: 'string', default: '', description: 'Comma-separated principals (users or hosts).' },
  cert_type: { type: 'string', default: 'user', description: 'user or host.' },
  key_id: { type: 'string', default: '' },
  ttl: { type: 'duration', default: 0 },
  critical_options: { type: 'map', default: {} },
  extensions: { type: 'map', default: {} },
};

const TEMPLATE = /\{\{.+?\}\}/;

/**
 * Renders one identity template (Vault's renderPrincipal): text without directives, or a token
 * without an entity, is taken literally; a directive that cannot be filled is an error.
 */
function render(text: string, req: BackendRequest, ctx: BackendContext): string {
  const entityId = req.token?.entityId;
  if (!TEMPLATE.test(text) || !entityId) return text;
  const out = ctx.system.renderIdentityTemplate?.(text, entityId);
  if (out === undefined)
    throw new VaultError(500, `template '${text}' could not be rendered -> no entity found or a value is missing`);
  return out;
}

/** Comma-separated, trimmed, empties dropped, duplicates removed (strutil.ParseStringSlice + RemoveDuplicates). */
function csv(s: string): string[] {
  return [
    ...new Set(
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ];
}

function checkKeyLengths(key: SshPublicKey, role: SshRole) {
  const allowed = role.allowed_user_key_lengths;
  if (!Object.keys(allowed).length) return;
  const names: Record<string, string[]> = {
    rsa: ['rsa', 'ssh-rsa'],
    ecdsa: ['ecdsa', 'ec', `ecdsa-sha2-nistp${key.bits}`],
    ed25519: ['ed25519', 'ssh-ed25519'],
  };
  let present = false;
  let pass = false;
  for (const n of names[key.family]) {
    const values = allowed[n];
    if (!values) continue;
    present = true;
    if (values.includes(key.bits) || key.family === 'ed25519' || n.startsWith('ecdsa-sha2-')) pass = true;
  }
  const fail = !present
    ? `key of type ${key.family} is not allowed`
    : !pass
      ? `key is of an invalid size: ${key.bits}`
      : '';
  if (fail) throw userError(`public_key failed to meet the key requirements: ${fail}`);
}

function principals(d: FieldData, req: BackendRequest, ctx: BackendContext, role: SshRole, host: boolean): string[] {
  const defaultPrincipal = host
    ? ''
    : role.default_user_template
      ? render(role.default_user, req, ctx)
      : role.default_user;
  const byRole = host ? role.allowed_domains : role.allowed_users;
  const templated = host ? role.allowed_domains_template : role.allowed_users_template;
  let asked = csv(d.has('valid_principals') ? d.get<string>('valid_principals') : defaultPrincipal);
  // Vault renders each templated principal; without an entity a templated one is left out.
  const allowed = templated
    ? csv(byRole).flatMap((p) => (!TEMPLATE.test(p) ? [p] : req.token?.entityId ? [render(p, req, ctx)] : []))
    : csv(byRole);
  if (!asked.length && defaultPrincipal) asked = [defaultPrincipal];
  if (!asked.length) {
    if (role.allow_empty_principals) return [];
    throw userError('empty valid principals not allowed by role');
  }
  if (!allowed.length) throw userError('role is not configured to allow any principals');
  if (byRole === '*') return asked;
  for (const p of asked) {
    const ok = host
      ? allowed.some((a) => (a === p && role.allow_bare_domains) || (role.allow_subdomains && p.endsWith(`.${a}`)))
      : allowed.includes(p);
    if (!ok) throw userError(`${p} is not a valid value for valid_principals`);
  }
  return asked;
}

function criticalOptions(d: FieldData, role: SshRole): Record<string, string> {
  const asked = stringMap(d.get('critical_options'));
  if (!Object.keys(asked).length) return { ...role.default_critical_options };
  if (role.allowed_critical_options !== '') {
    const allowed = role.allowed_critical_options.split(',');
    const bad = Object.keys(asked)
      .filter((k) => !allowed.includes(k))
      .sort();
    if (bad.length) throw userError(`critical options not on allowed list: [${bad.join(' ')}]`);
  }
  return asked;
}

function extensions(
  d: FieldData,
  req: BackendRequest,
  ctx: BackendContext,
  role: SshRole,
  warnings: string[],
): Record<string, string> {
  const asked = stringMap(d.get('extensions'));
  if (Object.keys(asked).length) {
    if (role.allowed_extensions === '*') return asked;
    const allowed = role.allowed_extensions.split(',');
    const bad = Object.keys(asked)
      .filter((k) => !allowed.includes(k))
      .sort();
    if (bad.length) throw userError(`extensions [${bad.join(' ')}] are not on allowed list`);
    return asked;
  }
  if (!role.default_extensions_template) return { ...role.default_extensions };
  const out: Record<string, string> = {};
  let skipped = false;
  for (const [k, v] of Object.entries(role.default_extensions)) {
    if (TEMPLATE.test(v) && !req.token?.entityId) skipped = true;
    else out[k] = render(v, req, ctx);
  }
  if (skipped)
    warnings.push(
      'default_extension templating enabled with at least one extension requiring identity templating. However, this request lacked identity entity information, causing one or more extensions to be skipped from the generated certificate.',
    );
  return out;
}

function ttlFor(d: FieldData, role: SshRole, ctx: BackendContext): number {
  const mount = ctx.ttls();
  const specified = d.has('ttl');
  let ttl = specified ? d.get<number>('ttl') : role.ttl;
  if (!ttl) ttl = mount.defaultTTL;
  const max = role.max_ttl || mount.maxTTL;
  if (ttl > max) {
    if (specified) throw userError(`ttl is larger than maximum allowed ${max}`);
    ttl = max;
  }
  return ttl;
}

/** A random 64-bit serial (Vault keeps the low 64 bits of a random serial number). */
function serial(): bigint {
  return crypto.randomBytes(8).readBigUInt64BE(0) || 1n;
}

async function signKey(
  ctx: BackendContext,
  store: SshStore,
  req: BackendRequest,
  d: FieldData,
  role: SshRole,
  roleName: string,
  key: SshPublicKey,
): Promise<{ data: Record<string, unknown>; warnings: string[] }> {
  checkKeyLengths(key, role);
  const warnings: string[] = [];
  let keyId = d.get<string>('key_id');
  if (keyId) {
    if (!role.allow_user_key_ids) throw userError('setting key_id is not allowed by role');
  } else {
    const display = req.token?.displayName ?? '';
    const format =
      role.key_id_format ||
      (display ? 'vault-{{token_display_name}}-{{public_key_hash}}' : 'vault-{{public_key_hash}}');
    const hash = crypto.createHash('sha256').update(key.blob).digest('hex');
    keyId = format
      .replaceAll('{{token_display_name}}', display)
      .replaceAll('{{role_name}}', roleName)
      .replaceAll('{{public_key_hash}}', hash);
  }
  const certType = d.get<string>('cert_type');
  if (certType === 'user' && !role.allow_user_certificates) throw userError("cert_type 'user' is not allowed by role");
  if (certType === 'host' && !role.allow_host_certificates) throw userError("cert_type 'host' is not allowed by role");
  if (certType !== 'user' && certType !== 'host') throw userError("cert_type must be either 'user' or 'host'");
  const host = certType === 'host';
  const names = principals(d, req, ctx, role, host);
  const ttl = ttlFor(d, role, ctx);
  const critical = criticalOptions(d, role);
  const exts = host ? {} : extensions(d, req, ctx, role, warnings);
  let signer: Awaited<ReturnType<SshStore['signer']>>;
  try {
    signer = await store.signer(role.algorithm_signer);
  } catch (e) {
    throw new VaultError(500, (e as Error).message);
  }
  if (!signer)
    throw new VaultError(500, 'failed to generate signed SSH key: no CA key is configured (write config/ca)');
  const now = ctx.clock.unix();
  const sn = serial();
  const cert = signCertificate(
    {
      key,
      serial: sn,
      type: host ? HOST_CERT : USER_CERT,
      keyId,
      principals: names,
      validAfter: Math.max(0, now - role.not_before_duration),
      validBefore: now + ttl,
      criticalOptions: critical,
      extensions: exts,
    },
    signer,
  );
  return { data: { serial_number: sn.toString(16), signed_key: certLine(cert) }, warnings };
}

export function signPaths(ctx: BackendContext, store: SshStore): PathDef[] {
  return [
    {
      pattern: 'sign/(?<role>[^/]+)',
      synopsis: 'Sign an SSH public key under a role.',
      fields: { public_key: { type: 'string', default: '' }, ...SIGN_FIELDS },
      operations: {
        update: async (req, d) => {
          const role = await store.role(req.params.role);
          if (!role) throw userError(`Unknown role: ${req.params.role}`);
          const text = d.get<string>('public_key');
          if (!text) throw userError('missing public_key');
          let key: SshPublicKey;
          try {
            key = parseAuthorizedKey(text);
          } catch (e) {
            throw userError(`failed to parse public_key as SSH key: ${(e as Error).message}`);
          }
          const r = await signKey(ctx, store, req, d, role, req.params.role, key);
          return { data: r.data, warnings: r.warnings.length ? r.warnings : undefined };
        },
      },
    },
    {
      pattern: 'issue/(?<role>[^/]+)',
      synopsis: 'Generate a key pair and sign its public key under a role.',
      fields: {
        key_type: { type: 'string', default: 'rsa', description: 'rsa, ec or ed25519.' },
        key_bits: { type: 'int', default: 0 },
        ...SIGN_FIELDS,
      },
      operations: {
        update: async (req, d) => {
          const role = await store.role(req.params.role);
          if (!role) throw userError(`unknown role: ${req.params.role}`);
          const keyType = d.get<string>('key_type');
          const keyBits = d.get<number>('key_bits');
          const lengths = role.allowed_user_key_lengths;
          if (Object.keys(lengths).length) {
            const allowed = lengths[keyType];
            if (!allowed) throw userError('provided key_type value not in allowed_user_key_types');
            if (keyType !== 'ed25519' && !allowed.includes(keyBits))
              throw userError("provided key_bits value not in list of role's allowed_user_key_types");
          }
          if (!['rsa', 'ec', 'ed25519'].includes(keyType))
            throw userError(`unknown ssh key pair algorithm: ${keyType}`);
          const priv = await generateSshKey(keyType, keyBits);
          const key = parsePublicBlob(publicBlob(priv));
          const r = await signKey(ctx, store, req, d, role, req.params.role, key);
          const privateKey =
            keyType === 'ed25519'
              ? opensshPrivateKey(priv)
              : (priv.export({ type: keyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' }) as string);
          return {
            data: { ...r.data, private_key: privateKey, private_key_type: keyType },
            warnings: r.warnings.length ? r.warnings : undefined,
          };
        },
      },
    },
  ];
}
