/**
 * The Kubernetes auth method (`auth/<mount>/`): a workload proves who it is with its
 * service-account JWT; the engine asks the cluster's TokenReview API whether the token
 * is genuine, then checks the service account's name, namespace and audience against
 * the role. This solves "secret zero": no pre-shared Vault credential in the pod.
 */
import http from 'node:http';
import https from 'node:https';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type { Backend, BackendContext, PathDef } from '../../framework/backend.js';
import { notFound, permissionDenied, userError, VaultError } from '../../sdk/errors.js';
import {
  emptyTokenParams,
  LEGACY_TOKEN_FIELDS,
  listResponse,
  loginDisplayName,
  parseTokenFields,
  TOKEN_FIELDS,
  tokenAuth,
  tokenData,
  type TokenParams,
} from '../common.js';

interface Config {
  kubernetes_host: string;
  kubernetes_ca_cert: string;
  token_reviewer_jwt: string;
  pem_keys: string[];
  disable_local_ca_jwt: boolean;
  issuer: string;
  disable_iss_validation: boolean;
}

interface Role extends TokenParams {
  bound_service_account_names: string[];
  bound_service_account_namespaces: string[];
  audience: string;
  alias_name_source: string;
}

/** The service-account identity a JWT claims (legacy secret-based or projected tokens). */
export interface SAClaims {
  namespace: string;
  name: string;
  uid: string;
  secretName: string;
  audiences: string[];
  exp?: number;
  iss?: string;
}

