/**
 * What every auth method shares: the common `token_*` fields (with their legacy
 * aliases), how they are read back, how they become a login's `auth`, CIDR checks,
 * display names, and Vault's user lockout after repeated failed logins.
 *
 * userpass, approle and kubernetes declare `TOKEN_FIELDS` on their role/user path,
 * keep a `TokenParams` in their stored entry, and call `parseTokenFields` on write,
 * `tokenData` on read and `tokenAuth` on login.
 */
import type { Clock } from '../sdk/clock.js';
import { parseDuration } from '../sdk/duration.js';
import { notFound, permissionDenied, userError } from '../sdk/errors.js';
import { normalizePolicyName } from '../sdk/policy-name.js';
import type { StorageView } from '../sdk/storage.js';
import type { AuthResponse } from '../sdk/types.js';
import type { LoginAlias } from '../sdk/identity.js';
import type { FieldData, FieldSchema } from '../framework/backend.js';
import { parseCidrList } from '../sdk/net.js';

export { addressAllowed, clientAddress, parseCidrList } from '../sdk/net.js';

/** The stored form of the common token fields (durations in seconds). */
export interface TokenParams {
  token_policies: string[];
  token_ttl: number;
  token_max_ttl: number;
  token_explicit_max_ttl: number;
  token_period: number;
  token_no_default_policy: boolean;
  token_num_uses: number;
  token_type: 'default' | 'service' | 'batch';
  token_bound_cidrs: string[];
  /** Legacy values, kept only so a read echoes them when they were set the old way. */
  legacy?: { policies?: string[]; ttl?: number; max_ttl?: number; period?: number; bound_cidrs?: string[] };
}

export const emptyTokenParams = (): TokenParams => ({
  token_policies: [],
  token_ttl: 0,
  token_max_ttl: 0,
  token_explicit_max_ttl: 0,
  token_period: 0,
  token_no_default_policy: false,
  token_num_uses: 0,
  token_type: 'default',
  token_bound_cidrs: [],
});

/** Field declarations for the common token parameters. */
export const TOKEN_FIELDS: Record<string, FieldSchema> = {
  token_policies: { type: 'commaStringSlice', description: 'Comma-separated list of policies' },
  token_ttl: { type: 'duration', description: 'The initial ttl of the token to generate' },
  token_max_ttl: { type: 'duration', description: 'The maximum lifetime of the generated token' },
  token_explicit_max_ttl: {
    type: 'duration',
    description: 'If set, tokens created via this role carry an explicit maximum TTL.',
  },
  token_period: {
    type: 'duration',
    description:
      'If set, tokens created via this role have no max lifetime; their renewal period is fixed to this value.',
  },
  token_no_default_policy: {
    type: 'bool',
    description: "If true, the 'default' policy will not automatically be added to generated tokens",
  },
  token_num_uses: {
    type: 'int',
    description: 'The maximum number of times a token may be used, a value of zero means unlimited',
  },
  token_type: { type: 'string', description: 'The type of token to generate, service or batch' },
  token_bound_cidrs: { type: 'commaStringSlice', description: 'CIDR blocks allowed to use the generated token.' },
};

/** Legacy spellings each method may accept, as field declarations. */
export const LEGACY_TOKEN_FIELDS: Record<'policies' | 'ttl' | 'max_ttl' | 'period' | 'bound_cidrs', FieldSchema> = {
  policies: {
    type: 'commaStringSlice',
    description:
      'Use "token_policies" instead. If this and "token_policies" are both specified, only "token_policies" will be used.',
  },
  ttl: {
    type: 'duration',
    description: 'Use "token_ttl" instead. If this and "token_ttl" are both specified, only "token_ttl" will be used.',
  },
  max_ttl: {
    type: 'duration',
    description:
      'Use "token_max_ttl" instead. If this and "token_max_ttl" are both specified, only "token_max_ttl" will be used.',
  },
  period: {
    type: 'duration',
    description:
      'Use "token_period" instead. If this and "token_period" are both specified, only "token_period" will be used.',
  },
  bound_cidrs: {
    type: 'commaStringSlice',
    description:
      'Use "token_bound_cidrs" instead. If this and "token_bound_cidrs" are both specified, only "token_bound_cidrs" will be used.',
  },
};

type Legacy = keyof typeof LEGACY_TOKEN_FIELDS;
const LEGACY_PAIRS: Array<[Legacy, keyof TokenParams]> = [
  ['policies', 'token_policies'],
  ['ttl', 'token_ttl'],
  ['max_ttl', 'token_max_ttl'],
  ['period', 'token_period'],
  ['bound_cidrs', 'token_bound_cidrs'],
];

const TOKEN_TYPES = new Set(['', 'default', 'service', 'batch']);

export function parsePolicies(list: string[]): string[] {
  return [...new Set(list.map(normalizePolicyName).filter(Boolean))];
}

/**
 * Applies the sent token fields (and any of the given legacy spellings) to `t`, Vault's way:
 * a `token_*` key wins and clears its legacy twin; a legacy key alone sets both.
 * @throws a 400 with Vault's validation message.
 */
