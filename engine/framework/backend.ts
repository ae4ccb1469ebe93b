/**
 * Declarative backends: every secrets engine and auth method is a list of paths, each
 * a pattern with named captures, typed fields, operation handlers and an optional
 * existence check. The router, not the backend, does auth, ACL, leases and audit.
 */
import type { Clock } from '../sdk/clock.js';
import type { StorageView } from '../sdk/storage.js';
import type { SystemView } from '../sdk/system-view.js';
import type { BackendResponse, Operation, TokenEntry } from '../sdk/types.js';
import type { IdentityResolver } from '../sdk/identity.js';
import type { FieldData, FieldSchema } from './fields.js';

export type { FieldSchema } from './fields.js';
export { FieldData } from './fields.js';

/** What a handler sees of the request. */
export interface BackendRequest {
  operation: Operation;
  /** Path relative to the mount. */
  path: string;
  /** The mount path, with trailing slash (`secret/`, `auth/userpass/`). */
  mountPath: string;
  /** Named captures from the matched pattern. */
  params: Record<string, string>;
  data: Record<string, unknown>;
  token?: TokenEntry;
  clientToken?: string;
  /** The requested wrap TTL in seconds (0 = not wrapped). */
  wrapTTL?: number;
  remoteAddress?: string;
  headers: Record<string, string>;
  /** Content type header (KV v2 PATCH needs merge-patch). */
  contentType?: string;
  /** The unparsed body, for the few paths that take bytes (raft snapshot restore). */
  rawBody?: Buffer;
}

export type Handler = (req: BackendRequest, d: FieldData) => Promise<BackendResponse | void> | BackendResponse | void;

export interface PathDef {
  /** Regex source matched against the whole mount-relative path; use named groups. */
  pattern: string;
  fields?: Record<string, FieldSchema>;
  operations: Partial<Record<Operation, Handler>>;
  /** Decides create (false) vs update (true) for writes. */
  existenceCheck?: (req: BackendRequest, d: FieldData) => Promise<boolean>;
  synopsis?: string;
  description?: string;
  /** Answers while the engine is sealed (sys/health, sys/unseal …); everything else gets 503. */
  sealExempt?: boolean;
  /** The envelope also carries `data` at its top level (sys/mounts, sys/policy … as Vault does). */
  injectTopLevel?: boolean;
}

/** Lease behaviour a backend declares for one secret type. */
export interface SecretType {
  renew?: (
    internal: Record<string, unknown>,
    lease: { ttl: number; increment: number; expireAt: number },
  ) => Promise<void>;
  revoke: (internal: Record<string, unknown>) => Promise<void>;
  defaultTTL?: number;
}

export interface Backend {
  type: string;
  kind: 'secret' | 'auth';
  help?: string;
  paths: PathDef[];
  /** Mount-relative globs (`login`, `login/*`) reachable without a token. */
  unauthenticated?: string[];
  /** Mount-relative globs that additionally need sudo. */
  rootPaths?: string[];
  secrets?: Record<string, SecretType>;
  /** Called when the mount is removed. */
  cleanup?: () => Promise<void>;
  /** Called after a restore/unseal so backends can drop caches. */
  invalidate?: () => void;
  /**
   * Validates a login token on renew (auth methods): throw to refuse with an error,
   * return `false` to leave the token unrenewed, or the TTLs to renew with now.
   */
  renewAuth?: (
    token: TokenEntry,
  ) => Promise<{ policies?: string[]; ttl?: number; maxTTL?: number; period?: number } | false | void>;
  /** Names (usernames, role ids) this auth method currently locks out (sys/locked-users). */
  lockedUsers?: () => Promise<string[]>;
  /** Lifts a lockout before it expires (sys/locked-users/<accessor>/unlock/<name>). */
  unlockUser?: (alias: string) => Promise<void>;
  /** The identity store (only the `identity/` mount has it): entities for logins, ACLs and templates. */
  identity?: IdentityResolver;
}

