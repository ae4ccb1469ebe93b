/**
 * The security barrier: everything the engine stores passes through AES-256-GCM before
 * it reaches physical storage, so the storage folder holds only ciphertext.
 *
 * - A keyring of data keys by term; new writes use the active term, reads use the term
 *   recorded in the ciphertext, so rotation never re-encrypts old entries.
 * - A fresh random 96-bit nonce per write.
 * - The storage path is the GCM associated data: a ciphertext copied or moved to
 *   another path does not decrypt.
 * - The keyring itself is stored encrypted under the root key (what Shamir splits).
 * - While sealed, every access fails with 503 `Vault is sealed`.
 *
 * Ciphertext layout: version byte (1), term (uint32 BE), nonce (12), ciphertext, tag (16).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { VaultError } from '../sdk/errors.js';
import type { Storage } from '../sdk/storage.js';

const VERSION = 1;
const NONCE = 12;
const TAG = 16;
const HEADER = 1 + 4 + NONCE;

/** Physical keys the barrier keeps for the seal; never visible through the barrier. */
export const SEAL_CONFIG_KEY = 'core/seal-config';
export const KEYRING_KEY = 'core/keyring';
const RESERVED = new Set([SEAL_CONFIG_KEY, KEYRING_KEY]);

export interface KeyTerm {
  term: number;
  key: Buffer;
  installed: number;
}

export class Keyring {
  constructor(
    readonly terms: KeyTerm[],
    public active: number,
  ) {}

  static fresh(nowMs: number): Keyring {
    return new Keyring([{ term: 1, key: randomBytes(32), installed: nowMs }], 1);
  }

  key(term: number): Buffer | undefined {
    return this.terms.find((t) => t.term === term)?.key;
  }
  activeTerm(): KeyTerm {
    return this.terms.find((t) => t.term === this.active)!;
  }

  /** Adds a new data key and makes it the active one (`sys/rotate`). */
  rotate(nowMs: number): KeyTerm {
    const t = { term: this.active + 1, key: randomBytes(32), installed: nowMs };
    this.terms.push(t);
    this.active = t.term;
    return t;
  }

  serialize(): Buffer {
    return Buffer.from(
      JSON.stringify({
        active: this.active,
        terms: this.terms.map((t) => ({ term: t.term, key: t.key.toString('base64'), installed: t.installed })),
      }),
    );
  }

  static parse(b: Buffer): Keyring {
    const j = JSON.parse(b.toString('utf8')) as {
      active: number;
      terms: Array<{ term: number; key: string; installed: number }>;
    };
    return new Keyring(
      j.terms.map((t) => ({ term: t.term, key: Buffer.from(t.key, 'base64'), installed: t.installed })),
      j.active,
    );
  }

  /** Drops key material from memory (seal). */
  wipe() {
    for (const t of this.terms) t.key.fill(0);
  }
}

/** AES-256-GCM with the path as associated data. */
export function seal(key: Buffer, term: number, aad: string, plain: Buffer): Buffer {
  const nonce = randomBytes(NONCE);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([c.update(plain), c.final()]);
  const head = Buffer.alloc(5);
  head.writeUInt8(VERSION, 0);
  head.writeUInt32BE(term, 1);
  return Buffer.concat([head, nonce, body, c.getAuthTag()]);
}

/** The term a ciphertext was written under, or undefined if it is not one of ours. */
export function termOf(blob: Buffer): number | undefined {
  if (blob.length < HEADER + TAG || blob[0] !== VERSION) return undefined;
  return blob.readUInt32BE(1);
}

/** Decrypts; @throws Error when the key, the path or any byte differs. */
export function open(key: Buffer, aad: string, blob: Buffer): Buffer {
  if (termOf(blob) === undefined) throw new Error('not a barrier ciphertext');
  const nonce = blob.subarray(5, HEADER);
  const tag = blob.subarray(blob.length - TAG);
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(blob.subarray(HEADER, blob.length - TAG)), d.final()]);
}

const sealedError = () => new VaultError(503, 'Vault is sealed');

/** A Storage whose values are encrypted on the way down and verified on the way up. */
export class BarrierStorage implements Storage {
  private keyring: Keyring | null = null;

  constructor(readonly physical: Storage) {}

  get kind() {
    return this.physical.kind;
  }
  get sealed() {
    return this.keyring === null;
  }

  /** Installs a keyring (unseal). */
  unseal(k: Keyring) {
    this.keyring = k;
  }

  /** Forgets the keys (seal). */
  seal() {
    this.keyring?.wipe();
    this.keyring = null;
  }

  /** The keyring in use (rotation, key status); throws while sealed. */
  ring(): Keyring {
    if (!this.keyring) throw sealedError();
    return this.keyring;
  }

  private check(key: string) {
    if (RESERVED.has(key)) throw new VaultError(500, `cannot access reserved path "${key}" through the barrier`);
  }

  async get(key: string): Promise<Buffer | undefined> {
    const ring = this.ring();
    this.check(key);
    let blob: Buffer | undefined;
    try {
      blob = await this.physical.get(key);
    } catch (e) {
      throw new VaultError(500, `failed to read storage entry "${key}": ${(e as Error).message}`);
    }
    if (!blob) return undefined;
    const term = termOf(blob);
    const k = term === undefined ? undefined : ring.key(term);
    if (!k) throw new VaultError(500, `failed to decrypt storage entry "${key}": unknown key term`);
    try {
      return open(k, key, blob);
    } catch {
      throw new VaultError(500, `failed to decrypt storage entry "${key}": message authentication failed`);
    }
  }

  async put(key: string, value: Buffer): Promise<void> {
    const ring = this.ring();
    this.check(key);
    const t = ring.activeTerm();
    await this.physical.put(key, seal(t.key, t.term, key, value));
  }

  async delete(key: string): Promise<void> {
    this.ring();
    this.check(key);
    await this.physical.delete(key);
  }

  async list(prefix: string): Promise<string[]> {
    this.ring();
    const out = await this.physical.list(prefix);
    return out.filter((k) => !RESERVED.has(prefix + k));
  }

  async entries(): Promise<Array<[string, Buffer]>> {
    const out: Array<[string, Buffer]> = [];
    for (const [k] of await this.physical.entries()) {
      if (RESERVED.has(k)) continue;
      const v = await this.get(k);
      if (v) out.push([k, v]);
    }
    return out;
  }

  async replaceAll(entries: Array<[string, Buffer]>): Promise<void> {
    const ring = this.ring();
    const t = ring.activeTerm();
    const keep: Array<[string, Buffer]> = [];
    for (const [k, v] of await this.physical.entries()) if (RESERVED.has(k)) keep.push([k, v]);
    const enc: Array<[string, Buffer]> = entries
      .filter(([k]) => !RESERVED.has(k))
      .map(([k, v]) => [k, seal(t.key, t.term, k, v)]);
    await this.physical.replaceAll([...keep, ...enc]);
  }
}