export function parseTokenFields(t: TokenParams, d: FieldData, legacy: Legacy[] = []): TokenParams {
  const out: TokenParams = { ...t, legacy: { ...(t.legacy ?? {}) } };
  if (d.has('token_bound_cidrs'))
    out.token_bound_cidrs = parseCidrList(d.get<string[]>('token_bound_cidrs'), 'token_bound_cidrs');
  if (d.has('token_explicit_max_ttl')) out.token_explicit_max_ttl = d.get<number>('token_explicit_max_ttl');
  if (d.has('token_max_ttl')) out.token_max_ttl = d.get<number>('token_max_ttl');
  if (out.token_max_ttl < 0) throw userError("'token_max_ttl' cannot be negative");
  if (d.has('token_no_default_policy')) out.token_no_default_policy = d.get<boolean>('token_no_default_policy');
  if (d.has('token_period')) out.token_period = d.get<number>('token_period');
  if (out.token_period < 0) throw userError("'token_period' cannot be negative");
  if (d.has('token_policies')) out.token_policies = parsePolicies(d.get<string[]>('token_policies'));
  if (d.has('token_type')) {
    const v = d.get<string>('token_type') || 'default';
    if (!TOKEN_TYPES.has(v)) throw userError(`invalid 'token_type' value "${v}"`);
    out.token_type = v as TokenParams['token_type'];
  }
  if (d.has('token_num_uses')) out.token_num_uses = d.get<number>('token_num_uses');
  if (out.token_num_uses < 0) throw userError("'token_num_uses' cannot be negative");
  if (out.token_type === 'batch') {
    if (out.token_period !== 0)
      throw userError("'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens");
    if (out.token_num_uses !== 0)
      throw userError(
        "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count",
      );
  }
  if (d.has('token_ttl')) out.token_ttl = d.get<number>('token_ttl');
  if (out.token_ttl < 0) throw userError("'token_ttl' cannot be negative");

  for (const [old, neu] of LEGACY_PAIRS) {
    if (!legacy.includes(old)) continue;
    const sentNew = d.has(neu);
    const sentOld = d.has(old);
    if (!sentNew && sentOld) {
      let v = d.get<unknown>(old);
      if (old === 'policies') v = parsePolicies(v as string[]);
      if (old === 'bound_cidrs') v = parseCidrList(v as string[], 'bound_cidrs');
      (out as unknown as Record<string, unknown>)[neu] = v;
      (out.legacy as Record<string, unknown>)[old] = v;
    } else if (sentNew) {
      if (sentOld) (out.legacy as Record<string, unknown>)[old] = (out as unknown as Record<string, unknown>)[neu];
      else delete (out.legacy as Record<string, unknown>)[old];
    }
  }
  if (out.token_ttl > 0 && out.token_max_ttl > 0 && out.token_ttl > out.token_max_ttl)
    throw userError("'token_ttl' cannot be greater than 'token_max_ttl'");
  return out;
}

/** The read-back form: every `token_*` key, plus legacy keys only when they were set. */
export function tokenData(t: TokenParams): Record<string, unknown> {
  const data: Record<string, unknown> = {
    token_bound_cidrs: [...t.token_bound_cidrs],
    token_explicit_max_ttl: t.token_explicit_max_ttl,
    token_max_ttl: t.token_max_ttl,
    token_no_default_policy: t.token_no_default_policy,
    token_num_uses: t.token_num_uses,
    token_period: t.token_period,
    token_policies: [...t.token_policies],
    token_ttl: t.token_ttl,
    token_type: t.token_type,
  };
  const l = t.legacy ?? {};
  if (l.ttl) data.ttl = l.ttl;
  if (l.max_ttl) data.max_ttl = l.max_ttl;
  if (l.period) data.period = l.period;
  if (l.policies?.length) data.policies = [...t.token_policies];
  if (l.bound_cidrs?.length) data.bound_cidrs = [...l.bound_cidrs];
  return data;
}

/**
 * The `auth` a login returns, from the common fields. The core adds `default`
 * (unless `token_no_default_policy`), creates the token and applies mount TTLs.
 */
export function tokenAuth(
  t: TokenParams,
  p: {
    displayName: string;
    metadata: Record<string, string>;
    internal?: Record<string, unknown>;
    mountTokenType?: string;
    /** The identity alias of this login: the core finds or creates its entity. */
    alias?: LoginAlias;
  },
): AuthResponse {
  const auth: AuthResponse = {
    policies: [...t.token_policies],
    displayName: p.displayName,
    metadata: p.metadata,
    ttl: t.token_ttl,
    maxTTL: t.token_max_ttl,
    explicitMaxTTL: t.token_explicit_max_ttl,
    period: t.token_period,
    numUses: t.token_num_uses,
    renewable: true,
    noDefaultPolicy: t.token_no_default_policy,
    tokenType: resolveTokenType(t.token_type, p.mountTokenType),
    internal: {
      ...(p.internal ?? {}),
      ...(t.token_bound_cidrs.length ? { boundCidrs: [...t.token_bound_cidrs] } : {}),
    },
  };
  if (p.alias) auth.alias = p.alias;
  return auth;
}

