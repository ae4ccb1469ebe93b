/**
 * The Shamir seal: a random 32-byte root key encrypts the barrier's keyring; `init`
 * splits the root key into shares, `unseal` collects shares until the threshold,
 * rebuilds the key and proves it right before using it, `seal` forgets every key.
 *
 * Shamir reconstruction never fails by itself — too few or wrong shares simply give a
 * different 32 bytes — so the rebuilt key is checked twice: against an HMAC check value
 * stored beside the seal configuration, and by GCM-decrypting the keyring. Each share
 * also has a salted HMAC stored, so a share from another server (or a typo that still
 * decodes) is refused when it is given and never counts towards the threshold.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { type BarrierStorage, Keyring, KEYRING_KEY, open, seal as gcmSeal, SEAL_CONFIG_KEY } from './barrier.js';
import type { Clock } from '../sdk/clock.js';
import { userError, VaultError } from '../sdk/errors.js';

const ROOT_KEY_LEN = 32;
const CHECK_LABEL = 'vault-lab root key check v1';
/** The most shares `sys/init` hands out (the course's limit; Vault allows 255). */
export const MAX_SHARES = 10;

export interface SealConfig {
  type: 'shamir';
  secret_shares: number;
  secret_threshold: number;
  /** HMAC-SHA256(root key, label), hex: proves a rebuilt key before it is used. */
  check: string;
  /** HMAC-SHA256(share_salt, share) of each share, hex: a share from elsewhere is refused at once. */
  share_checks?: string[];
  share_salt?: string;
}

/** What the seal needs from the engine: bring mounts and timers up, and down. */
export interface SealLifecycle {
  /** Runs with the barrier open: load (or on first init create) the engine's state. */
  unsealed(first: boolean): Promise<void>;
  /** Runs before the keys are dropped: stop timers, tear mounts down. */
  sealing(): Promise<void>;
}

/** The core flags the seal drives. */
export interface SealedFlags {
  sealed: boolean;
  initialized: boolean;
  sealInfo: () => { t: number; n: number; progress: number };
}

function shareCheck(salt: Buffer, share: Buffer): string {
  return createHmac('sha256', salt).update(share).digest('hex');
}

function checkValue(key: Buffer): string {
  return createHmac('sha256', key).update(CHECK_LABEL).digest('hex');
}

/**
 * Decodes an unseal key given as hex (tried first, kept when it decodes to a share's
 * length) or base64 (standard or URL-safe).
 * @param want the length of this seal's shares, when known.
 */
export function decodeShare(s: string, want?: number): Buffer {
  const t = s.trim();
  const fits = (b: Buffer) => (want ? b.length === want : b.length >= 16 && b.length <= ROOT_KEY_LEN + 1);
  if (/^[0-9a-fA-F]+$/.test(t) && t.length % 2 === 0) {
    const b = Buffer.from(t, 'hex');
    if (fits(b)) return b;
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const b = Buffer.from(t, 'base64');
    if (fits(b)) return b;
  }
  throw userError("'key' must be a valid hex or base64 string");
}

/** Vault's messages for bad share parameters (init and rekey). */
function checkShares(shares: number, threshold: number): void {
  if (!Number.isInteger(shares) || shares < 1) throw userError('shares must be at least one');
  if (!Number.isInteger(threshold) || threshold < 1) throw userError('threshold must be at least one');
  if (shares > 1 && threshold === 1) throw userError('threshold must be greater than one for multiple shares');
  if (shares > MAX_SHARES) throw userError(`shares must be at most ${MAX_SHARES}`);
  if (threshold > shares) throw userError('threshold cannot be larger than shares');
}

/** Splits a root key into shares and the configuration that checks them. */
async function splitKey(
  rootKey: Buffer,
  shares: number,
  threshold: number,
): Promise<{ keys: Buffer[]; config: SealConfig }> {
  const keys =
    shares === 1
      ? [Buffer.from(rootKey)]
      : (await split(new Uint8Array(rootKey), shares, threshold)).map((s) => Buffer.from(s));
  const salt = randomBytes(32);
  const config: SealConfig = {
    type: 'shamir',
    secret_shares: shares,
    secret_threshold: threshold,
    check: checkValue(rootKey),
    share_salt: salt.toString('hex'),
    share_checks: keys.map((k) => shareCheck(salt, k)),
  };
  return { keys, config };
}

/** A rekey in progress (kept in memory only, as Vault does). */
export interface RekeyState {
  nonce: string;
  shares: number;
  threshold: number;
  pending: Buffer[];
}

