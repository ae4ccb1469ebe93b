/** ECDSA and RSA signatures over a message or a digest we are given (ed25519 signs in key.ts, where it may derive). */
import crypto, { type KeyObject } from 'node:crypto';
import { userError, VaultError } from '../../sdk/errors.js';
import { ecdsaSignDigest, ecdsaVerifyDigest } from './ecdsa.js';
import { HASHES, isECDSA, type SignOptions } from './key-types.js';
import { rsaSign, rsaVerify } from './rsa.js';

const NO_HASH = 'hash algorithm none requires an RSA key with prehashed=true and signature_algorithm=pkcs1v15';

/** Signs with an ECDSA or RSA private key of type `t`. */
export function signBytes(t: string, priv: KeyObject, input: Buffer, o: SignOptions): Buffer {
  if (isECDSA(t)) {
    const enc = o.marshaling === 'jws' ? 'ieee-p1363' : 'der';
    if (o.hash === 'none') throw userError(NO_HASH);
    return o.prehashed
      ? ecdsaSignDigest(priv, input, enc)
      : crypto.sign(HASHES[o.hash], input, { key: priv, dsaEncoding: enc });
  }
  try {
    return rsaSign(priv, input, o);
  } catch (e) {
    if (e instanceof VaultError) throw e;
    throw userError(`failed to sign the input: ${(e as Error).message}`);
  }
}

/** Verifies with an ECDSA or RSA public key of type `t`; false for a signature that does not match. */
export function verifyBytes(t: string, pub: KeyObject, input: Buffer, sig: Buffer, o: SignOptions): boolean {
  if (isECDSA(t)) {
    if (o.hash === 'none') throw userError(NO_HASH);
    const enc = o.marshaling === 'jws' ? 'ieee-p1363' : 'der';
    try {
      return o.prehashed
        ? ecdsaVerifyDigest(pub, input, sig, enc)
        : crypto.verify(HASHES[o.hash], input, { key: pub, dsaEncoding: enc }, sig);
    } catch {
      return false;
    }
  }
  return rsaVerify(pub, input, sig, o);
}
