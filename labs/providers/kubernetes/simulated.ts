/**
 * A simulated Kubernetes control plane on loopback — the slice of the API the Kubernetes
 * auth lesson uses, honestly labelled as a simulation, served over HTTPS (kubectl sends a
 * bearer token only over TLS) with a CA and serving certificate from the PKI engine's
 * X.509 code. Real `kubectl` works against it: discovery (legacy and aggregated), tables
 * for `kubectl get`, create/apply/patch/delete of namespaces, service accounts, pods and
 * cluster role bindings, TokenRequest (`kubectl create token`), TokenReview, and
 * SelfSubjectAccessReview (`kubectl auth can-i`, also with `--as`). Tokens are real RS256
 * JWTs with Kubernetes' claims. Errors come back as `Status` objects, so kubectl prints
 * its usual `Error from server (NotFound): …` lines.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createPublicKey, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import YAML from 'yaml';
import { issueLoopbackTls } from '../../../engine/index.js';
import {
  AGGREGATED,
  aggregated,
  openapiV3,
  legacyRoot,
  type Obj,
  resourceList,
  table,
  typeByResource,
} from './sim/resources.js';
import { type Attributes, authorize, forbiddenMessage, type User } from './sim/rbac.js';
import { ApiError, mergePatch, qualified, Store } from './sim/store.js';
import { newSigner } from './sim/tokens.js';
import { decodeKubeProtobuf } from './sim/protobuf.js';

export { DEFAULT_AUDIENCE, ISSUER } from './sim/tokens.js';

export interface SimulatedCluster {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** PEM of the cluster's CA (a kubeconfig's certificate-authority-data, Vault's `kubernetes_ca_cert`). */
  caPem: string;
  /** A cluster-admin bearer token (what a kubeconfig carries). */
  adminToken: string;
  /** PEM of the token-signing public key (what `pem_keys` would hold). */
  publicKeyPem: string;
  /** Issues a service-account token as TokenRequest does. */
  issueToken(
    namespace: string,
    name: string,
    opts?: { audiences?: string[]; expirationSeconds?: number },
  ): Promise<string>;
  close(): Promise<void>;
}

const status = (e: ApiError) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: e.message,
  reason: e.reason,
  ...(e.details ? { details: e.details } : {}),
  code: e.code,
});
const VERB: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
/** The media type of a server-side table, as the API server labels it. */
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const PUBLIC = new Set(['/version', '/healthz', '/livez', '/readyz']);

async function readBody(req: IncomingMessage): Promise<Obj | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1 << 20) throw new ApiError(413, 'RequestEntityTooLarge', 'request entity too large');
    chunks.push(c as Buffer);
  }
  if (!chunks.length) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (/protobuf/.test(type)) {
    try {
      return decodeKubeProtobuf(Buffer.concat(chunks));
    } catch (e) {
      throw new ApiError(400, 'BadRequest', `the request body could not be decoded: ${(e as Error).message}`);
    }
  }
  if (!/json|yaml/.test(type) && type)
    throw new ApiError(415, 'UnsupportedMediaType', `the body type ${type} is not supported: send JSON or YAML`);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return /yaml/.test(type) ? YAML.parse(text) : JSON.parse(text);
  } catch {
    throw new ApiError(400, 'BadRequest', 'the request body could not be decoded');
  }
}

