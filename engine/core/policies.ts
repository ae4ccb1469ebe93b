/**
 * The policy store: ACL policies kept in storage, parsed once and cached, with Vault's
 * built-in `root`, `default` and `response-wrapping` policies.
 */
import { ACL } from './acl.js';
import { VaultError, userError } from '../sdk/errors.js';
import { normalizePolicyName, parsePolicy, type Policy, PolicyParseError } from './policy.js';
import type { StorageView } from '../sdk/storage.js';
import type { IdentityResolver, ResolvedIdentity } from '../sdk/identity.js';
import type { TokenEntry } from '../sdk/types.js';
import type { AclDecision } from '../sdk/audit.js';
import { renderPolicy } from './policy-template.js';

export const DEFAULT_POLICY = `# Lets a token look up its own properties.
path "auth/token/lookup-self" {
    capabilities = ["read"]
}

# Lets a token renew itself.
path "auth/token/renew-self" {
    capabilities = ["update"]
}

# Lets a token revoke itself.
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# Lets a token ask what it may do on a path.
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# Lets a token read its own entity by id.
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}

# Lets a token read its own entity by name.
path "identity/entity/name/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# Lets the UI read the resultant ACL of its own token.
path "sys/internal/ui/resultant-acl" {
    capabilities = ["read"]
}

# Lets a token renew a lease it holds (legacy path).
path "sys/renew" {
    capabilities = ["update"]
}
path "sys/leases/renew" {
    capabilities = ["update"]
}

# Lets a token look up a lease it holds.
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# Gives every token its own private cubbyhole.
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Lets a token wrap arbitrary data.
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}

# Lets a token look up properties of a wrapping token.
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}

# Lets a token unwrap a response-wrapping token.
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# Lets a token hash data with the system's hash functions.
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}

# Lets a token ask for a control-group authorization.
path "sys/control-group/request" {
    capabilities = ["update"]
}

# Lets a token use the OIDC authorize endpoint of any provider.
path "identity/oidc/provider/+/authorize" {
    capabilities = ["read", "update"]
}
`;

export const RESPONSE_WRAPPING_POLICY = `path "cubbyhole/response" {
    capabilities = ["create", "read"]
}

path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}
`;

/** Where a token's identity policies came from, and the explanations already worked out. */
export interface Origins {
  sources: Record<string, string[]>;
  memo: Map<string, Record<string, string[]> | null>;
}

export class PolicyStore {
  private cache = new Map<string, Policy | null>();
  /** Merged ACLs by policy set: building one per request showed in profiles. Cleared on any change. */
  private acls = new Map<string, { acl: ACL; templated: boolean }>();
  /** Token policies → ACL, per resolved identity; replaced whenever a policy changes. */
  private byIdentity = new WeakMap<ResolvedIdentity, Map<string, { acl: ACL; origins: Origins }>>();
  constructor(private readonly view: StorageView) {}

  async init(): Promise<void> {
    if (!(await this.view.get('acl/default')))
      await this.view.putJSON('acl/default', { name: 'default', policy: DEFAULT_POLICY });
  }

  invalidate() {
    this.cache.clear();
    this.acls.clear();
    this.byIdentity = new WeakMap();
  }

  async get(name: string): Promise<Policy | null> {
    const n = normalizePolicyName(name);
    if (n === 'root') return { name: 'root', text: '', rules: [] };
    if (n === 'response-wrapping') return parsePolicy(n, RESPONSE_WRAPPING_POLICY);
    if (this.cache.has(n)) return this.cache.get(n)!;
    const stored = await this.view.getJSON<{ name: string; policy: string }>(`acl/${n}`);
    const p = stored ? parsePolicy(n, stored.policy) : null;
    this.cache.set(n, p);
    return p;
  }

  /** Stores a policy after parsing it; returns warnings. */
  async put(rawName: string, text: string): Promise<string[]> {
    const warnings: string[] = [];
    const name = normalizePolicyName(rawName);
    if (name !== rawName) warnings.push(`policy name was converted to ${name}`);
    if (!name) throw userError('policy name must be provided');
    if (name === 'root' || name === 'response-wrapping') throw userError(`cannot update "${name}" policy`);
    if (!text?.trim()) throw userError("'policy' parameter not supplied or empty");
    try {
      parsePolicy(name, text);
    } catch (e) {
      if (e instanceof PolicyParseError) throw userError(`failed to parse policy: ${e.message}`);
      throw e;
    }
    await this.view.putJSON(`acl/${name}`, { name, policy: text });
    this.cache.delete(name);
    this.acls.clear();
    this.byIdentity = new WeakMap();
    return warnings;
  }

