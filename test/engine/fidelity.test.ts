/**
 * Issue 25's fidelity items through Python hvac run as a real process (fidelity_client.py):
 * spent wrapping tokens, the sys/tools/random path forms and limits, sys/tools/hash input.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine } from '../support/engine.js';
import { runHvacScript } from '../support/hvac.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

let engine: Engine;
let out: Record<string, { ok?: any; error?: string; errors?: string[]; message?: string }>;
beforeAll(async () => {
  engine = await devEngine();
  out = await runHvacScript(path.join(HERE, 'fidelity_client.py'), [engine.url, engine.rootToken]);
}, 60_000);
afterAll(async () => {
  await engine.stop();
});

const INVALID = { error: 'InvalidRequest', errors: ['wrapping token is not valid or does not exist'] };

describe('a spent or unknown wrapping token (hvac)', () => {
  it('is a 400 with Vault text as the client token on unwrap, lookup and rewrap', () => {
    expect(out.unwrap_first.ok).toMatchObject({ data: { k: 'v' } });
    expect(out.unwrap_spent_header).toEqual(INVALID);
    expect(out.lookup_spent_header).toEqual(INVALID);
    expect(out.rewrap_spent_header).toEqual(INVALID);
    expect(out.unwrap_unknown_header).toEqual(INVALID);
  });

  it('is a 400 in the body too, and a live body token still needs a valid client token', () => {
    expect(out.unwrap_spent_body).toEqual(INVALID);
    expect(out.lookup_spent_body).toEqual(INVALID);
    expect(out.rewrap_spent_body).toEqual(INVALID);
    expect(out.unwrap_live_body_bad_client.error).toBe('Forbidden');
    expect(out.unwrap_live_body.ok).toMatchObject({ data: { k: 'v' } });
  });

  it('no token at all, or an empty or non-string body token, is a 403 naming the problem', () => {
    expect(out.lookup_no_token).toEqual({
      error: 'Forbidden',
      errors: ['error validating wrapping token: token is empty'],
    });
    expect(out.unwrap_empty_body_token).toEqual({
      error: 'Forbidden',
      errors: ['error validating wrapping token: empty token in request body'],
    });
    expect(out.unwrap_number_body_token).toEqual({
      error: 'Forbidden',
      errors: ['error validating wrapping token: could not decode token in request body'],
    });
  });
});

describe('sys/tools/random (hvac)', () => {
  const bytes = (name: string, enc: BufferEncoding) => Buffer.from(out[name].ok.data.random_bytes, enc).length;
  it('serves /<bytes>, /<source> and /<source>/<bytes> in hex and base64', () => {
    expect(bytes('random_default', 'base64')).toBe(32);
    expect(out.random_bytes_url.ok.data.random_bytes).toMatch(/^[0-9a-f]{32}$/);
    expect(out.random_source_seal.ok.data.random_bytes).toMatch(/^[0-9a-f]{16}$/);
    expect(out.random_source_seal.ok.warnings).toEqual([
      'no seal/entropy augmentation available, using platform entropy source',
    ]);
    expect(bytes('random_source_bytes', 'base64')).toBe(24);
    expect(out.random_all_bytes.ok.data.random_bytes).toMatch(/^[0-9a-f]{8}$/);
    expect(bytes('random_max', 'hex')).toBe(131072);
  });

  it('refuses bad counts, sources and formats with Vault texts; GET is 405', () => {
    const bad = (errors: string) => ({ error: 'InvalidRequest', errors: [errors] });
    expect(out.random_too_many).toEqual(bad('"bytes" should be less than 131072'));
    expect(out.random_zero).toEqual(bad('"bytes" cannot be less than 1'));
    expect(out.random_not_a_count).toEqual(
      bad('error parsing url-set byte count: strconv.Atoi: parsing "abc": invalid syntax'),
    );
    expect(out.random_bad_source).toEqual(
      bad('unsupported entropy source "moon"; must be "platform" or "seal", or "all"'),
    );
    expect(out.random_bad_format).toEqual(bad('unsupported encoding format "base32"; must be "hex" or "base64"'));
    // hvac 0.11 has no class of its own for a 405.
    expect(out.random_read.error).toBe('UnexpectedError');
    expect(out.random_read.message).toContain('unsupported operation');
  });
});

describe('sys/tools/hash (hvac)', () => {
  it('hashes base64 input and refuses anything else with Go base64 error offsets', () => {
    expect(out.hash_ok.ok.data.sum).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(out.hash_empty.ok.data.sum).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(out.hash_newlines_ok.ok.data.sum).toBe(out.hash_ok.ok.data.sum);
    const bad = (n: number) => ({
      error: 'InvalidRequest',
      errors: [`unable to decode input as base64: illegal base64 data at input byte ${n}`],
    });
    expect(out.hash_not_base64).toEqual(bad(5));
    expect(out.hash_no_padding).toEqual(bad(4));
    expect(out.hash_bad_char_late).toEqual(bad(4));
  });
});
