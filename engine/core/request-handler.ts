/**
 * The request pipeline, one place for every request: path checks, the seal, mount match,
 * token lookup, ACL, create-vs-update, the backend's handler, leases, login tokens,
 * response wrapping and the audit entries around it all. Backends only see allowed requests.
 */
import type { AclOperation } from './acl.js';
import type { RequestAuditor } from './audit-log.js';
import type { ExpirationManager } from './expiration.js';
import type { LiveMount, MountTable } from './mount-table.js';
import type { PolicyStore } from './policies.js';
import type { TokenManager } from './token-manager.js';
import { type ResponseWrapper, WRAPPING_TOKEN_PATHS } from './wrapping.js';
import { normalizePolicyName } from './policy.js';
import {
  permissionDenied,
  toVaultError,
  unsupportedOperation,
  unsupportedPath,
  userError,
  VaultError,
} from '../sdk/errors.js';
import { uuid } from '../sdk/ids.js';
import { addressAllowed } from '../sdk/net.js';
import type { BackendResponse, EngineResponse, HandleInput, Operation, TokenEntry } from '../sdk/types.js';
import type { AclDecision } from '../sdk/audit.js';
import {
  type BackendRequest,
  type CompiledPath,
  FieldData,
  globMatch,
  matchPath,
  pathHelp,
  pathOpenAPI,
} from '../framework/backend.js';

export type { HandleInput } from '../sdk/types.js';

/** What the pipeline works with: the core's parts. */
export interface PipelineHost {
  readonly sealed: boolean;
  readonly version: string;
  readonly mounts: MountTable;
  readonly tokens: TokenManager;
  readonly policies: PolicyStore;
  readonly expiration: ExpirationManager;
  readonly wrapping: ResponseWrapper;
  readonly auditLog: RequestAuditor;
}

export class RequestHandler {
  constructor(private readonly host: PipelineHost) {}

  /** Handles one request end to end. Never throws: errors become Vault error responses. */
  async handle(input: HandleInput): Promise<EngineResponse> {
    const requestId = uuid();
    const ctx: ReqCtx = {
      requestId,
      input,
      path: '',
      op: 'read',
      mount: undefined,
      def: undefined,
      token: undefined,
      decision: null,
      logged: false,
    };
    try {
      return await this.route(ctx);
    } catch (e) {
      const err = toVaultError(e);
      await this.host.auditLog.response(ctx, err.status, null, err.rendered().join('\n')).catch(() => undefined);
      // A token's last use is spent even when the request fails.
      await this.afterRequest(ctx).catch(() => undefined);
      return errorResponse(err);
    }
  }