function b64json(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Reads the claims without verifying (the TokenReview call is what verifies). @throws 400 on a malformed JWT. */
export function parseSAJwt(jwt: string): {
  claims: SAClaims;
  header: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
} {
  const parts = jwt.split('.');
  if (parts.length !== 3)
    throw userError('failed to parse JWT: go-jose/go-jose: compact JWS format must have three parts');
  let header: Record<string, unknown>, p: Record<string, unknown>;
  try {
    header = b64json(parts[0]);
    p = b64json(parts[1]);
  } catch {
    throw userError('failed to parse JWT: illegal base64 data or invalid JSON');
  }
  const k8s = p['kubernetes.io'] as
    | { namespace?: string; serviceaccount?: { name?: string; uid?: string }; pod?: unknown }
    | undefined;
  const claims: SAClaims = k8s?.namespace
    ? {
        namespace: k8s.namespace,
        name: k8s.serviceaccount?.name ?? '',
        uid: k8s.serviceaccount?.uid ?? '',
        secretName: '',
        audiences: [],
      }
    : {
        namespace: String(p['kubernetes.io/serviceaccount/namespace'] ?? ''),
        name: String(p['kubernetes.io/serviceaccount/service-account.name'] ?? ''),
        uid: String(p['kubernetes.io/serviceaccount/service-account.uid'] ?? ''),
        secretName: String(p['kubernetes.io/serviceaccount/secret.name'] ?? ''),
        audiences: [],
      };
  const aud = p.aud;
  claims.audiences = Array.isArray(aud) ? aud.map(String) : typeof aud === 'string' ? [aud] : [];
  if (typeof p.exp === 'number') claims.exp = p.exp;
  if (typeof p.iss === 'string') claims.iss = p.iss;
  return { claims, header, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

/** `*` or globs with a leading/trailing `*`, as Vault matches bound names. */
export function globAllows(patterns: string[], value: string): boolean {
  return patterns.some((p) => {
    if (p === '*') return true;
    if (!p.includes('*')) return p === value;
    const re = new RegExp(
      '^' +
        p
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*') +
        '$',
    );
    return re.test(value);
  });
}

function verifyWithPemKeys(jwt: ReturnType<typeof parseSAJwt>, pems: string[]): boolean {
  const alg = String(jwt.header.alg ?? '');
  const hash = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' }[
    alg
  ];
  if (!hash) return false;
  for (const pem of pems) {
    try {
      const key = createPublicKey(pem);
      const opts = alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
      if (cryptoVerify(hash, Buffer.from(jwt.signingInput), opts, jwt.signature)) return true;
    } catch {
      /* try the next key */
    }
  }
  return false;
}

/** POSTs a TokenReview to the cluster; resolves with the parsed status (or throws a reason). */
async function tokenReview(
  cfg: Config,
  jwt: string,
  audiences: string[],
): Promise<{ status: number; body: Record<string, any> }> {
  const url = new URL('/apis/authentication.k8s.io/v1/tokenreviews', cfg.kubernetes_host.replace(/\/+$/, '') + '/');
  const payload = JSON.stringify({
    metadata: { creationTimestamp: null },
    spec: { token: jwt, ...(audiences.length ? { audiences } : {}) },
    status: { user: {} },
  });
  const bearer = cfg.token_reviewer_jwt || jwt;
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${bearer}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Content-Length': Buffer.byteLength(payload),
        },
        ...(url.protocol === 'https:' && cfg.kubernetes_ca_cert ? { ca: cfg.kubernetes_ca_cert } : {}),
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let body: Record<string, any> = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = {};
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

export function kubernetesBackend(ctx: BackendContext): Backend {
  const st = ctx.storage;
  const getConfig = () => st.getJSON<Config>('config');
  const getRole = (name: string) => st.getJSON<Role>(`role/${name.toLowerCase()}`);

  const roleFields = {
    ...TOKEN_FIELDS,
    ...LEGACY_TOKEN_FIELDS,
    bound_service_account_names: {
      type: 'commaStringSlice' as const,
      description: 'Service account names able to access this role; "*" means all.',
    },
    bound_service_account_namespaces: {
      type: 'commaStringSlice' as const,
      description: 'Namespaces allowed to access this role; "*" means all.',
    },
    bound_service_account_namespace_selector: { type: 'string' as const },
    audience: {
      type: 'string' as const,
      description: 'The audience the service-account JWT must carry (checked through TokenReview).',
    },
    alias_name_source: { type: 'string' as const, default: 'serviceaccount_uid' },
  };

  const paths: PathDef[] = [
    {
      pattern: 'config',
      synopsis: 'Configures the JWT public key and the Kubernetes API information.',
      fields: {
        kubernetes_host: { type: 'string', description: 'Host of the Kubernetes API server (scheme://host:port).' },
        kubernetes_ca_cert: { type: 'string' },
        token_reviewer_jwt: {
          type: 'string',
          description: 'A service-account JWT allowed to call TokenReview. Never read back.',
        },
        pem_keys: { type: 'commaStringSlice' },
        disable_local_ca_jwt: { type: 'bool', default: false },
        issuer: { type: 'string' },
        disable_iss_validation: { type: 'bool', default: true },
      },
      operations: {
        read: async () => {
          const c = await getConfig();
          if (!c) throw notFound();
          return {
            data: {
              kubernetes_host: c.kubernetes_host,
              kubernetes_ca_cert: c.kubernetes_ca_cert,
              pem_keys: c.pem_keys,
              issuer: c.issuer,
              disable_iss_validation: c.disable_iss_validation,
              disable_local_ca_jwt: c.disable_local_ca_jwt,
              token_reviewer_jwt_set: !!c.token_reviewer_jwt,
            },
          };
        },
        update: async (_req, d) => {
          const host = d.get<string>('kubernetes_host');
          if (!host) throw userError('no host provided');
          let u: URL;
          try {
            u = new URL(host);
          } catch {
            throw userError(
              `invalid kubernetes_host ${JSON.stringify(host)}: it must be a URL such as https://kubernetes.default.svc:443`,
            );
          }
          if (u.protocol !== 'http:' && u.protocol !== 'https:')
            throw userError(`invalid kubernetes_host ${JSON.stringify(host)}: the scheme must be http or https`);
          const pems = d.get<string[]>('pem_keys');
          for (const p of pems) {
            try {
              createPublicKey(p);
            } catch {
              throw userError('failed to parse one of the pem_keys: it must be a PEM-encoded public key');
            }
          }
          const ca = d.get<string>('kubernetes_ca_cert');
          if (ca && !ca.includes('-----BEGIN CERTIFICATE-----'))
            throw userError('kubernetes_ca_cert must be a PEM-encoded certificate');
          await st.putJSON('config', {
            kubernetes_host: host,
            kubernetes_ca_cert: ca,
            token_reviewer_jwt: d.get<string>('token_reviewer_jwt'),
            pem_keys: pems,
            disable_local_ca_jwt: d.get<boolean>('disable_local_ca_jwt'),
            issuer: d.get<string>('issuer'),
            disable_iss_validation: d.get<boolean>('disable_iss_validation'),
          } satisfies Config);
        },
      },
    },
    { pattern: 'role/?', operations: { list: async () => listResponse((await st.list('role/')).sort()) } },
    {
      pattern: 'role/(?<name>[^/]+)',
      synopsis: 'Register a role with the backend.',
      fields: roleFields,
      existenceCheck: async (req) => !!(await getRole(req.params.name)),
      operations: {
        read: async (req) => {
          const r = await getRole(req.params.name);
          if (!r) throw notFound();
          return {
            data: {
              ...tokenData(r),
              bound_service_account_names: r.bound_service_account_names,
              bound_service_account_namespaces: r.bound_service_account_namespaces,
              bound_service_account_namespace_selector: '',
              audience: r.audience,
              alias_name_source: r.alias_name_source,
            },
          };
        },
        create: async (req, d) => writeRole(req.params.name, d),
        update: async (req, d) => writeRole(req.params.name, d),
        delete: async (req) => {
          await st.delete(`role/${req.params.name.toLowerCase()}`);
        },
      },
    },
    {
      pattern: 'login',
      synopsis: 'Authenticates Kubernetes service accounts with Vault.',
      fields: { role: { type: 'string' }, jwt: { type: 'string' } },
      operations: {
        update: async (_req, d) => {
          const roleName = d.get<string>('role');
          if (!roleName) throw userError('missing role');
          const jwt = d.get<string>('jwt');
          if (!jwt) throw userError('missing jwt');
          const role = await getRole(roleName);
          if (!role) throw userError(`invalid role name "${roleName}"`);
          const cfg = await getConfig();
          if (!cfg) throw userError('could not load backend configuration');
          const parsed = parseSAJwt(jwt);
          const c = parsed.claims;
          if (cfg.pem_keys.length) {
            if (!verifyWithPemKeys(parsed, cfg.pem_keys)) throw permissionDenied();
            if (c.exp !== undefined && c.exp * 1000 < ctx.clock.nowMs()) throw permissionDenied();
          }
          if (!cfg.disable_iss_validation && cfg.issuer && c.iss !== cfg.issuer) throw permissionDenied();
          if (!globAllows(role.bound_service_account_names, c.name))
            throw new VaultError(403, 'service account name not authorized');
          if (!globAllows(role.bound_service_account_namespaces, c.namespace))
            throw new VaultError(403, 'namespace not authorized');
          let review;
          try {
            review = await tokenReview(cfg, jwt, role.audience ? [role.audience] : []);
          } catch (e) {
            throw new VaultError(
              500,
              `failed to reach the TokenReview API at ${cfg.kubernetes_host}: ${(e as Error).message}`,
            );
          }
          const s = review.body?.status ?? {};
          const ok =
            review.status >= 200 &&
            review.status < 300 &&
            review.body?.kind !== 'Status' &&
            !s.error &&
            s.authenticated === true &&
            (!role.audience || (Array.isArray(s.audiences) && s.audiences.includes(role.audience))) &&
            s.user?.username === `system:serviceaccount:${c.namespace}:${c.name}` &&
            (!c.uid || s.user?.uid === c.uid);
          if (!ok) throw permissionDenied();
          const metadata = {
            service_account_name: c.name,
            service_account_namespace: c.namespace,
            service_account_uid: c.uid,
            service_account_secret_name: c.secretName,
            role: roleName,
          };
          const mountType = ctx.system.mountConfig()?.token_type as string | undefined;
          return {
            auth: tokenAuth(role, {
              displayName: loginDisplayName(ctx.mountPath, `${c.namespace}-${c.name}`),
              metadata,
              internal: {
                role: roleName,
                alias: role.alias_name_source === 'serviceaccount_name' ? `${c.namespace}/${c.name}` : c.uid,
              },
              mountTokenType: mountType,
              alias: {
                name: role.alias_name_source === 'serviceaccount_name' ? `${c.namespace}/${c.name}` : c.uid,
                metadata: {
                  service_account_name: c.name,
                  service_account_namespace: c.namespace,
                  service_account_uid: c.uid,
                  service_account_secret_name: c.secretName,
                },
              },
            }),
          };
        },
      },
    },
  ];

  async function writeRole(name: string, d: import('../../framework/fields.js').FieldData) {
    const prev =
      (await getRole(name)) ??
      ({
        ...emptyTokenParams(),
        bound_service_account_names: [],
        bound_service_account_namespaces: [],
        audience: '',
        alias_name_source: 'serviceaccount_uid',
      } as Role);
    const next: Role = {
      ...prev,
      ...parseTokenFields(prev, d, ['policies', 'ttl', 'max_ttl', 'period', 'bound_cidrs']),
    };
    if (d.has('bound_service_account_names'))
      next.bound_service_account_names = d.get<string[]>('bound_service_account_names');
    if (d.has('bound_service_account_namespaces'))
      next.bound_service_account_namespaces = d.get<string[]>('bound_service_account_namespaces');
    if (d.has('audience')) next.audience = d.get<string>('audience');
    if (d.has('alias_name_source')) {
      const a = d.get<string>('alias_name_source');
      if (a !== 'serviceaccount_uid' && a !== 'serviceaccount_name')
        throw userError(`invalid alias_name_source "${a}": use serviceaccount_uid or serviceaccount_name`);
      next.alias_name_source = a;
    }
    if (!next.bound_service_account_names.length) throw userError('"bound_service_account_names" can not be empty');
    if (!next.bound_service_account_namespaces.length)
      throw userError('"bound_service_account_namespaces" can not be empty');
    if (next.bound_service_account_names.length > 1 && next.bound_service_account_names.includes('*'))
      throw userError('can not mix "*" with values');
    if (next.bound_service_account_namespaces.length > 1 && next.bound_service_account_namespaces.includes('*'))
      throw userError('can not mix "*" with values');
    await st.putJSON(`role/${name.toLowerCase()}`, next);
  }

  return {
    type: 'kubernetes',
    kind: 'auth',
    paths,
    unauthenticated: ['login'],
    help: 'The Kubernetes Auth Backend allows authentication with Kubernetes service account tokens.',
  };
}