/** `default` defers to the mount's tuned token type (`default-service` unless tuned). */
export function resolveTokenType(role: string, mount = 'default-service'): 'service' | 'batch' {
  if (mount === 'service' || mount === 'batch') {
    if (role !== 'default' && role !== mount)
      throw userError(`role type "${role}" does not match mount's forced token type "${mount}"`);
    return mount;
  }
  if (role === 'service' || role === 'batch') return role;
  return mount === 'default-batch' ? 'batch' : 'service';
}

/**
 * `<mount>-<name>`, as Vault builds login display names: the mount path with slashes
 * turned into dashes, trailing dashes trimmed (`userpass-alice`, `approle`).
 */
export function loginDisplayName(mountPath: string, name: string): string {
  const source = mountPath.replace(/^auth\//, '').replace(/\//g, '-');
  return (source + name).replace(/-+$/, '');
}

/** A LIST answer: `keys`, or Vault's 404 with an empty errors array when there are none. */
export function listResponse(keys: string[]): { data: { keys: string[] } } {
  if (!keys.length) throw notFound();
  return { data: { keys } };
}

// ------------------------------------------------------------------ user lockout

/** Vault's defaults: 5 failures, locked for 15 minutes, counter forgotten after 15 quiet minutes. */
export const LOCKOUT_DEFAULTS = { threshold: 5, durationSec: 15 * 60, counterResetSec: 15 * 60 };

interface FailedLogins {
  count: number;
  lastFailedMs: number;
}

/**
 * Failed-login bookkeeping per login name (username, role id), kept in the mount's
 * storage and timed on the engine clock. A locked name is refused before its
 * credentials are looked at, with a 403, like Vault.
 */
export class UserLockout {
  constructor(
    private readonly storage: StorageView,
    private readonly clock: Clock,
    private readonly config: () => {
      threshold: number;
      durationSec: number;
      counterResetSec: number;
      disabled?: boolean;
    } = () => LOCKOUT_DEFAULTS,
  ) {}

  private key(alias: string) {
    return `lockout/${Buffer.from(alias).toString('base64url')}`;
  }

  /** Throws 403 permission denied while the name is locked; forgets stale counters. */
  async assertNotLocked(alias: string): Promise<void> {
    const c = this.config();
    if (c.disabled) return;
    const e = await this.storage.getJSON<FailedLogins>(this.key(alias));
    if (!e) return;
    const now = this.clock.nowMs();
    if (e.count >= c.threshold) {
      if (now < e.lastFailedMs + c.durationSec * 1000) throw permissionDenied();
      await this.storage.delete(this.key(alias));
    } else if (now >= e.lastFailedMs + c.counterResetSec * 1000) {
      await this.storage.delete(this.key(alias));
    }
  }

  /** Counts one failed login for an existing name. */
  async failed(alias: string): Promise<void> {
    const c = this.config();
    if (c.disabled) return;
    const now = this.clock.nowMs();
    const e = await this.storage.getJSON<FailedLogins>(this.key(alias));
    const fresh = !e || now >= e.lastFailedMs + c.counterResetSec * 1000;
    await this.storage.putJSON(this.key(alias), { count: fresh ? 1 : e!.count + 1, lastFailedMs: now });
  }

  /** A successful login resets the counter. */
  async succeeded(alias: string): Promise<void> {
    await this.storage.delete(this.key(alias));
  }

  /** Forgets a name's failures, lifting any lockout. */
  async unlock(alias: string): Promise<void> {
    await this.storage.delete(this.key(alias));
  }

  /** Names currently locked (sys/locked-users). */
  async locked(): Promise<string[]> {
    const c = this.config();
    const out: string[] = [];
    const now = this.clock.nowMs();
    for (const k of await this.storage.list('lockout/')) {
      const e = await this.storage.getJSON<FailedLogins>(`lockout/${k}`);
      if (e && e.count >= c.threshold && now < e.lastFailedMs + c.durationSec * 1000)
        out.push(Buffer.from(k, 'base64url').toString());
    }
    return out;
  }
}

/** The lockout settings of a mount: its `user_lockout_config` when tuned, else Vault's defaults. */
export function lockoutConfigOf(config: Record<string, unknown> | undefined): {
  threshold: number;
  durationSec: number;
  counterResetSec: number;
  disabled?: boolean;
} {
  const raw = (config?.user_lockout_config ?? {}) as Record<string, unknown>;
  const num = (v: unknown, d: number) => {
    try {
      const n = parseDuration(v);
      return n > 0 ? n : d;
    } catch {
      return d;
    }
  };
  return {
    threshold: num(raw.lockout_threshold, LOCKOUT_DEFAULTS.threshold),
    durationSec: num(raw.lockout_duration, LOCKOUT_DEFAULTS.durationSec),
    counterResetSec: num(raw.lockout_counter_reset, LOCKOUT_DEFAULTS.counterResetSec),
    // Vault's tune API calls it lockout_disable; its server config stanza disable_lockout.
    disabled: [raw.lockout_disable, raw.disable_lockout].some((v) => v === true || v === 'true'),
  };
}
