/** The BigInt ECDSA used for prehashed input agrees with node:crypto on every curve. */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ecdsaSignDigest, ecdsaVerifyDigest } from '../../engine/secrets/transit/ecdsa.js';

const CASES = [
  ['prime256v1', 'sha256', 64],
  ['secp384r1', 'sha384', 96],
  ['secp521r1', 'sha512', 132],
  ['prime256v1', 'sha512', 64],
] as const;

describe('ECDSA over a given digest', () => {
  for (const [curve, hash, rawLen] of CASES) {
    it(`${curve} with ${hash}: our signatures verify in node:crypto and node's verify in ours`, () => {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
      const data = Buffer.from(`message for ${curve}`);
      const digest = crypto.createHash(hash).update(data).digest();
      const der = ecdsaSignDigest(privateKey, digest, 'der');
      expect(crypto.verify(hash, data, publicKey, der)).toBe(true);
      const raw = ecdsaSignDigest(privateKey, digest, 'ieee-p1363');
      expect(raw.length).toBe(rawLen);
      expect(crypto.verify(hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
      const theirs = crypto.sign(hash, data, privateKey);
      expect(ecdsaVerifyDigest(publicKey, digest, theirs, 'der')).toBe(true);
      const other = crypto.createHash(hash).update('something else').digest();
      expect(ecdsaVerifyDigest(publicKey, other, theirs, 'der')).toBe(false);
      expect(crypto.verify(hash, Buffer.from('something else'), publicKey, der)).toBe(false);
    });
  }
});
