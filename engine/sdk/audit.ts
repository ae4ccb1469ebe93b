/**
 * Audit events as Vault's JSON audit log shapes them, plus the ACL decision we attach.
 * The core builds them; audit devices, lab checks and the TUI's activity feed read them.
 */

/** What the ACL decided for one request, and why. */
export interface AclDecision {
  allowed: boolean;
  /** sudo present in the deciding stanza (or root). */
  sudo: boolean;
  /** Capabilities of the deciding stanza, sorted; `['root']` for root, `['deny']` for none. */
  capabilities: string[];
  /** Policies that granted (allowed) or whose stanza decided (denied); empty when nothing matched. */
  policies: string[];
  /** The deciding rule's pattern, or null when no rule matched (default deny). */
  rule: string | null;
  /** Why a match still denied: missing capability, explicit deny, parameter, sudo, wrapping TTL. */
  reason?: string;
  /** The deciding stanza as written, when it was templated (`secret/data/users/{{identity.entity.name}}/*`). */
  template?: string;
  /** Policies of the decision that came from the token's entity or groups → where from (`group devs`). */
  identity?: Record<string, string[]>;
}

export type AclOperation = 'read' | 'list' | 'create' | 'update' | 'delete' | 'patch';

export interface AuditAuth {
  client_token: string;
  accessor: string;
  display_name: string;
  policies: string[];
  token_policies: string[];
  /** Policies from the token's entity and its groups (only when there are some). */
  identity_policies?: string[];
  metadata: Record<string, string> | null;
  entity_id: string;
  token_type: string;
  token_ttl: number;
  policy_results?: { allowed: boolean; granting_policies: Array<{ name: string; type: 'acl' }> };
}

export interface AuditEvent {
  type: 'request' | 'response';
  time: string;
  auth: AuditAuth | null;
  request: {
    id: string;
    operation: string;
    mount_type: string;
    mount_point: string;
    mount_accessor: string;
    client_token: string;
    client_token_accessor: string;
    namespace: { id: string };
    path: string;
    data: unknown;
    remote_address: string;
  };
  response?: {
    mount_type: string;
    data: unknown;
    secret?: { lease_id: string } | null;
    auth?: unknown;
    wrap_info?: unknown;
    warnings?: string[] | null;
  };
  /** HTTP status of the answer (response events). */
  status?: number;
  error: string;
  /** Our addition: the ACL decision with the deciding rule and policies. */
  decision?: AclDecision | null;
}

/** A sink every entry is offered to (fail-closed: a failing write fails the request). */
export interface AuditDevice {
  path: string;
  write: (e: AuditEvent, raw?: ReadonlyMap<string, string>) => Promise<void> | void;
  /** False while the device would record nothing (no audit device enabled), so events need not be built. */
  enabled?: () => boolean;
}