export interface CompiledPath extends PathDef {
  re: RegExp;
}

export function compilePaths(paths: PathDef[]): CompiledPath[] {
  return paths.map((p) => ({ ...p, re: new RegExp(`^(?:${p.pattern})$`) }));
}

export function matchPath(
  paths: CompiledPath[],
  rel: string,
): { def: CompiledPath; params: Record<string, string> } | undefined {
  for (const def of paths) {
    const m = def.re.exec(rel);
    if (m) {
      const params: Record<string, string> = {};
      if (m.groups)
        for (const k in m.groups) {
          const v = m.groups[k];
          if (v !== undefined) params[k] = v;
        }
      return { def, params };
    }
  }
  return undefined;
}

/** Vault-style glob match for unauthenticated/root path lists. */
export function globMatch(patterns: string[] | undefined, rel: string): boolean {
  if (!patterns) return false;
  return patterns.some((p) => (p.endsWith('*') ? rel.startsWith(p.slice(0, -1)) : rel === p || rel === p + '/'));
}

/** Everything a backend factory gets. */
export interface BackendContext {
  storage: StorageView;
  clock: Clock;
  mountPath: string;
  mountType: string;
  mountAccessor: string;
  options: Record<string, string> | null;
  /** Effective TTLs of the mount (seconds). */
  ttls: () => { defaultTTL: number; maxTTL: number };
  /** What the backend may ask of the engine: its mount config, token and policy helpers, passwords. */
  system: SystemView;
}

export type BackendFactory = (ctx: BackendContext) => Promise<Backend> | Backend;

/** Help text for `path-help`, generated from the same declarations as the routes. */
export function pathHelp(def: PathDef, requestPath = ''): string {
  const lines = [`Request:        ${requestPath}`, `Matching Route: ^${def.pattern}$`, '', def.synopsis ?? ''];
  const fields = Object.entries(def.fields ?? {});
  if (fields.length) {
    lines.push('', '## PARAMETERS', '');
    for (const [name, f] of fields.sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`    ${name} (${f.type})`, '');
      if (f.description) lines.push(`        ${f.description}`, '');
    }
  }
  if (def.description) lines.push('## DESCRIPTION', '', def.description);
  return lines.join('\n');
}

const OPENAPI_TYPES: Record<string, string> = {
  int: 'integer',
  bool: 'boolean',
  duration: 'string',
  map: 'object',
  object: 'object',
  kvpairs: 'object',
  commaStringSlice: 'array',
  stringSlice: 'array',
  intSlice: 'array',
};

/** A small OpenAPI document for one path, from the same declaration. */
export function pathOpenAPI(def: PathDef, mountPath: string, requestPath: string): Record<string, unknown> {
  const item: Record<string, unknown> = { description: def.synopsis ?? '' };
  const props: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(def.fields ?? {})) {
    props[name] = {
      type: OPENAPI_TYPES[f.type] ?? 'string',
      description: f.description ?? '',
      ...(f.default !== undefined ? { default: f.default } : {}),
    };
  }
  const ops = def.operations;
  const ok = { responses: { 200: { description: 'OK' } } };
  if (ops.read) item.get = ok;
  if (ops.list)
    item.get = {
      ...ok,
      parameters: [{ name: 'list', in: 'query', required: true, schema: { type: 'string', enum: ['true'] } }],
    };
  if (ops.create || ops.update)
    item.post = {
      ...ok,
      requestBody: { content: { 'application/json': { schema: { type: 'object', properties: props } } } },
    };
  if (ops.patch) item.patch = ok;
  if (ops.delete) item.delete = { responses: { 204: { description: 'empty body' } } };
  return {
    openapi: '3.0.2',
    info: { title: 'HashiCorp Vault API', version: '1.15.6' },
    paths: { [`/${mountPath}${requestPath}`]: item },
  };
}