export class SealManager {
  config: SealConfig | null = null;
  rekeyState: RekeyState | null = null;
  private pending: Buffer[] = [];
  private rootKey: Buffer | null = null;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    readonly barrier: BarrierStorage,
    private readonly clock: Clock,
    private readonly flags: SealedFlags,
    private readonly lifecycle: SealLifecycle,
  ) {
    flags.sealInfo = () => this.info();
  }

  /** Reads the seal configuration from physical storage; the engine starts sealed. */
  async load(): Promise<void> {
    const raw = await this.barrier.physical.get(SEAL_CONFIG_KEY);
    this.config = raw ? (JSON.parse(raw.toString('utf8')) as SealConfig) : null;
    this.flags.initialized = !!this.config;
    this.flags.sealed = true;
  }

  get sealed() {
    return this.barrier.sealed;
  }

  /** The barrier's active key term (sys/key-status). */
  activeTerm(): { term: number; installed: number } {
    return this.barrier.ring().activeTerm();
  }

  info() {
    return { t: this.config?.secret_threshold ?? 0, n: this.config?.secret_shares ?? 0, progress: this.pending.length };
  }

  /** One state change at a time (two unseal calls racing must not both combine). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.busy.then(fn, fn);
    this.busy = run.catch(() => undefined);
    return run;
  }

  /**
   * Initialises the seal: a root key, a keyring, the engine's first state and a root
   * token (made by `makeRoot` while the barrier is briefly open). Leaves the engine sealed.
   * @throws VaultError 400 with Vault's messages for bad parameters or a second init.
   */
  init(
    shares: number,
    threshold: number,
    makeRoot: () => Promise<string>,
  ): Promise<{ keys: Buffer[]; rootToken: string }> {
    return this.exclusive(async () => {
      if (this.config) throw userError('Vault is already initialized');
      checkShares(shares, threshold);

      // Anything already here is left over from an init that crashed before finishing.
      await this.barrier.physical.replaceAll([]);
      const rootKey = randomBytes(ROOT_KEY_LEN);
      const ring = Keyring.fresh(this.clock.nowMs());
      await this.barrier.physical.put(KEYRING_KEY, gcmSeal(rootKey, 0, KEYRING_KEY, ring.serialize()));
      const { keys, config } = await splitKey(rootKey, shares, threshold);

      this.barrier.unseal(ring);
      this.rootKey = rootKey;
      let rootToken: string;
      try {
        await this.lifecycle.unsealed(true);
        rootToken = await makeRoot();
        await this.lifecycle.sealing();
      } finally {
        this.barrier.seal();
        this.rootKey = null;
      }
      // The configuration is written last: a crash before this point leaves an uninitialised server.
      await this.barrier.physical.put(SEAL_CONFIG_KEY, Buffer.from(JSON.stringify(config)));
      rootKey.fill(0);
      this.config = config;
      this.flags.initialized = true;
      this.flags.sealed = true;
      return { keys, rootToken };
    });
  }

  /**
   * Adds one unseal key. Duplicates, keys of the wrong shape and shares this seal did not
   * issue never advance progress; once the threshold is reached the key is rebuilt,
   * verified and used, or progress starts over with `Unseal failed, invalid key`.
   */
  submit(keyText: string): Promise<void> {
    return this.exclusive(async () => {
      if (!this.config) throw userError('Vault is not initialized');
      if (!this.barrier.sealed) return;
      const share = decodeShare(keyText, this.config.secret_shares === 1 ? ROOT_KEY_LEN : ROOT_KEY_LEN + 1);
      if (this.pending.some((p) => p.equals(share))) return;
      // Shamir cannot tell a wrong share until the threshold; the stored checks can.
      if (
        this.config.share_checks &&
        this.config.share_salt &&
        !this.config.share_checks.includes(shareCheck(Buffer.from(this.config.share_salt, 'hex'), share))
      ) {
        throw userError('Unseal failed, invalid key');
      }
      this.pending.push(share);
      if (this.pending.length < this.config.secret_threshold) return;

      const shares = this.pending;
      this.pending = [];
      let key: Buffer;
      try {
        key =
          shares.length === 1
            ? Buffer.from(shares[0])
            : Buffer.from(await combine(shares.map((s) => new Uint8Array(s))));
      } catch {
        throw userError('Unseal failed, invalid key');
      }
      const ring = await this.openKeyring(key);
      if (!ring) {
        key.fill(0);
        throw userError('Unseal failed, invalid key');
      }
      this.barrier.unseal(ring);
      this.rootKey = key;
      try {
        await this.lifecycle.unsealed(false);
      } catch (e) {
        await this.lifecycle.sealing().catch(() => undefined);
        this.barrier.seal();
        this.rootKey = null;
        throw new VaultError(500, `unseal failed while loading the stored state: ${(e as Error).message}`);
      }
      this.flags.sealed = false;
    });
  }

  /** Verifies a rebuilt key (check value, then keyring authentication) and returns the keyring. */
  private async openKeyring(key: Buffer): Promise<Keyring | null> {
    if (!this.config || key.length !== ROOT_KEY_LEN) return null;
    const want = Buffer.from(this.config.check, 'hex');
    const got = Buffer.from(checkValue(key), 'hex');
    if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
    const blob = await this.barrier.physical.get(KEYRING_KEY);
    if (!blob) throw new VaultError(500, 'the keyring is missing from storage');
    try {
      return Keyring.parse(open(key, KEYRING_KEY, blob));
    } catch {
      return null;
    }
  }

  /** Discards submitted keys. @throws 400 `vault is unsealed` when there is nothing to reset. */
  reset(): void {
    if (!this.config) throw userError('Vault is not initialized');
    if (!this.barrier.sealed) throw userError('vault is unsealed');
    this.pending = [];
  }

  /** Seals: stops the engine's timers and mounts, then forgets the keys. */
  seal(): Promise<void> {
    return this.exclusive(async () => {
      if (this.barrier.sealed) return;
      this.flags.sealed = true;
      try {
        await this.lifecycle.sealing();
      } finally {
        this.barrier.seal();
        this.rootKey?.fill(0);
        this.rootKey = null;
        this.pending = [];
        this.rekeyState = null;
      }
    });
  }

  /** Starts a rekey: new shares and threshold, proven by a threshold of the current shares. */
  rekeyInit(shares: number, threshold: number, nonce: string): RekeyState {
    if (!this.config) throw userError('server is not yet initialized');
    if (!this.rootKey) throw new VaultError(503, 'Vault is sealed');
    if (this.rekeyState) throw userError('rekey already in progress');
    checkShares(shares, threshold);
    this.rekeyState = { nonce, shares, threshold, pending: [] };
    return this.rekeyState;
  }

  rekeyCancel(): void {
    this.rekeyState = null;
  }

  /**
   * Adds one current share to the rekey. At the threshold the rebuilt key is verified; the
   * keyring is then stored under a new root key split into the new shares, which are returned.
   */
  rekeyUpdate(keyText: string, nonce: string): Promise<Buffer[] | null> {
    return this.exclusive(async () => {
      const st = this.rekeyState;
      if (!this.config) throw userError('server is not yet initialized');
      if (!this.rootKey) throw new VaultError(503, 'Vault is sealed');
      if (!st) throw userError('no barrier rekey in progress');
      if (nonce !== st.nonce)
        throw userError(`incorrect nonce supplied; nonce for this rekey operation is "${st.nonce}"`);
      const share = decodeShare(keyText, this.config.secret_shares === 1 ? ROOT_KEY_LEN : ROOT_KEY_LEN + 1);
      if (st.pending.some((p) => p.equals(share)))
        throw userError('given key has already been provided during this generation operation');
      st.pending.push(share);
      if (st.pending.length < this.config.secret_threshold) return null;
      const shares = st.pending;
      st.pending = [];
      let key: Buffer | undefined;
      try {
        key =
          shares.length === 1
            ? Buffer.from(shares[0])
            : Buffer.from(await combine(shares.map((s) => new Uint8Array(s))));
      } catch {
        key = undefined;
      }
      if (!key || !(await this.openKeyring(key)))
        throw userError('root key verification failed: the given unseal keys do not rebuild the root key');
      key.fill(0);
      const ring = this.barrier.ring();
      const newRoot = randomBytes(ROOT_KEY_LEN);
      const { keys, config } = await splitKey(newRoot, st.shares, st.threshold);
      await this.barrier.physical.put(KEYRING_KEY, gcmSeal(newRoot, 0, KEYRING_KEY, ring.serialize()));
      await this.barrier.physical.put(SEAL_CONFIG_KEY, Buffer.from(JSON.stringify(config)));
      this.config = config;
      this.rootKey?.fill(0);
      this.rootKey = newRoot;
      this.rekeyState = null;
      return keys;
    });
  }

  /** Adds a new data key to the keyring and stores it (`sys/rotate`). */
  rotate(): Promise<{ term: number; installed: number }> {
    return this.exclusive(async () => {
      if (!this.rootKey) throw new VaultError(503, 'Vault is sealed');
      const ring = this.barrier.ring();
      const t = ring.rotate(this.clock.nowMs());
      await this.barrier.physical.put(KEYRING_KEY, gcmSeal(this.rootKey, 0, KEYRING_KEY, ring.serialize()));
      return { term: t.term, installed: t.installed };
    });
  }
}
