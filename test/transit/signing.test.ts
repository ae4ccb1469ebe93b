/**
 * Transit signatures and HMACs over HTTP; every signature is also checked outside the
 * engine with openssl, using only the public key the engine publishes.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http } from '../support/engine.js';

let engine: Engine;
let dir: string;
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

async function ok(method: string, p: string, body?: unknown) {
  const r = await http(engine, method, p, { body });
  if (r.status >= 300) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Runs openssl; returns true when it exits 0. */
function openssl(args: string[]): boolean {
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function files(name: string, pub: string, data: Buffer, sig: string) {
  const pubPath = path.join(dir, `${name}.pub.pem`);
  const dataPath = path.join(dir, `${name}.data`);
  const sigPath = path.join(dir, `${name}.sig`);
  fs.writeFileSync(pubPath, pub);
  fs.writeFileSync(dataPath, data);
  fs.writeFileSync(sigPath, Buffer.from(sig.split(':')[2], 'base64'));
  return { pubPath, dataPath, sigPath };
}

beforeAll(async () => {
  engine = await devEngine();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transit-sign-'));
  await ok('POST', 'sys/mounts/transit', { type: 'transit' });
});
afterAll(async () => {
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const DATA = Buffer.from('HelloTransit');

describe('ECDSA', () => {
  for (const [type, dgst] of [
    ['ecdsa-p256', 'sha256'],
    ['ecdsa-p384', 'sha384'],
    ['ecdsa-p521', 'sha512'],
  ] as const) {
    it(`${type}: signs, verifies, rejects tampering, and openssl agrees`, async () => {
      const name = `k-${type}`;
      await ok('POST', `transit/keys/${name}`, { type });
      const key = await ok('GET', `transit/keys/${name}`);
      const pub = key.data.keys['1'].public_key as string;
      expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      const hashName = dgst.replace('sha', 'sha2-');
      const s = await ok('POST', `transit/sign/${name}/${hashName}`, { input: b64(DATA) });
      expect(s.data.signature).toMatch(/^vault:v1:/);
      expect(
        (await ok('POST', `transit/verify/${name}/${hashName}`, { input: b64(DATA), signature: s.data.signature })).data
          .valid,
      ).toBe(true);
      const bad = await http(engine, 'POST', `transit/verify/${name}/${hashName}`, {
        body: { input: b64('HelloTransiT'), signature: s.data.signature },
      });
      expect(bad.status).toBe(200);
      expect(bad.body.data.valid).toBe(false);
      const f = files(name, pub, DATA, s.data.signature);
      expect(openssl(['dgst', `-${dgst}`, '-verify', f.pubPath, '-signature', f.sigPath, f.dataPath])).toBe(true);
      fs.writeFileSync(f.dataPath, 'tampered');
      expect(openssl(['dgst', `-${dgst}`, '-verify', f.pubPath, '-signature', f.sigPath, f.dataPath])).toBe(false);
    });
  }

  it('marshals JWS signatures as base64url r‖s and verifies them', async () => {
    const s = await ok('POST', 'transit/sign/k-ecdsa-p256', { input: b64(DATA), marshaling_algorithm: 'jws' });
    const raw = Buffer.from(s.data.signature.split(':')[2], 'base64url');
    expect(raw.length).toBe(64);
    expect(s.data.signature.split(':')[2]).not.toMatch(/[+/=]/);
    const pub = crypto.createPublicKey((await ok('GET', 'transit/keys/k-ecdsa-p256')).data.keys['1'].public_key);
    expect(crypto.verify('sha256', DATA, { key: pub, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    expect(
      (
        await ok('POST', 'transit/verify/k-ecdsa-p256', {
          input: b64(DATA),
          signature: s.data.signature,
          marshaling_algorithm: 'jws',
        })
      ).data.valid,
    ).toBe(true);
  });

  it('signs prehashed digests that verify against the original data', async () => {
    const digest = crypto.createHash('sha384').update(DATA).digest();
    const s = await ok('POST', 'transit/sign/k-ecdsa-p384', {
      input: b64(digest),
      prehashed: true,
      hash_algorithm: 'sha2-384',
    });
    const f = files(
      'pre384',
      (await ok('GET', 'transit/keys/k-ecdsa-p384')).data.keys['1'].public_key,
      DATA,
      s.data.signature,
    );
    expect(openssl(['dgst', '-sha384', '-verify', f.pubPath, '-signature', f.sigPath, f.dataPath])).toBe(true);
    expect(
      (
        await ok('POST', 'transit/verify/k-ecdsa-p384/sha2-384', {
          input: b64(digest),
          prehashed: true,
          signature: s.data.signature,
        })
      ).data.valid,
    ).toBe(true);
  });
});

describe('RSA', () => {
  beforeAll(async () => {
    await ok('POST', 'transit/keys/rsa', { type: 'rsa-2048' });
  });

  it('signs with PSS by default and PKCS#1 v1.5 on request; openssl verifies both', async () => {
    const pub = (await ok('GET', 'transit/keys/rsa')).data.keys['1'].public_key;
    const pss = await ok('POST', 'transit/sign/rsa/sha2-256', { input: b64(DATA) });
    const f = files('pss', pub, DATA, pss.data.signature);
    expect(
      openssl([
        'dgst',
        '-sha256',
        '-sigopt',
        'rsa_padding_mode:pss',
        '-sigopt',
        'rsa_pss_saltlen:auto',
        '-verify',
        f.pubPath,
        '-signature',
        f.sigPath,
        f.dataPath,
      ]),
    ).toBe(true);
    expect(openssl(['dgst', '-sha256', '-verify', f.pubPath, '-signature', f.sigPath, f.dataPath])).toBe(false);

    const v15 = await ok('POST', 'transit/sign/rsa', {
      input: b64(DATA),
      signature_algorithm: 'pkcs1v15',
      hash_algorithm: 'sha2-512',
    });
    const g = files('v15', pub, DATA, v15.data.signature);
    expect(openssl(['dgst', '-sha512', '-verify', g.pubPath, '-signature', g.sigPath, g.dataPath])).toBe(true);
    expect(
      (
        await ok('POST', 'transit/verify/rsa/sha2-512', {
          input: b64(DATA),
          signature: v15.data.signature,
          signature_algorithm: 'pkcs1v15',
        })
      ).data.valid,
    ).toBe(true);
    expect(
      (
        await ok('POST', 'transit/verify/rsa/sha2-512', {
          input: b64('other'),
          signature: v15.data.signature,
          signature_algorithm: 'pkcs1v15',
        })
      ).data.valid,
    ).toBe(false);
  });

  it('signs prehashed digests with PSS and PKCS#1 v1.5, and hash none', async () => {
    const pub = (await ok('GET', 'transit/keys/rsa')).data.keys['1'].public_key;
    const digest = crypto.createHash('sha256').update(DATA).digest();
    const pss = await ok('POST', 'transit/sign/rsa', { input: b64(digest), prehashed: true });
    const f = files('prepss', pub, DATA, pss.data.signature);
    expect(
      openssl([
        'dgst',
        '-sha256',
        '-sigopt',
        'rsa_padding_mode:pss',
        '-sigopt',
        'rsa_pss_saltlen:auto',
        '-verify',
        f.pubPath,
        '-signature',
        f.sigPath,
        f.dataPath,
      ]),
    ).toBe(true);
    expect(
      (await ok('POST', 'transit/verify/rsa', { input: b64(digest), prehashed: true, signature: pss.data.signature }))
        .data.valid,
    ).toBe(true);
    const v15 = await ok('POST', 'transit/sign/rsa', {
      input: b64(digest),
      prehashed: true,
      signature_algorithm: 'pkcs1v15',
    });
    const g = files('prev15', pub, DATA, v15.data.signature);
    expect(openssl(['dgst', '-sha256', '-verify', g.pubPath, '-signature', g.sigPath, g.dataPath])).toBe(true);
    const none = await http(engine, 'POST', 'transit/sign/rsa/none', { body: { input: b64(digest) } });
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([
      'hash_algorithm=none requires both prehashed=true and signature_algorithm=pkcs1v15',
    ]);
    const raw = await ok('POST', 'transit/sign/rsa/none', {
      input: b64('raw bytes'),
      prehashed: true,
      signature_algorithm: 'pkcs1v15',
    });
    expect(
      (
        await ok('POST', 'transit/verify/rsa/none', {
          input: b64('raw bytes'),
          prehashed: true,
          signature_algorithm: 'pkcs1v15',
          signature: raw.data.signature,
        })
      ).data.valid,
    ).toBe(true);
  });
});

describe('ed25519', () => {
  it('publishes a base64 raw public key that openssl uses to verify', async () => {
    await ok('POST', 'transit/keys/ed', { type: 'ed25519' });
    const raw = Buffer.from((await ok('GET', 'transit/keys/ed')).data.keys['1'].public_key, 'base64');
    expect(raw.length).toBe(32);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
    const pem = `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const s = await ok('POST', 'transit/sign/ed', { input: b64(DATA) });
    const f = files('ed', pem, DATA, s.data.signature);
    expect(
      openssl([
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        f.pubPath,
        '-rawin',
        '-in',
        f.dataPath,
        '-sigfile',
        f.sigPath,
      ]),
    ).toBe(true);
    expect(
      (await ok('POST', 'transit/verify/ed', { input: b64('nope'), signature: s.data.signature })).data.valid,
    ).toBe(false);
  });

  it('derives per-context keys and returns the public key in batch results', async () => {
    await ok('POST', 'transit/keys/ed-derived', { type: 'ed25519', derived: true });
    const r = await ok('POST', 'transit/sign/ed-derived', {
      batch_input: [
        { input: b64('a'), context: b64('ctx-a') },
        { input: b64('b'), context: b64('ctx-b') },
      ],
    });
    const [a, b] = r.data.batch_results;
    expect(a.publickey).not.toBe(b.publickey);
    const okA = await ok('POST', 'transit/verify/ed-derived', {
      input: b64('a'),
      signature: a.signature,
      context: b64('ctx-a'),
    });
    expect(okA.data.valid).toBe(true);
    const wrong = await ok('POST', 'transit/verify/ed-derived', {
      input: b64('a'),
      signature: a.signature,
      context: b64('ctx-b'),
    });
    expect(wrong.data.valid).toBe(false);
  });
});

describe('signing rules and HMAC', () => {
  it('refuses signing with a symmetric key and old signatures after min_decryption_version', async () => {
    await ok('POST', 'transit/keys/sym', {});
    const r = await http(engine, 'POST', 'transit/sign/sym', { body: { input: b64(DATA) } });
    expect(r.body.errors).toEqual(['key type aes256-gcm96 does not support signing']);
    const old = (await ok('POST', 'transit/sign/k-ecdsa-p256', { input: b64(DATA) })).data.signature;
    await ok('POST', 'transit/keys/k-ecdsa-p256/rotate', {});
    await ok('POST', 'transit/keys/k-ecdsa-p256/config', { min_decryption_version: 2 });
    const v = await http(engine, 'POST', 'transit/verify/k-ecdsa-p256', { body: { input: b64(DATA), signature: old } });
    expect(v.status).toBe(400);
    expect(v.body.errors).toEqual(['ciphertext or signature version is disallowed by policy (too old)']);
    const pubs = (await ok('GET', 'transit/keys/k-ecdsa-p256')).data.keys;
    expect(Object.keys(pubs)).toEqual(['1', '2']);
    expect(pubs['1'].public_key).not.toBe(pubs['2'].public_key);
  });

  it('computes HMACs that openssl reproduces with the exported key, and verifies them', async () => {
    await ok('POST', 'transit/keys/mac', { type: 'hmac', key_size: 64, exportable: true });
    const h = await ok('POST', 'transit/hmac/mac/sha2-384', { input: b64(DATA) });
    expect(h.data.hmac).toMatch(/^vault:v1:/);
    const key = Buffer.from((await ok('GET', 'transit/export/hmac-key/mac/1')).data.keys['1'], 'base64');
    expect(key.length).toBe(64);
    fs.writeFileSync(path.join(dir, 'mac.data'), DATA);
    const out = execFileSync('openssl', [
      'dgst',
      '-sha384',
      '-mac',
      'HMAC',
      '-macopt',
      `hexkey:${key.toString('hex')}`,
      '-binary',
      path.join(dir, 'mac.data'),
    ]);
    expect(out.toString('base64')).toBe(h.data.hmac.split(':')[2]);
    expect((await ok('POST', 'transit/verify/mac/sha2-384', { input: b64(DATA), hmac: h.data.hmac })).data.valid).toBe(
      true,
    );
    expect((await ok('POST', 'transit/verify/mac/sha2-256', { input: b64(DATA), hmac: h.data.hmac })).data.valid).toBe(
      false,
    );
    const both = await http(engine, 'POST', 'transit/verify/mac', { body: { input: b64(DATA) } });
    expect(both.body.errors).toEqual(["provide one of 'signature' or 'hmac'"]);
    const hmacAes = await ok('POST', 'transit/hmac/sym', { input: b64(DATA) });
    expect(hmacAes.data.hmac).toMatch(/^vault:v1:/);
  });

  it('exports public keys for every version and signing keys only when exportable', async () => {
    const pk = await ok('GET', 'transit/export/public-key/k-ecdsa-p256');
    expect(Object.keys(pk.data.keys)).toEqual(['1', '2']);
    const sk = await http(engine, 'GET', 'transit/export/signing-key/k-ecdsa-p256');
    expect(sk.body.errors).toEqual(['private key material is not exportable']);
    await ok('POST', 'transit/keys/exp-ec', { type: 'ecdsa-p256', exportable: true });
    const pem = (await ok('GET', 'transit/export/signing-key/exp-ec/1')).data.keys['1'];
    expect(pem).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    const s = await ok('POST', 'transit/sign/exp-ec', { input: b64(DATA) });
    const pub = crypto.createPublicKey(crypto.createPrivateKey(pem));
    expect(crypto.verify('sha256', DATA, pub, Buffer.from(s.data.signature.split(':')[2], 'base64'))).toBe(true);
  });
});

describe('bad input is a 400, never a 500', () => {
  it('refuses an over-long prehashed PKCS#1 v1.5 input with a clear message', async () => {
    const r = await http(engine, 'POST', 'transit/sign/rsa/sha2-256', {
      body: { input: b64(Buffer.alloc(300, 1)), prehashed: true, signature_algorithm: 'pkcs1v15' },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatch(/^failed to sign the input: /);
    const pss = await http(engine, 'POST', 'transit/sign/rsa/sha2-256', {
      body: { input: b64('short'), prehashed: true },
    });
    expect(pss.status).toBe(400);
    expect(pss.body.errors).toEqual(['prehashed input must be a 32-byte sha2-256 digest']);
    const alg = await http(engine, 'POST', 'transit/sign/rsa/md5', { body: { input: b64('x') } });
    expect(alg.body.errors).toEqual(['unsupported hash algorithm md5']);
    const input = await http(engine, 'POST', 'transit/sign/rsa', { body: { input: 'not base64!' } });
    expect(input.body.errors).toEqual(['unable to decode input as base64']);
  });
});