  private async route(ctx: ReqCtx): Promise<EngineResponse> {
    const { input } = ctx;
    if (input.parseError) throw userError(input.parseError);
    let path = (input.path ?? '').replace(/^\/+/, '');
    const segs = path.split('/');
    if (segs.some((s) => s === '.' || s === '..'))
      throw userError('invalid request path: "." and ".." segments are not allowed');
    if (path.includes('\0')) throw userError('invalid request path: NUL byte');
    let op: Operation | 'write' = input.operation;
    if (op === 'list' && !path.endsWith('/')) path += '/';
    ctx.path = path;

    const mount = this.host.mounts.match(path);
    const rel = mount ? path.slice(mount.prefix.length) : '';
    const matched = mount ? matchPath(mount.paths, rel) : undefined;
    // While sealed only the in-memory sys/ is mounted, and only its seal-exempt paths answer.
    if (this.host.sealed && !sealExempt(mount, rel, matched?.def)) throw new VaultError(503, 'Vault is sealed');
    ctx.mount = mount;
    ctx.def = matched?.def;
    const unauth = !!mount && globMatch(mount.backend.unauthenticated, rel);
    const data = (input.data ?? {}) as Record<string, unknown>;

    // Token check.
    let token: TokenEntry | undefined;
    // A sealed core cannot read its token store: only the unauthenticated seal paths answer.
    if (this.host.sealed && !unauth) throw new VaultError(503, 'Vault is sealed');
    if (WRAPPING_TOKEN_PATHS.has(path)) {
      // Vault checks the wrapping token first, so a spent one is a 400 even as the client token.
      try {
        await this.host.wrapping.checkRequestToken(input.token, data);
      } catch (e) {
        ctx.op = op === 'write' ? 'update' : op;
        await this.host.auditLog.request(ctx);
        throw e;
      }
    }
    if (input.token && !this.host.sealed) token = await this.host.tokens.store.lookup(input.token);
    if (!unauth) {
      if (!input.token) {
        ctx.op = op === 'write' ? 'update' : op;
        await this.host.auditLog.request(ctx);
        throw new VaultError(403, 'permission denied');
      }
      if (!token) {
        ctx.op = op === 'write' ? 'update' : op;
        await this.host.auditLog.request(ctx);
        throw new VaultError(403, ['permission denied', 'invalid token'], { multi: true });
      }
      // token_bound_cidrs of an auth method's role/user: the token only works from those addresses.
      const cidrs = token.internal?.boundCidrs;
      if (Array.isArray(cidrs) && cidrs.length && !addressAllowed(input.remoteAddress, cidrs as string[])) {
        ctx.op = op === 'write' ? 'update' : op;
        await this.host.auditLog.request(ctx);
        throw permissionDenied();
      }
    }
    ctx.token = token;

    const breq: BackendRequest = {
      operation: 'read',
      path: rel,
      mountPath: mount?.prefix ?? '',
      params: matched?.params ?? {},
      data,
      token,
      clientToken: input.token,
      wrapTTL: input.wrapTTL ?? 0,
      remoteAddress: input.remoteAddress,
      headers: input.headers ?? {},
      contentType: input.contentType,
      rawBody: input.rawBody,
    };
    const fd = new FieldData(data, matched?.def.fields ?? {});

    // create vs update.
    if (op === 'write') {
      op = 'update';
      if (matched?.def.existenceCheck && (matched.def.operations.create || matched.def.operations.update)) {
        try {
          op = (await matched.def.existenceCheck(breq, fd)) ? 'update' : 'create';
        } catch (e) {
          if (!(e instanceof VaultError)) throw e;
          op = 'update';
        }
      }
    }
    ctx.op = op;
    breq.operation = op;

    // ACL.
    if (!unauth && token && op !== 'help') {
      // A disabled or deleted entity makes its tokens useless (403), as in Vault.
      const { acl, origins } = await this.host.policies.judge(token).catch(async (e) => {
        await this.host.auditLog.request(ctx);
        throw e;
      });
      const needSudo = !!mount && globMatch(mount.backend.rootPaths, rel);
      const decision = acl.allow(path, op as AclOperation, data, needSudo, input.wrapTTL ?? 0);
      // Which group or entity a granting policy came from: only worth working out when someone reads the log.
      if (origins && this.host.auditLog.auditing()) this.host.policies.explain(decision, origins);
      ctx.decision = decision;
      if (!decision.allowed) {
        await this.host.auditLog.request(ctx);
        if (await this.host.tokens.store.use(token)) ctx.revokeAfter = token.id;
        throw permissionDenied();
      }
      const revokeAfter = await this.host.tokens.store.use(token);
      if (revokeAfter) ctx.revokeAfter = token.id;
    }
    await this.host.auditLog.request(ctx);

    if (!mount) throw new VaultError(404, `no handler for route "${path}". route entry not found.`);
    if (op === 'help') {
      // Help comes from the same declarations as the routes; the mount root gives the backend's overview.
      if (!matched && rel !== '') throw unsupportedPath();
      const help = matched && rel !== '' ? pathHelp(matched.def, rel) : (mount.backend.help ?? '');
      const openapi =
        matched && rel !== ''
          ? pathOpenAPI(matched.def, mount.prefix, rel)
          : { openapi: '3.0.2', info: { title: 'HashiCorp Vault API', version: this.host.version }, paths: {} };
      return this.finish(ctx, { bare: { help, openapi } });
    }
    if (!matched) throw unsupportedPath();
    const handler = matched.def.operations[op] ?? (op === 'create' ? matched.def.operations.update : undefined);
    if (!handler) throw unsupportedOperation();
    fd.validate();
    for (const [name, f] of Object.entries(matched.def.fields ?? {})) {
      if (f.required && !fd.has(name) && (op === 'create' || op === 'update'))
        throw userError(`missing required field "${name}"`);
    }
    const res = await handler(breq, fd);
    return this.finish(ctx, res ?? {});
  }