  async delete(rawName: string): Promise<void> {
    const name = normalizePolicyName(rawName);
    if (name === 'root') throw userError('cannot delete "root" policy');
    if (name === 'default') throw userError('cannot delete default policy');
    if (name === 'response-wrapping') throw userError('cannot delete "response-wrapping" policy');
    await this.view.delete(`acl/${name}`);
    this.cache.delete(name);
    this.acls.clear();
    this.byIdentity = new WeakMap();
  }

  async text(rawName: string): Promise<string | undefined> {
    const name = normalizePolicyName(rawName);
    if (name === 'root') return '';
    const stored = await this.view.getJSON<{ policy: string }>(`acl/${name}`);
    return stored?.policy;
  }

  async list(): Promise<string[]> {
    return (await this.view.list('acl/')).filter((k) => !k.endsWith('/')).sort();
  }

  async exists(name: string) {
    const n = normalizePolicyName(name);
    return n === 'root' || !!(await this.view.get(`acl/${n}`));
  }

  /** The identity store, once mounted (set by the core): entities and groups add policies. */
  identity: () => IdentityResolver | undefined = () => undefined;

  /**
   * A token's entity as this request sees it. Entity-less tokens have none.
   * @throws a 403 when the entity is disabled or gone (Vault refuses such tokens, it does not revoke them).
   */
  identityOf(t: TokenEntry): ResolvedIdentity | undefined {
    if (!t.entityId) return undefined;
    const store = this.identity();
    if (!store) return undefined;
    const id = store.resolve(t.entityId);
    if (!id || id.disabled) throw new VaultError(403, 'permission denied', { multi: true });
    return id;
  }

  /** Names which of a decision's policies came from the entity or its groups (for the activity feed). */
  explain(d: AclDecision, o: Origins | undefined): AclDecision {
    if (!o || !d.policies.length) return d;
    // Memoised per token ACL: this runs on every request.
    const key = d.policies.length === 1 ? d.policies[0] : d.policies.join('\n');
    let from = o.memo.get(key);
    if (from === undefined) {
      const extra = d.policies.filter((p) => o.sources[p]);
      from = extra.length ? Object.fromEntries(extra.map((p) => [p, o.sources[p]])) : null;
      o.memo.set(key, from);
    }
    if (from) d.identity = from;
    return d;
  }

  /** The ACL a token is judged by: its own policies plus its entity's and groups', templates rendered. */
  async forToken(t: TokenEntry): Promise<ACL> {
    return (await this.judge(t)).acl;
  }

  /** forToken, with where the identity policies came from (those the token does not carry itself). */
  async judge(t: TokenEntry): Promise<{ acl: ACL; origins?: Origins }> {
    const id = this.identityOf(t);
    if (!id) return { acl: await this.acl(t.policies) };
    // Per resolved identity (a new object after any identity change), so a request with an
    // entity costs a map lookup or two more than one without.
    let byPolicies = this.byIdentity.get(id);
    if (!byPolicies) this.byIdentity.set(id, (byPolicies = new Map()));
    const key = t.policies.join('\n');
    let hit = byPolicies.get(key);
    if (!hit) {
      const names = id.policies.length ? [...new Set([...t.policies, ...id.policies])] : t.policies;
      const sources: Record<string, string[]> = {};
      for (const p of id.policies) if (!t.policies.includes(p)) sources[p] = id.sources[p];
      hit = { acl: await this.acl(names, id), origins: { sources, memo: new Map() } };
      byPolicies.set(key, hit);
    }
    return hit;
  }

  /**
   * The merged ACL for a token's policies (unknown names grant nothing). Only the exact
   * names `root` and `response-wrapping` mean the built-ins: a variant spelling such as
   * `Root` or ` root` on a token grants nothing, so nothing can attach root by accident.
   * Templated stanzas are rendered for `identity`; without one they match nothing.
   */
  async acl(names: string[], identity?: ResolvedIdentity): Promise<ACL> {
    const key = names.join('\n');
    const hit = this.acls.get(key);
    if (hit && !hit.templated) return hit.acl;
    const tkey = `${key}\0${identity?.version ?? ''}`;
    const thit = hit && this.acls.get(tkey);
    if (thit) return thit.acl;
    const ps: Policy[] = [];
    for (const n of names) {
      const norm = normalizePolicyName(n);
      if ((norm === 'root' || norm === 'response-wrapping') && n !== norm) continue;
      if (n !== norm) continue; // tokens only ever carry normalised names
      const p = await this.get(n).catch(() => null);
      if (p) ps.push(p);
    }
    const templated = ps.some((p) => p.rules.some((r) => r.template));
    const acl = new ACL(templated ? ps.map((p) => renderPolicy(p, identity)) : ps);
    if (this.acls.size >= 1000) this.acls.clear();
    this.acls.set(key, { acl, templated });
    if (templated) this.acls.set(tkey, { acl, templated });
    return acl;
  }
}

export { VaultError };
