/**
 * A simulated Kubernetes control plane on loopback — the slice of the API the Kubernetes
 * auth lesson uses, honestly labelled as a simulation: namespaces, service accounts,
 * TokenRequest (`kubectl create token`), TokenReview, and cluster role bindings kept as
 * data. Tokens are real RS256 JWTs with Kubernetes' claims, signed by a key generated
 * per cluster; TokenReview verifies signature, expiry, audience and that the service
 * account still exists with the same UID, and only answers callers bound to
 * `system:auth-delegator` (or the cluster admin).
 */
import http from 'node:http';
import { randomUUID, generateKeyPairSync, createPublicKey, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SignJWT, jwtVerify, decodeJwt } from 'jose';

export const DEFAULT_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

interface ServiceAccount {
  name: string;
  namespace: string;
  uid: string;
  created: string;
}
interface Binding {
  name: string;
  roleRef: { kind: string; name: string; apiGroup?: string };
  subjects: Array<{ kind: string; name: string; namespace?: string }>;
}

export interface SimulatedCluster {
  url: string;
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

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

export async function startSimulatedCluster(opts: { now?: () => number } = {}): Promise<SimulatedCluster> {
  const now = opts.now ?? (() => Date.now());
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const namespaces = new Map<string, { uid: string; created: string }>();
  const sas = new Map<string, ServiceAccount>();
  const bindings = new Map<string, Binding>();
  const adminToken = `sim-admin-${randomUUID()}`;
  const stamp = () => new Date(now()).toISOString().replace(/\.\d+Z$/, 'Z');
  for (const ns of ['default', 'kube-system', 'kube-public'])
    namespaces.set(ns, { uid: randomUUID(), created: stamp() });
  const key = (ns: string, n: string) => `${ns}/${n}`;
  for (const ns of namespaces.keys())
    sas.set(key(ns, 'default'), { name: 'default', namespace: ns, uid: randomUUID(), created: stamp() });

  async function issueToken(
    namespace: string,
    name: string,
    o: { audiences?: string[]; expirationSeconds?: number } = {},
  ) {
    const sa = sas.get(key(namespace, name));
    if (!sa) throw new Error(`serviceaccounts "${name}" not found`);
    const iat = Math.floor(now() / 1000);
    const exp = iat + Math.max(600, o.expirationSeconds ?? 3600);
    return new SignJWT({
      'kubernetes.io': { namespace, serviceaccount: { name, uid: sa.uid } },
    })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(ISSUER)
      .setSubject(`system:serviceaccount:${namespace}:${name}`)
      .setAudience(o.audiences?.length ? o.audiences : [DEFAULT_AUDIENCE])
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(privateKey as KeyObject);
  }

  /** Who a bearer token is: the admin, a live service account, or nobody. */
  async function whoIs(token: string | undefined): Promise<{ admin: true } | { sa: ServiceAccount } | null> {
    if (!token) return null;
    if (token === adminToken) return { admin: true };
    const r = await review(token, []);
    if (!r.authenticated) return null;
    return { sa: sas.get(key(r.namespace!, r.name!))! };
  }

  async function review(
    token: string,
    audiences: string[],
  ): Promise<{
    authenticated: boolean;
    error?: string;
    namespace?: string;
    name?: string;
    uid?: string;
    audiences?: string[];
  }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, publicKey, {
        issuer: ISSUER,
        currentDate: new Date(now()),
        audience: audiences.length ? audiences : undefined,
        algorithms: ['RS256'],
      }));
    } catch (e) {
      const msg = (e as Error).message;
      return {
        authenticated: false,
        error: /exp/.test(msg)
          ? '[invalid bearer token, token has expired]'
          : /aud/.test(msg)
            ? '[invalid bearer token, token audiences ... is invalid for the target audiences]'
            : '[invalid bearer token, square/go-jose: error in cryptographic primitive]',
      };
    }
    const k = payload['kubernetes.io'] as
      | { namespace?: string; serviceaccount?: { name?: string; uid?: string } }
      | undefined;
    const sa = k?.namespace && k.serviceaccount?.name ? sas.get(key(k.namespace, k.serviceaccount.name)) : undefined;
    if (!sa || sa.uid !== k?.serviceaccount?.uid)
      return { authenticated: false, error: '[invalid bearer token, service account token has been invalidated]' };
    const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
    return {
      authenticated: true,
      namespace: sa.namespace,
      name: sa.name,
      uid: sa.uid,
      audiences: audiences.length ? audiences.filter((a) => aud.includes(a)) : aud,
    };
  }

  const isDelegator = (sa: ServiceAccount) =>
    [...bindings.values()].some((b) =>
      b.roleRef.name === 'system:auth-delegator' || b.roleRef.name === 'cluster-admin'
        ? b.subjects.some(
            (s) => s.kind === 'ServiceAccount' && s.name === sa.name && (s.namespace ?? 'default') === sa.namespace,
          )
        : false,
    );

  const saJSON = (sa: ServiceAccount) => ({
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    metadata: { name: sa.name, namespace: sa.namespace, uid: sa.uid, creationTimestamp: sa.created },
  });
  const nsJSON = (n: string) => ({
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { name: n, uid: namespaces.get(n)!.uid, creationTimestamp: namespaces.get(n)!.created },
    status: { phase: 'Active' },
  });
  const crbJSON = (b: Binding) => ({
    kind: 'ClusterRoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: b.name },
    roleRef: b.roleRef,
    subjects: b.subjects,
  });

  const server = http.createServer(async (req, res) => {
    const send = (code: number, body: unknown) => {
      res.statusCode = code;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body));
    };
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > 1 << 20) {
          send(413, status(413, 'RequestEntityTooLarge', 'request entity too large'));
          return;
        }
        chunks.push(c as Buffer);
      }
      let body: Record<string, any> = {};
      if (chunks.length) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          send(400, status(400, 'BadRequest', 'the request body is not valid JSON'));
          return;
        }
      }
      const url = new URL(req.url ?? '/', 'http://sim');
      const p = url.pathname.replace(/\/+$/, '');
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || undefined;
      const who = await whoIs(bearer);
      if (p === '/version') {
        send(200, { major: '1', minor: '30', gitVersion: 'v1.30.0+vault-lab-simulated', platform: 'simulated' });
        return;
      }
      // Discovery, so kubectl (when installed) finds the resources this slice serves.
      const res = (name: string, kind: string, namespaced: boolean, verbs: string[]) => ({
        name,
        singularName: '',
        namespaced,
        kind,
        verbs,
      });
      const discovery: Record<string, unknown> = {
        '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
        '/apis': {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [
            {
              name: 'rbac.authorization.k8s.io',
              versions: [{ groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' }],
              preferredVersion: { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' },
            },
            {
              name: 'authentication.k8s.io',
              versions: [{ groupVersion: 'authentication.k8s.io/v1', version: 'v1' }],
              preferredVersion: { groupVersion: 'authentication.k8s.io/v1', version: 'v1' },
            },
          ],
        },
        '/api/v1': {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            res('namespaces', 'Namespace', false, ['create', 'delete', 'get', 'list']),
            res('serviceaccounts', 'ServiceAccount', true, ['create', 'delete', 'get', 'list']),
            res('serviceaccounts/token', 'TokenRequest', true, ['create']),
          ],
        },
        '/apis/rbac.authorization.k8s.io/v1': {
          kind: 'APIResourceList',
          groupVersion: 'rbac.authorization.k8s.io/v1',
          resources: [res('clusterrolebindings', 'ClusterRoleBinding', false, ['create', 'delete', 'get', 'list'])],
        },
        '/apis/authentication.k8s.io/v1': {
          kind: 'APIResourceList',
          groupVersion: 'authentication.k8s.io/v1',
          resources: [res('tokenreviews', 'TokenReview', false, ['create'])],
        },
      };
      if (req.method === 'GET' && discovery[p]) {
        send(200, discovery[p]);
        return;
      }
      if (!who) {
        send(401, status(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      const admin = 'admin' in who;
      const forbid = (verb: string, resource: string) =>
        send(
          403,
          status(
            403,
            'Forbidden',
            `${resource} is forbidden: User "${admin ? 'admin' : `system:serviceaccount:${(who as { sa: ServiceAccount }).sa.namespace}:${(who as { sa: ServiceAccount }).sa.name}`}" cannot ${verb} resource "${resource}"`,
          ),
        );

      if (p === '/apis/authentication.k8s.io/v1/tokenreviews' && req.method === 'POST') {
        if (!admin && !isDelegator((who as { sa: ServiceAccount }).sa)) {
          forbid('create', 'tokenreviews');
          return;
        }
        const token = body?.spec?.token;
        if (typeof token !== 'string' || !token) {
          send(400, status(400, 'BadRequest', 'spec.token: Required value'));
          return;
        }
        const r = await review(token, Array.isArray(body.spec.audiences) ? body.spec.audiences : []);
        const out: Record<string, unknown> = {
          kind: 'TokenReview',
          apiVersion: 'authentication.k8s.io/v1',
          metadata: { creationTimestamp: null },
          spec: body.spec,
          status: {},
        };
        out.status = r.authenticated
          ? {
              authenticated: true,
              user: {
                username: `system:serviceaccount:${r.namespace}:${r.name}`,
                uid: r.uid,
                groups: ['system:serviceaccounts', `system:serviceaccounts:${r.namespace}`, 'system:authenticated'],
              },
              audiences: r.audiences,
            }
          : { user: {}, error: r.error };
        send(201, out);
        return;
      }
      if (!admin) {
        forbid(req.method?.toLowerCase() ?? 'get', p.split('/').filter(Boolean).slice(-1)[0] ?? '');
        return;
      }
      let m: RegExpExecArray | null;
      if (p === '/api/v1/namespaces') {
        if (req.method === 'GET') {
          send(200, { kind: 'NamespaceList', apiVersion: 'v1', items: [...namespaces.keys()].map(nsJSON) });
          return;
        }
        if (req.method === 'POST') {
          const name = body?.metadata?.name;
          if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
            send(422, status(422, 'Invalid', 'metadata.name: Invalid value'));
            return;
          }
          if (namespaces.has(name)) {
            send(409, status(409, 'AlreadyExists', `namespaces "${name}" already exists`));
            return;
          }
          namespaces.set(name, { uid: randomUUID(), created: stamp() });
          sas.set(key(name, 'default'), { name: 'default', namespace: name, uid: randomUUID(), created: stamp() });
          send(201, nsJSON(name));
          return;
        }
      }
      if ((m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p))) {
        const ns = decodeURIComponent(m[1]);
        if (!namespaces.has(ns)) {
          send(404, status(404, 'NotFound', `namespaces "${ns}" not found`));
          return;
        }
        if (req.method === 'GET') {
          send(200, nsJSON(ns));
          return;
        }
        if (req.method === 'DELETE') {
          namespaces.delete(ns);
          for (const k of [...sas.keys()]) if (k.startsWith(ns + '/')) sas.delete(k);
          send(200, nsJSON(ns));
          return;
        }
      }
      if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts(?:\/([^/]+))?(\/token)?$/.exec(p))) {
        const ns = decodeURIComponent(m[1]);
        const name = m[2] ? decodeURIComponent(m[2]) : undefined;
        if (!namespaces.has(ns)) {
          send(404, status(404, 'NotFound', `namespaces "${ns}" not found`));
          return;
        }
        if (m[3] && req.method === 'POST') {
          const sa = sas.get(key(ns, name!));
          if (!sa) {
            send(404, status(404, 'NotFound', `serviceaccounts "${name}" not found`));
            return;
          }
          const exp = Number(body?.spec?.expirationSeconds ?? 3600);
          const token = await issueToken(ns, name!, { audiences: body?.spec?.audiences, expirationSeconds: exp });
          const claims = decodeJwt(token);
          send(201, {
            kind: 'TokenRequest',
            apiVersion: 'authentication.k8s.io/v1',
            metadata: { name, namespace: ns, creationTimestamp: null },
            spec: { audiences: claims.aud, expirationSeconds: claims.exp! - claims.iat! },
            status: { token, expirationTimestamp: new Date(claims.exp! * 1000).toISOString().replace(/\.\d+Z$/, 'Z') },
          });
          return;
        }
        if (!name && req.method === 'GET') {
          send(200, {
            kind: 'ServiceAccountList',
            apiVersion: 'v1',
            items: [...sas.values()].filter((s) => s.namespace === ns).map(saJSON),
          });
          return;
        }
        if (!name && req.method === 'POST') {
          const n = body?.metadata?.name;
          if (typeof n !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(n)) {
            send(422, status(422, 'Invalid', 'metadata.name: Invalid value'));
            return;
          }
          if (sas.has(key(ns, n))) {
            send(409, status(409, 'AlreadyExists', `serviceaccounts "${n}" already exists`));
            return;
          }
          const sa = { name: n, namespace: ns, uid: randomUUID(), created: stamp() };
          sas.set(key(ns, n), sa);
          send(201, saJSON(sa));
          return;
        }
        if (name) {
          const sa = sas.get(key(ns, name));
          if (!sa) {
            send(404, status(404, 'NotFound', `serviceaccounts "${name}" not found`));
            return;
          }
          if (req.method === 'GET') {
            send(200, saJSON(sa));
            return;
          }
          if (req.method === 'DELETE') {
            sas.delete(key(ns, name));
            send(200, saJSON(sa));
            return;
          }
        }
      }
      if ((m = /^\/apis\/rbac\.authorization\.k8s\.io\/v1\/clusterrolebindings(?:\/([^/]+))?$/.exec(p))) {
        const name = m[1] ? decodeURIComponent(m[1]) : undefined;
        if (!name && req.method === 'GET') {
          send(200, {
            kind: 'ClusterRoleBindingList',
            apiVersion: 'rbac.authorization.k8s.io/v1',
            items: [...bindings.values()].map(crbJSON),
          });
          return;
        }
        if (!name && req.method === 'POST') {
          const n = body?.metadata?.name;
          if (typeof n !== 'string' || !n) {
            send(422, status(422, 'Invalid', 'metadata.name: Required value'));
            return;
          }
          if (bindings.has(n)) {
            send(
              409,
              status(409, 'AlreadyExists', `clusterrolebindings.rbac.authorization.k8s.io "${n}" already exists`),
            );
            return;
          }
          const b: Binding = {
            name: n,
            roleRef: body.roleRef ?? { kind: 'ClusterRole', name: '' },
            subjects: Array.isArray(body.subjects) ? body.subjects : [],
          };
          bindings.set(n, b);
          send(201, crbJSON(b));
          return;
        }
        if (name) {
          const b = bindings.get(name);
          if (!b) {
            send(404, status(404, 'NotFound', `clusterrolebindings.rbac.authorization.k8s.io "${name}" not found`));
            return;
          }
          if (req.method === 'GET') {
            send(200, crbJSON(b));
            return;
          }
          if (req.method === 'DELETE') {
            bindings.delete(name);
            send(200, crbJSON(b));
            return;
          }
        }
      }
      send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    } catch (e) {
      send(500, status(500, 'InternalError', (e as Error).message));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    issueToken,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