export async function startSimulatedCluster(opts: { now?: () => number } = {}): Promise<SimulatedCluster> {
  const now = opts.now ?? (() => Date.now());
  const signer = newSigner(now);
  const store = new Store(now);
  const adminToken = `sim-admin-${randomUUID()}`;
  const saT = typeByResource('', 'serviceaccounts')!;
  const crbT = typeByResource('rbac.authorization.k8s.io', 'clusterrolebindings')!;
  const uidOf = (ns: string, name: string) => store.find(saT, ns, name)?.metadata.uid as string | undefined;

  async function issueToken(
    namespace: string,
    name: string,
    o: { audiences?: string[]; expirationSeconds?: number; pod?: { name: string; uid: string } } = {},
  ) {
    const sa = store.find(saT, namespace, name);
    if (!sa) throw new ApiError(404, 'NotFound', `serviceaccounts "${name}" not found`);
    return signer.issue(
      { namespace, name, uid: sa.metadata.uid },
      { ...o, expirationSeconds: Math.max(600, o.expirationSeconds ?? 3600) },
    );
  }

  const saUser = (ns: string, name: string): User => ({
    username: `system:serviceaccount:${ns}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
  });

  /** Who is calling: the admin (maybe impersonating someone), a live service account, or nobody. */
  async function caller(req: IncomingMessage): Promise<User | undefined> {
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (!bearer) return undefined;
    if (bearer === adminToken) {
      const as = req.headers['impersonate-user'];
      if (typeof as === 'string' && as) {
        const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(as);
        const g = req.headers['impersonate-group'];
        const groups = Array.isArray(g) ? g : g ? [g] : [];
        return m ? saUser(m[1], m[2]) : { username: as, groups: [...groups, 'system:authenticated'] };
      }
      return { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
    }
    const r = await signer.review(bearer, [], uidOf);
    return r.authenticated ? saUser(r.namespace!, r.name!) : undefined;
  }

  function check(u: User, a: Attributes) {
    if (!authorize(u, a, store.list(crbT, undefined)).allowed)
      throw new ApiError(403, 'Forbidden', forbiddenMessage(u, a), { name: a.name, kind: a.resource });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (code: number, body: unknown, type = 'application/json') => {
      res.statusCode = code;
      res.setHeader('Content-Type', type);
      res.setHeader('Cache-Control', 'no-cache, private');
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'https://sim');
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const accept = String(req.headers.accept ?? '');
    if (req.method === 'GET' && PUBLIC.has(p)) {
      if (p !== '/version') return void send(200, 'ok');
      return void send(200, {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.0+vault-lab-simulated',
        platform: 'linux/amd64',
        goVersion: 'simulated',
      });
    }
    const user = await caller(req);
    if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    const body = await readBody(req);

    // Discovery: the aggregated form when kubectl asks for it, else the per-group-version lists.
    if (req.method === 'GET' && (p === '/api' || p === '/apis')) {
      const which = p === '/api' ? 'api' : 'apis';
      if (accept.includes('g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'))
        return void send(200, aggregated(which), AGGREGATED);
      return void send(200, legacyRoot(which));
    }
    const oa = /^\/openapi\/v3(?:\/(.+))?$/.exec(p);
    if (req.method === 'GET' && oa) {
      const doc = openapiV3(oa[1]);
      if (doc) return void send(200, doc);
    }
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(\/.*)?$/.exec(p);
    if (!m) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const group = m[1] ?? '';
    const rest = (m[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    if (!rest.length && req.method === 'GET') {
      const list = resourceList(group);
      if (list) return void send(200, list);
    }
    let ns: string | undefined;
    let segs = rest;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      ns = rest[1];
      segs = rest.slice(2);
    }
    const [resource, name, sub] = segs;
    const t = resource ? typeByResource(group, resource) : undefined;
    if (!t || segs.length > 3 || (sub && !t.sub?.[sub]) || (ns !== undefined && !t.namespaced))
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const verb =
      req.method === 'GET'
        ? name
          ? 'get'
          : url.searchParams.get('watch') === 'true'
            ? 'watch'
            : 'list'
        : VERB[req.method ?? ''];
    if (!verb) throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on ${t.resource}`);
    if (!t.verbs.includes(verb) && !sub)
      throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    check(user, { verb, group, resource: sub ? `${resource}/${sub}` : resource, namespace: ns, name });
    if (t.namespaced && ns !== undefined) store.requireNamespace(ns);

    if (t.resource === 'tokenreviews') {
      const token = body?.spec?.token;
      if (typeof token !== 'string' || !token) throw new ApiError(400, 'BadRequest', 'spec.token: Required value');
      const r = await signer.review(token, Array.isArray(body!.spec.audiences) ? body!.spec.audiences : [], uidOf);
      const u = r.authenticated ? saUser(r.namespace!, r.name!) : undefined;
      return void send(201, {
        kind: 'TokenReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: body!.spec,
        status: u
          ? { authenticated: true, user: { ...u, uid: r.uid }, audiences: r.audiences }
          : { user: {}, error: r.error },
      });
    }
    if (t.resource === 'selfsubjectreviews')
      return void send(201, {
        kind: 'SelfSubjectReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        status: { userInfo: user },
      });
    if (t.resource === 'selfsubjectaccessreviews') {
      const ra = body?.spec?.resourceAttributes;
      const decision = ra
        ? authorize(
            user,
            {
              verb: ra.verb ?? '',
              group: ra.group ?? '',
              resource: ra.subresource ? `${ra.resource}/${ra.subresource}` : (ra.resource ?? ''),
              namespace: ra.namespace || undefined,
              name: ra.name || undefined,
            },
            store.list(crbT, undefined),
          )
        : { allowed: user.groups.includes('system:masters'), reason: '' };
      return void send(201, {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: body?.spec ?? {},
        status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
      });
    }
    if (sub === 'token') {
      const exp = body?.spec?.expirationSeconds;
      if (exp !== undefined && exp !== null && (typeof exp !== 'number' || exp < 600))
        throw new ApiError(
          422,
          'Invalid',
          `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${exp}: may not specify a duration less than 10 minutes`,
        );
      const audiences =
        Array.isArray(body?.spec?.audiences) && body!.spec.audiences.length ? body!.spec.audiences : undefined;
      store.get(t, ns, name!);
      const bound = body?.spec?.boundObjectRef;
      let pod: { name: string; uid: string } | undefined;
      if (bound?.kind === 'Pod') {
        const po = store.get(typeByResource('', 'pods')!, ns, String(bound.name ?? ''));
        if (po.spec.serviceAccountName !== name)
          throw new ApiError(
            400,
            'BadRequest',
            `the pod "${po.metadata.name}" runs as "${po.spec.serviceAccountName}", not "${name}"`,
          );
        pod = { name: po.metadata.name, uid: po.metadata.uid };
      }
      const token = await issueToken(ns!, name!, { audiences, expirationSeconds: exp ?? 3600, pod });
      const c = decodeJwt(token);
      return void send(201, {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { name, namespace: ns, creationTimestamp: null },
        spec: {
          audiences: c.aud,
          expirationSeconds: c.exp! - c.iat!,
          boundObjectRef: body?.spec?.boundObjectRef ?? null,
        },
        status: { token, expirationTimestamp: new Date(c.exp! * 1000).toISOString().replace(/\.\d+Z$/, 'Z') },
      });
    }

    const asTable = accept.includes('as=Table');
    const include = url.searchParams.get('includeObject') ?? 'Metadata';
    if (verb === 'get') {
      const o = store.get(t, ns, name!);
      return void (asTable ? send(200, table(t, [o], now(), include), TABLE) : send(200, o));
    }
    if (verb === 'list' || verb === 'watch') {
      let items = store.list(t, ns);
      const field = /^metadata\.name=(.*)$/.exec(url.searchParams.get('fieldSelector') ?? '');
      if (field) items = items.filter((o) => o.metadata.name === field[1]);
      if (verb === 'watch') {
        res.setHeader('Content-Type', 'application/json');
        for (const o of items) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
        const timer = setTimeout(() => res.end(), 2000);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      if (asTable) return void send(200, table(t, items, now(), include), TABLE);
      return void send(200, {
        kind: `${t.kind}List`,
        apiVersion: t.group ? `${t.group}/v1` : 'v1',
        metadata: { resourceVersion: '1' },
        items,
      });
    }
    if (verb === 'create') {
      if (name) throw new ApiError(405, 'MethodNotAllowed', 'POST goes to the collection, not to an object');
      return void send(201, store.create(t, ns, body ?? {}));
    }
    if (verb === 'update') return void send(200, store.update(t, ns, name!, body ?? {}));
    if (verb === 'patch') {
      const type = req.headers['content-type'] ?? '';
      if (/json-patch/.test(type))
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          'the simulated cluster takes merge and strategic merge patches',
        );
      const cur = store.find(t, ns, name!);
      if (!cur && /apply-patch/.test(type))
        return void send(201, store.create(t, ns, { ...(body ?? {}), metadata: { ...(body?.metadata ?? {}), name } }));
      if (!cur) store.get(t, ns, name!);
      return void send(200, store.update(t, ns, name!, mergePatch(cur, body ?? {}, /strategic/.test(type)) as Obj));
    }
    const gone = store.delete(t, ns, name!);
    if (t.resource === 'namespaces') return void send(200, gone);
    return void send(200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: t.group, kind: qualified(t).split('.')[0], uid: gone.metadata.uid },
    });
  }

  const tls = issueLoopbackTls({ caName: 'vault-lab simulated Kubernetes CA', serverName: 'kube-apiserver' });
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    handle(req, res).catch((e) => {
      const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', (e as Error).message);
      if (res.headersSent) return void res.end();
      res.statusCode = err.code;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(status(err)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: tls.caPem,
    adminToken,
    publicKeyPem: createPublicKey(signer.privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    issueToken: (ns, name, o) => issueToken(ns, name, o),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
