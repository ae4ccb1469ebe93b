/** Ed25519 keys as raw bytes: Vault exports and derives them by their 32-byte seed and public key. */
import crypto, { type KeyObject } from 'node:crypto';

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519FromSeed(seed: Buffer): KeyObject {
  return crypto.createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}
export function rawEd25519Seed(priv: KeyObject): Buffer {
  const der = priv.export({ type: 'pkcs8', format: 'der' }) as Buffer;
  return der.subarray(der.length - 32);
}
export function rawEd25519Public(pub: KeyObject): Buffer {
  const der = pub.export({ type: 'spki', format: 'der' }) as Buffer;
  return der.subarray(der.length - 32);
}
