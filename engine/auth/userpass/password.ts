/**
 * Password hashing for userpass: scrypt from node:crypto, always through the async API so
 * the work runs on libuv's thread pool and never blocks the event loop. The stored form
 * carries its parameters so they can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';

const PARAMS = { N: 16384, r: 8, p: 1 };
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

/**
 * At most (cores − 1) derivations run at once (at least one), so a burst of logins keeps
 * a core free for the event loop instead of crowding it out with pool threads.
 */
const MAX_PARALLEL = Math.max(1, availableParallelism() - 1);
let running = 0;
const waiting: Array<() => void> = [];

/** Key derivations started, by cost parameters (`N/r/p`): tests check that every login pays the same. */
export const derivations = new Map<string, number>();

async function derive(password: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  const cost = `${p.N}/${p.r}/${p.p}`;
  derivations.set(cost, (derivations.get(cost) ?? 0) + 1);
  if (running >= MAX_PARALLEL) await new Promise<void>((go) => waiting.push(go));
  running++;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(password, salt, KEYLEN, { N: p.N, r: p.r, p: p.p, maxmem: MAXMEM }, (err, key) =>
        err ? reject(err) : resolve(key),
      );
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Hashes a password: `scrypt$N$r$p$<salt b64>$<key b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * A well-formed stand-in hash (random salt and key) for users that do not exist, so an
 * unknown user goes through exactly the same parsing, derivation and comparison.
 */
const DUMMY_HASH = [
  'scrypt',
  PARAMS.N,
  PARAMS.r,
  PARAMS.p,
  randomBytes(16).toString('base64'),
  randomBytes(KEYLEN).toString('base64'),
].join('$');

/**
 * Checks a password against a stored hash in constant time. With no stored hash (unknown
 * user) it checks against a stand-in with the same cost, so both failures take the same time.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const known = stored !== undefined;
  let parts = (stored ?? DUMMY_HASH).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') parts = DUMMY_HASH.split('$');
  const [, N, r, p, salt, key] = parts;
  const want = Buffer.from(key, 'base64');
  const got = await derive(password, Buffer.from(salt, 'base64'), { N: Number(N), r: Number(r), p: Number(p) });
  const same = got.length === want.length && timingSafeEqual(got, want);
  return known && same;
}
