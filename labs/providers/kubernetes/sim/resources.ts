/**
 * The resource types the simulated cluster serves, and what kubectl derives from them:
 * discovery in both forms (the per-group-version lists, and the aggregated
 * `APIGroupDiscoveryList` kubectl 1.30+ asks for first), `shortNames`, `verbs`, and the
 * server-side tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`) that
 * `kubectl get` prints.
 */

export type Obj = Record<string, any>;

export interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  priority?: number;
  cell: (o: Obj, now: number) => string | number;
}

export interface ResourceType {
  resource: string;
  singular: string;
  kind: string;
  group: string;
  version: 'v1';
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories?: string[];
  /** Subresources (`serviceaccounts/token`): name → kind and verbs. */
  sub?: Record<string, { kind: string; group: string; verbs: string[] }>;
  columns?: Column[];
}

const CRUD = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** Kubernetes' short ages: 42s, 3m12s, 15m, 4h30m, 2d… (the AGE column). */
export function age(created: string | undefined, now: number): string {
  if (!created) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const nameCol: Column = { name: 'Name', type: 'string', cell: (o) => o.metadata.name };
const ageCol: Column = { name: 'Age', type: 'string', cell: (o, now) => age(o.metadata.creationTimestamp, now) };
const subjectsOf = (o: Obj, kind: string) =>
  (o.subjects ?? [])
    .filter((s: Obj) => s.kind === kind)
    .map((s: Obj) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');

export const TYPES: ResourceType[] = [
  {
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
    verbs: CRUD,
    columns: [nameCol, { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Active' }, ageCol],
  },
  {
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['sa'],
    verbs: CRUD,
    sub: { token: { kind: 'TokenRequest', group: 'authentication.k8s.io', verbs: ['create'] } },
    columns: [nameCol, { name: 'Secrets', type: 'integer', cell: (o) => (o.secrets ?? []).length }, ageCol],
  },
  {
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['po'],
    verbs: CRUD,
    categories: ['all'],
    columns: [
      nameCol,
      {
        name: 'Ready',
        type: 'string',
        cell: (o) => `${(o.spec?.containers ?? []).length}/${(o.spec?.containers ?? []).length}`,
      },
      { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Pending' },
      { name: 'Restarts', type: 'string', cell: () => '0' },
      ageCol,
      { name: 'Service Account', type: 'string', priority: 1, cell: (o) => o.spec?.serviceAccountName ?? '' },
    ],
  },
  {
    resource: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: false,
    shortNames: [],
    verbs: CRUD,
    columns: [
      nameCol,
      { name: 'Role', type: 'string', cell: (o) => `${o.roleRef?.kind ?? 'ClusterRole'}/${o.roleRef?.name ?? ''}` },
      ageCol,
      { name: 'Users', type: 'string', priority: 1, cell: (o) => subjectsOf(o, 'User') },
      { name: 'Groups', type: 'string', priority: 1, cell: (o) => subjectsOf(o, 'Group') },
      { name: 'ServiceAccounts', type: 'string', priority: 1, cell: (o) => subjectsOf(o, 'ServiceAccount') },
    ],
  },
  {
    resource: 'clusterroles',
    singular: 'clusterrole',
    kind: 'ClusterRole',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    namespaced: false,
    shortNames: [],
    verbs: ['get', 'list', 'watch'],
    columns: [nameCol, { name: 'Created At', type: 'string', cell: (o) => o.metadata.creationTimestamp }],
  },
  {
    resource: 'tokenreviews',
    singular: 'tokenreview',
    kind: 'TokenReview',
    group: 'authentication.k8s.io',
    version: 'v1',
    namespaced: false,
    shortNames: [],
    verbs: ['create'],
  },
  {
    resource: 'selfsubjectreviews',
    singular: 'selfsubjectreview',
    kind: 'SelfSubjectReview',
    group: 'authentication.k8s.io',
    version: 'v1',
    namespaced: false,
    shortNames: [],
    verbs: ['create'],
  },
  {
    resource: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    group: 'authorization.k8s.io',
    version: 'v1',
    namespaced: false,
    shortNames: [],
    verbs: ['create'],
  },
];

export const GROUPS = [...new Set(TYPES.map((t) => t.group).filter(Boolean))];
export const apiVersionOf = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);
export const typeByResource = (group: string, resource: string) =>
  TYPES.find((t) => t.group === group && t.resource === resource);
export const typeByKind = (apiVersion: string, kind: string) =>
  TYPES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);

/** The media type of aggregated discovery, which kubectl 1.30+ lists first in its Accept header. */
export const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** `/api` or `/apis`, legacy form. */
export function legacyRoot(which: 'api' | 'apis'): Obj {
  if (which === 'api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: GROUPS.map((g) => ({
      name: g,
      versions: [{ groupVersion: `${g}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' },
    })),
  };
}

/** `/api/v1` or `/apis/<group>/v1`: the APIResourceList, or undefined for an unknown group. */
export function resourceList(group: string): Obj | undefined {
  const types = TYPES.filter((t) => t.group === group);
  if (!types.length) return undefined;
  const resources: Obj[] = [];
  for (const t of types) {
    resources.push({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    });
    for (const [name, s] of Object.entries(t.sub ?? {}))
      resources.push({
        name: `${t.resource}/${name}`,
        singularName: '',
        namespaced: t.namespaced,
        group: s.group,
        version: 'v1',
        kind: s.kind,
        verbs: s.verbs,
      });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources };
}

/** `/api` or `/apis` in the aggregated form: every group, version and resource in one document. */
export function aggregated(which: 'api' | 'apis'): Obj {
  const groups = which === 'api' ? [''] : GROUPS;
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: g ? { name: g, creationTimestamp: null } : { creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          freshness: 'Current',
          resources: TYPES.filter((t) => t.group === g).map((t) => ({
            resource: t.resource,
            responseKind: { group: t.group, version: 'v1', kind: t.kind },
            scope: t.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: t.singular,
            verbs: t.verbs,
            ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
            ...(t.categories ? { categories: t.categories } : {}),
            ...(t.sub
              ? {
                  subresources: Object.entries(t.sub).map(([name, s]) => ({
                    subresource: name,
                    responseKind: { group: s.group, version: 'v1', kind: s.kind },
                    verbs: s.verbs,
                  })),
                }
              : {}),
          })),
        },
      ],
    })),
  };
}

/** A meta.k8s.io/v1 Table of `items` as the API server renders it for `kubectl get`. */
export function table(t: ResourceType, items: Obj[], now: number, includeObject: string): Obj {
  const cols = t.columns ?? [nameCol, ageCol];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '1' },
    columnDefinitions: cols.map((c) => ({
      name: c.name,
      type: c.type,
      format: c === nameCol ? 'name' : '',
      description: c.name,
      priority: c.priority ?? 0,
    })),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/**
 * `/openapi/v3` and its per-group-version documents — only what `kubectl apply` reads:
 * each kind's PATCH operation and its `fieldValidation` query parameter (so kubectl lets
 * the server validate fields instead of downloading a full schema).
 */
export function openapiV3(gvPath: string | undefined): Obj | undefined {
  const gvs = ['', ...GROUPS].map((g) => ({ g, path: g ? `apis/${g}/v1` : 'api/v1' }));
  if (gvPath === undefined)
    return {
      paths: Object.fromEntries(
        gvs.map((x) => [x.path, { serverRelativeURL: `/openapi/v3/${x.path}?hash=vault-lab-1` }]),
      ),
    };
  const gv = gvs.find((x) => x.path === gvPath);
  if (!gv) return undefined;
  const paths: Obj = {};
  for (const t of TYPES.filter((x) => x.group === gv.g && x.verbs.includes('patch'))) {
    const p = `/${gv.path}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}/{name}`;
    paths[p] = {
      patch: {
        operationId: `patch${t.kind}`,
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: t.group, version: 'v1', kind: t.kind },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes (vault-lab simulated)', version: 'v1.32.0' }, paths };
}
