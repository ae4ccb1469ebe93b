/**
 * The simulated cluster's objects, kept as Kubernetes JSON, with the rules the API server
 * applies when they are created, changed or deleted (names, namespaces, immutable fields,
 * a pod's service account, a namespace's `default` account, cascading namespace deletion).
 * Errors are thrown as {@link ApiError}, which the server turns into a `Status`.
 */
import { randomUUID } from 'node:crypto';
import { apiVersionOf, type Obj, type ResourceType, TYPES } from './resources.js';
import { CLUSTER_ROLES } from './rbac.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Obj,
  ) {
    super(message);
  }
}

/** `serviceaccounts` or `clusterrolebindings.rbac.authorization.k8s.io`, as messages name a type. */
export const qualified = (t: ResourceType) => (t.group ? `${t.resource}.${t.group}` : t.resource);
const notFound = (t: ResourceType, name: string) =>
  new ApiError(404, 'NotFound', `${qualified(t)} "${name}" not found`, { name, group: t.group, kind: t.resource });
const invalid = (t: ResourceType, name: string, field: string, why: string) =>
  new ApiError(422, 'Invalid', `${t.kind}${t.group ? `.${t.group}` : ''} "${name}" is invalid: ${field}: ${why}`, {
    name,
    group: t.group,
    kind: t.kind,
    causes: [{ reason: why.startsWith('Required') ? 'FieldValueRequired' : 'FieldValueInvalid', message: why, field }],
  });

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Lists a strategic merge patch merges element by element, keyed by `name` (as Kubernetes' patch strategy says). */
const MERGED_BY_NAME = new Set(['containers', 'initContainers', 'volumes', 'env', 'imagePullSecrets']);

/**
 * RFC 7386 merge; with `strategic`, also the parts of a strategic merge patch kubectl sends
 * for our kinds: lists of containers, volumes, env merged by `name`, `$` directives read
 * (`$patch: delete` removes an element) or dropped.
 */
export function mergePatch(target: unknown, patch: unknown, strategic = false, key = ''): unknown {
  if (strategic && MERGED_BY_NAME.has(key) && Array.isArray(patch) && Array.isArray(target)) {
    const out = target.map((x) => ({ ...x }));
    for (const p of patch as Obj[]) {
      const i = out.findIndex((x) => x.name === p?.name);
      if (p?.$patch === 'delete') {
        if (i >= 0) out.splice(i, 1);
      } else if (i >= 0) out[i] = mergePatch(out[i], p, true) as Obj;
      else out.push(mergePatch({}, p, true) as Obj);
    }
    return out;
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Obj = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [k, v] of Object.entries(patch as Obj)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v, strategic, k);
  }
  return out;
}

export class Store {
  private readonly objects = new Map<string, Map<string, Obj>>();
  private rv = 1;

  constructor(private readonly now: () => number) {
    for (const t of TYPES) this.objects.set(t.resource, new Map());
    const crt = TYPES.find((t) => t.resource === 'clusterroles')!;
    for (const name of Object.keys(CLUSTER_ROLES)) this.put(crt, this.stamp(crt, { metadata: { name } }, undefined));
    const nsT = TYPES.find((t) => t.resource === 'namespaces')!;
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      this.create(nsT, undefined, { metadata: { name: ns } });
  }

  private timestamp = () => new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  private key = (t: ResourceType, ns: string | undefined, name: string) => (t.namespaced ? `${ns}/${name}` : name);
  private map = (t: ResourceType) => this.objects.get(t.resource)!;
  private put(t: ResourceType, o: Obj) {
    this.map(t).set(this.key(t, o.metadata.namespace, o.metadata.name), o);
    return o;
  }

  private stamp(t: ResourceType, body: Obj, ns: string | undefined): Obj {
    const metadata = { ...(body.metadata ?? {}) };
    delete metadata.managedFields;
    return {
      ...body,
      kind: t.kind,
      apiVersion: apiVersionOf(t),
      metadata: {
        ...metadata,
        ...(t.namespaced ? { namespace: ns } : {}),
        uid: randomUUID(),
        resourceVersion: String(++this.rv),
        creationTimestamp: this.timestamp(),
      },
    };
  }

