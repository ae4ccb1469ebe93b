/**
 * What the core asks of the identity store (the `identity/` backend): the entity behind a
 * login alias, and a token's entity with its groups for the ACL, token lookups and
 * templated policies. Answers come from memory, so a request pays no storage read.
 */

/** The alias an auth method's login reports (userpass: the username; AppRole: the role_id). */
export interface LoginAlias {
  name: string;
  metadata?: Record<string, string>;
}

/** The mount a login came through, as the identity store records it on the alias. */
export interface LoginMount {
  accessor: string;
  type: string;
  /** `auth/userpass/` */
  path: string;
  local?: boolean;
}

export interface ResolvedAlias {
  id: string;
  name: string;
  mountAccessor: string;
  metadata: Record<string, string>;
  customMetadata: Record<string, string>;
}

export interface ResolvedGroup {
  id: string;
  name: string;
  metadata: Record<string, string>;
  policies: string[];
}

/** A token's entity as one request sees it. */
export interface ResolvedIdentity {
  entityId: string;
  name: string;
  disabled: boolean;
  metadata: Record<string, string>;
  aliases: ResolvedAlias[];
  /** Direct and inherited groups. */
  groups: ResolvedGroup[];
  /** The entity's own policies and every group's, sorted, without duplicates. */
  policies: string[];
  /** policy → where it came from (`entity alice`, `group devs`), for the activity feed. */
  sources: Record<string, string[]>;
  /** Changes whenever anything the rendering depends on changes: a cache key. */
  version: string;
}

export interface IdentityResolver {
  /**
   * Finds the entity of a login alias or creates it (with the alias), as Vault does.
   * @throws a 403 when the entity is disabled.
   */
  loginEntity(mount: LoginMount, alias: LoginAlias, groupAliases?: string[]): Promise<string>;
  /** The entity (following merges) with its groups, or undefined when it no longer exists. */
  resolve(entityId: string): ResolvedIdentity | undefined;
}
