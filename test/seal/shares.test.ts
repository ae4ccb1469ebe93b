/** Unseal key decoding: hex first when it fits, then base64 (standard or URL-safe). */
import { describe, expect, it } from 'vitest';
import { decodeShare } from '../../engine/physical/seal.js';

describe('decodeShare', () => {
  const share = Buffer.from(Array.from({ length: 33 }, (_, i) => (i * 37 + 11) & 0xff));
  it('reads a share as hex or as standard or URL-safe base64', () => {
    expect(decodeShare(share.toString('hex'), 33).equals(share)).toBe(true);
    expect(decodeShare(share.toString('hex').toUpperCase(), 33).equals(share)).toBe(true);
    expect(decodeShare(share.toString('base64'), 33).equals(share)).toBe(true);
    expect(decodeShare(share.toString('base64url'), 33).equals(share)).toBe(true);
    expect(decodeShare(`  ${share.toString('base64')}\n`, 33).equals(share)).toBe(true);
  });
  it('reads base64 that happens to consist of hex digits as base64 when hex would be the wrong length', () => {
    const b64 = 'abcdef0123456789abcdef0123456789abcdef012345';
    expect(b64).toHaveLength(44);
    expect(decodeShare(b64, 33).equals(Buffer.from(b64, 'base64'))).toBe(true);
  });
  it("refuses anything else with Vault's message", () => {
    for (const bad of [
      '',
      'not a key',
      share.subarray(0, 20).toString('hex'),
      share.toString('base64') + '!!',
      'zz'.repeat(33),
    ]) {
      expect(() => decodeShare(bad, 33), bad).toThrow("'key' must be a valid hex or base64 string");
    }
  });
});