  find(t: ResourceType, ns: string | undefined, name: string): Obj | undefined {
    return this.map(t).get(this.key(t, ns, name));
  }
  get(t: ResourceType, ns: string | undefined, name: string): Obj {
    const o = this.find(t, ns, name);
    if (!o) throw notFound(t, name);
    return o;
  }
  list(t: ResourceType, ns: string | undefined): Obj[] {
    return [...this.map(t).values()]
      .filter((o) => !t.namespaced || ns === undefined || o.metadata.namespace === ns)
      .sort(
        (a, b) =>
          (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
          a.metadata.name.localeCompare(b.metadata.name),
      );
  }
  /** The namespace must exist for a namespaced request. */
  requireNamespace(ns: string): void {
    if (!this.find(TYPES.find((t) => t.resource === 'namespaces')!, undefined, ns))
      throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
  }

  create(t: ResourceType, ns: string | undefined, body: Obj): Obj {
    if (t.resource === 'clusterroles')
      throw new ApiError(405, 'MethodNotAllowed', 'the simulated cluster keeps its built-in cluster roles only');
    const name = body?.metadata?.name;
    if (body?.kind && body.kind !== t.kind)
      throw new ApiError(400, 'BadRequest', `the object provided is a ${body.kind}, the request is for ${t.resource}`);
    if (t.namespaced && body?.metadata?.namespace && body.metadata.namespace !== ns)
      throw new ApiError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    if (typeof name !== 'string' || !name)
      throw invalid(t, '', 'metadata.name', 'Required value: name or generateName is required');
    const shape = t.resource === 'namespaces' ? DNS_LABEL : DNS_SUBDOMAIN;
    if (!shape.test(name) || name.length > 253)
      throw invalid(
        t,
        name,
        'metadata.name',
        `Invalid value: "${name}": a lowercase RFC 1123 ${shape === DNS_LABEL ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.'`,
      );
    if (t.namespaced) this.requireNamespace(ns!);
    if (this.find(t, ns, name))
      throw new ApiError(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, {
        name,
        group: t.group,
        kind: t.resource,
      });
    const o = this.stamp(t, body, ns);
    if (t.resource === 'namespaces') o.status = { phase: 'Active' };
    if (t.resource === 'clusterrolebindings') {
      if (!o.roleRef?.name) throw invalid(t, name, 'roleRef.name', 'Required value');
      o.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', ...o.roleRef };
      for (const s of o.subjects ?? []) if (s.kind === 'ServiceAccount' && !s.namespace) s.namespace = '';
    }
    if (t.resource === 'pods') this.admitPod(t, o);
    this.put(t, o);
    if (t.resource === 'namespaces')
      this.create(TYPES.find((x) => x.resource === 'serviceaccounts')!, name, { metadata: { name: 'default' } });
    return o;
  }

  private admitPod(t: ResourceType, o: Obj): void {
    const name = o.metadata.name;
    if (!Array.isArray(o.spec?.containers) || !o.spec.containers.length)
      throw invalid(t, name, 'spec.containers', 'Required value');
    const sa = o.spec.serviceAccountName ?? o.spec.serviceAccount ?? 'default';
    if (!this.find(TYPES.find((x) => x.resource === 'serviceaccounts')!, o.metadata.namespace, sa))
      throw new ApiError(
        403,
        'Forbidden',
        `pods "${name}" is forbidden: error looking up service account ${o.metadata.namespace}/${sa}: serviceaccount "${sa}" not found`,
      );
    o.spec = { ...o.spec, serviceAccountName: sa, serviceAccount: sa, nodeName: 'vault-lab-simulated' };
    o.status = {
      phase: 'Running',
      podIP: '10.244.0.10',
      startTime: o.metadata.creationTimestamp,
      containerStatuses: o.spec.containers.map((c: Obj) => ({
        name: c.name,
        image: c.image,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: o.metadata.creationTimestamp } },
      })),
    };
  }

  /** Replaces or patches an existing object, keeping what the server owns; immutable fields stay. */
  update(t: ResourceType, ns: string | undefined, name: string, next: Obj): Obj {
    const cur = this.get(t, ns, name);
    if (next.metadata?.name && next.metadata.name !== name)
      throw new ApiError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    if (t.resource === 'clusterroles')
      throw new ApiError(405, 'MethodNotAllowed', 'the simulated cluster keeps its built-in cluster roles only');
    if (t.resource === 'clusterrolebindings' && next.roleRef) {
      const r = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', ...next.roleRef };
      if (r.name !== cur.roleRef.name || r.kind !== cur.roleRef.kind)
        throw invalid(
          t,
          name,
          'roleRef',
          `Invalid value: {"kind":"${r.kind}","name":"${r.name}"}: cannot change roleRef`,
        );
    }
    if (t.resource === 'pods') {
      const strip = (s: Obj) =>
        JSON.stringify({ ...s, containers: (s.containers ?? []).map((c: Obj) => ({ ...c, image: '' })) });
      const spec = { ...cur.spec, ...(next.spec ?? {}) };
      if (strip(spec) !== strip(cur.spec))
        throw invalid(
          t,
          name,
          'spec',
          'Forbidden: pod updates may not change fields other than `spec.containers[*].image`',
        );
    }
    const o: Obj = {
      ...cur,
      ...next,
      kind: t.kind,
      apiVersion: apiVersionOf(t),
      metadata: {
        ...(next.metadata ?? {}),
        name,
        ...(t.namespaced ? { namespace: ns } : {}),
        uid: cur.metadata.uid,
        creationTimestamp: cur.metadata.creationTimestamp,
        resourceVersion: String(++this.rv),
      },
      ...(cur.status ? { status: cur.status } : {}),
    };
    delete o.metadata.managedFields;
    if (t.resource === 'pods') o.spec = { ...cur.spec, ...(next.spec ?? {}) };
    return this.put(t, o);
  }

  delete(t: ResourceType, ns: string | undefined, name: string): Obj {
    const o = this.get(t, ns, name);
    if (t.resource === 'clusterroles')
      throw new ApiError(405, 'MethodNotAllowed', 'the simulated cluster keeps its built-in cluster roles only');
    this.map(t).delete(this.key(t, ns, name));
    if (t.resource === 'namespaces') {
      for (const nt of TYPES.filter((x) => x.namespaced))
        for (const k of [...this.map(nt).keys()]) if (k.startsWith(`${name}/`)) this.map(nt).delete(k);
      return { ...o, status: { phase: 'Terminating' } };
    }
    return o;
  }
}
