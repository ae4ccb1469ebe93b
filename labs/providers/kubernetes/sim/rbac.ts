/**
 * Role-based access in the simulated cluster: a few built-in cluster roles, cluster role
 * bindings as data, and one question — may this user do this verb on this resource?
 * The kubeconfig's admin is in `system:masters` and may do anything (including
 * impersonating another user, which is how `kubectl auth can-i --as=…` asks).
 */
import type { Obj } from './resources.js';

export interface User {
  username: string;
  groups: string[];
}

interface Rule {
  groups: string[];
  resources: string[];
  verbs: string[];
}
const rule = (groups: string[], resources: string[], verbs: string[]): Rule => ({ groups, resources, verbs });
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'patch', 'update'];

/** The built-in cluster roles (the parts of them this slice of the API can act on). */
export const CLUSTER_ROLES: Record<string, Rule[]> = {
  'cluster-admin': [rule(['*'], ['*'], ['*'])],
  'system:auth-delegator': [
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
  ],
  admin: [rule([''], ['pods', 'serviceaccounts', 'serviceaccounts/token'], [...READ, ...WRITE])],
  edit: [rule([''], ['pods', 'serviceaccounts', 'serviceaccounts/token'], [...READ, ...WRITE])],
  view: [rule([''], ['pods', 'serviceaccounts', 'namespaces'], READ)],
  'system:basic-user': [
    rule(['authorization.k8s.io'], ['selfsubjectaccessreviews'], ['create']),
    rule(['authentication.k8s.io'], ['selfsubjectreviews'], ['create']),
  ],
};

export interface Attributes {
  verb: string;
  group: string;
  /** `serviceaccounts/token` for a subresource. */
  resource: string;
  namespace?: string;
  name?: string;
}

const matches = (list: string[], v: string) => list.includes('*') || list.includes(v);

function subjectIs(s: Obj, u: User): boolean {
  if (s.kind === 'User') return s.name === u.username;
  if (s.kind === 'Group') return u.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') return u.username === `system:serviceaccount:${s.namespace ?? 'default'}:${s.name}`;
  return false;
}

/** Whether `u` may act; returns the reason Kubernetes' RBAC authorizer would give. */
export function authorize(u: User, a: Attributes, bindings: Obj[]): { allowed: boolean; reason: string } {
  if (u.groups.includes('system:masters')) return { allowed: true, reason: 'member of system:masters' };
  const roles = [
    { role: 'system:basic-user', via: 'system:basic-user' },
    ...bindings
      .filter((b) => (b.subjects ?? []).some((s: Obj) => subjectIs(s, u)))
      .map((b) => ({
        role: b.roleRef?.name as string,
        via: b.metadata.name as string,
      })),
  ];
  for (const { role, via } of roles)
    for (const r of CLUSTER_ROLES[role] ?? [])
      if (matches(r.groups, a.group) && matches(r.resources, a.resource) && matches(r.verbs, a.verb))
        return {
          allowed: true,
          reason: `RBAC: allowed by ClusterRoleBinding "${via}" of ClusterRole "${role}" to User "${u.username}"`,
        };
  return { allowed: false, reason: '' };
}

/** The message of a 403, worded as the API server words it. */
export function forbiddenMessage(u: User, a: Attributes): string {
  const resource = a.resource.split('/')[0];
  const what = a.name ? `${resource} "${a.name}"` : resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${what} is forbidden: User "${u.username}" cannot ${a.verb} resource "${a.resource}" in API group "${a.group}" ${where}`;
}