  private async finish(ctx: ReqCtx, res: BackendResponse): Promise<EngineResponse> {
    const mountType = ctx.mount?.entry.type ?? '';
    if (res.bare) {
      await this.host.auditLog.response(ctx, res.status ?? 200, res.bare, '');
      await this.afterRequest(ctx);
      return { status: res.status ?? 200, body: res.bare };
    }
    if (res.raw) {
      await this.host.auditLog.response(ctx, res.raw.status, null, '');
      await this.afterRequest(ctx);
      return { status: res.raw.status, body: null, raw: { contentType: res.raw.contentType, body: res.raw.body } };
    }
    const env: Record<string, unknown> = {
      request_id: ctx.requestId,
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: res.data ?? null,
      wrap_info: null,
      warnings: res.warnings?.length ? res.warnings : null,
      auth: null,
      mount_type: mountType,
    };
    if (res.secret && ctx.mount) {
      const ttls = this.host.mounts.ttls(ctx.mount.entry);
      let ttl = res.secret.ttl || ttls.defaultTTL;
      const max = Math.min(res.secret.maxTTL || ttls.maxTTL, ttls.maxTTL);
      if (ttl > max) ttl = max;
      if (res.secret.advisoryOnly) {
        env.lease_duration = ttl;
      } else {
        const lease = await this.host.expiration.register({
          path: ctx.path,
          mountPath: ctx.mount.prefix,
          secretType: res.secret.type,
          internal: res.secret.internal ?? {},
          ttl,
          maxTTL: max,
          renewable: res.secret.renewable ?? true,
          token: ctx.token?.id ?? '',
        });
        env.lease_id = lease.id;
        env.renewable = lease.renewable;
        env.lease_duration = ttl;
        if (ctx.revokeAfter) {
          await this.host.expiration.revoke(lease.id).catch(() => undefined);
          throw userError(
            'Secret cannot be returned; token had one use left, so leased credentials were immediately revoked.',
          );
        }
      }
    }
    if (res.auth && ctx.mount) {
      const ttls = this.host.mounts.ttls(ctx.mount.entry);
      const a = res.auth;
      const named = a.policies.map(normalizePolicyName).filter(Boolean);
      if (named.includes('root')) throw userError('auth methods cannot create root tokens');
      if (named.includes('response-wrapping')) throw userError('cannot assign policy "response-wrapping"');
      const policies = a.noDefaultPolicy ? named : [...named, 'default'];
      const m = ctx.mount.entry;
      const identity = a.alias ? this.host.policies.identity() : undefined;
      const entityId = identity
        ? await identity.loginEntity({ ...m, path: ctx.mount.prefix }, a.alias!, a.groupAliases)
        : undefined;
      const { entry, warnings } = await this.host.tokens.create({
        entityId,
        policies,
        parent: '',
        path: ctx.path,
        displayName: a.displayName,
        meta: a.metadata ?? null,
        ttl: a.ttl,
        maxTTL: a.maxTTL,
        explicitMaxTTL: a.explicitMaxTTL,
        period: a.period,
        numUses: a.numUses,
        renewable: a.renewable,
        type: a.tokenType,
        internal: { ...(a.internal ?? {}), mountPath: ctx.mount.prefix, mountDefaultTTL: ttls.defaultTTL },
        mountMaxTTL: ttls.maxTTL,
        mountDefaultTTL: ttls.defaultTTL,
      });
      env.auth = this.host.tokens.authBlock(entry, { metadata: a.metadata ?? null });
      if (warnings.length) env.warnings = [...((env.warnings as string[]) ?? []), ...warnings];
    }
    if (res.tokenAuth) env.auth = res.tokenAuth;
    if (res.wrapInfo) {
      env.wrap_info = res.wrapInfo;
      env.request_id = '';
    }
    if (res.lease) {
      env.lease_id = res.lease.id;
      env.renewable = res.lease.renewable;
      env.lease_duration = res.lease.duration;
    }
    if ((res.injectTopLevel || ctx.def?.injectTopLevel) && res.data) Object.assign(env, res.data);

    const empty =
      env.data === null &&
      env.auth === null &&
      env.wrap_info === null &&
      !env.lease_id &&
      !env.warnings &&
      !env.lease_duration &&
      !res.status;
    const status = res.status ?? (empty ? 204 : 200);

    // Response wrapping: only successful responses with something in them are wrapped.
    const wrapTTL = ctx.input.wrapTTL ?? 0;
    if (wrapTTL > 0 && status === 200 && !empty && !res.wrapInfo) {
      const wrappedAccessor =
        res.wrappedAccessor ?? ((env.auth as { accessor?: string } | null)?.accessor || undefined);
      const wrapped = await this.host.wrapping.wrap(env, ctx.path, ctx.token, wrapTTL, wrappedAccessor);
      wrapped.mount_type = mountType;
      await this.host.auditLog.response(ctx, 200, wrapped, '');
      await this.afterRequest(ctx);
      return { status: 200, body: wrapped };
    }
    await this.host.auditLog.response(ctx, status, env, '');
    await this.afterRequest(ctx);
    return { status, body: empty ? null : env };
  }

  private async afterRequest(ctx: ReqCtx) {
    if (ctx.revokeAfter) await this.host.tokens.store.revokeTree(ctx.revokeAfter);
  }
}

export interface ReqCtx {
  requestId: string;
  input: HandleInput;
  path: string;
  op: Operation;
  mount: LiveMount | undefined;
  /** The matched path declaration (its flags shape the response). */
  def: CompiledPath | undefined;
  token: TokenEntry | undefined;
  decision: AclDecision | null;
  logged: boolean;
  revokeAfter?: string;
}

/** Whether a path answers while sealed (a trailing slash is ignored, as it always was). */
function sealExempt(mount: LiveMount | undefined, rel: string, def: CompiledPath | undefined): boolean {
  if (def) return !!def.sealExempt;
  if (!mount || !rel.endsWith('/')) return false;
  return !!matchPath(mount.paths, rel.slice(0, -1))?.def.sealExempt;
}

export function errorResponse(err: VaultError): EngineResponse {
  const body: Record<string, unknown> = err.body ? { ...err.body } : { errors: err.rendered() };
  return { status: err.status, body };
}
