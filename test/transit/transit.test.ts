/** Transit over HTTP: keys, encryption, rotation and retirement, batches, upsert and policies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault } from '../support/engine.js';
import { aead, hchacha20 } from '../../engine/secrets/transit/aead.js';

let engine: Engine;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

async function ok(method: string, path: string, body?: unknown, token?: string) {
  const r = await http(engine, method, path, { body, token });
  if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

beforeAll(async () => {
  engine = await devEngine();
  await ok('POST', 'sys/mounts/transit', { type: 'transit' });
});
afterAll(async () => {
  await engine.stop();
});

describe('transit keys', () => {
  it('creates an aes256-gcm96 key by default and reads its body', async () => {
    const created = await ok('POST', 'transit/keys/orders', {});
    expect(created.data.type).toBe('aes256-gcm96');
    const r = await ok('GET', 'transit/keys/orders');
    expect(r.mount_type).toBe('transit');
    expect(r.data).toMatchObject({
      name: 'orders',
      type: 'aes256-gcm96',
      latest_version: 1,
      min_decryption_version: 1,
      min_encryption_version: 0,
      min_available_version: 0,
      deletion_allowed: false,
      derived: false,
      exportable: false,
      supports_encryption: true,
      supports_signing: false,
    });
    expect(typeof r.data.keys['1']).toBe('number');
    const again = await ok('POST', 'transit/keys/orders', {});
    expect(again.warnings).toEqual(['key orders already existed']);
  });

  it('rejects unknown types and convergent without derivation', async () => {
    const bad = await http(engine, 'POST', 'transit/keys/x1', { body: { type: 'des' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(['unknown key type des']);
    const conv = await http(engine, 'POST', 'transit/keys/x2', { body: { convergent_encryption: true } });
    expect(conv.body.errors).toEqual(['convergent encryption requires derivation to be enabled']);
  });

  it('lists keys and refuses deletion until deletion_allowed', async () => {
    const l = await http(engine, 'LIST', 'transit/keys');
    expect(l.body.data.keys).toContain('orders');
    await ok('POST', 'transit/keys/doomed', { type: 'aes128-gcm96' });
    const refused = await http(engine, 'DELETE', 'transit/keys/doomed');
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(['error deleting policy doomed: deletion is not allowed for this key']);
    await ok('POST', 'transit/keys/doomed/config', { deletion_allowed: true });
    expect((await http(engine, 'DELETE', 'transit/keys/doomed')).status).toBe(204);
    expect((await http(engine, 'GET', 'transit/keys/doomed')).status).toBe(404);
  });
});

describe('encrypt, rotate, rewrap, retire', () => {
  it('round-trips base64 plaintext through vault:v1 ciphertext', async () => {
    const e = await ok('POST', 'transit/encrypt/orders', { plaintext: b64('card-4242') });
    expect(e.data.ciphertext).toMatch(/^vault:v1:[A-Za-z0-9+/]+=*$/);
    expect(e.data.key_version).toBe(1);
    // 12-byte nonce + 9 bytes + 16-byte tag
    expect(Buffer.from(e.data.ciphertext.split(':')[2], 'base64').length).toBe(12 + 9 + 16);
    const d = await ok('POST', 'transit/decrypt/orders', { ciphertext: e.data.ciphertext });
    expect(unb64(d.data.plaintext)).toBe('card-4242');
  });

  it('keeps old ciphertext decryptable after rotation, rewraps it, then retires v1', async () => {
    await ok('POST', 'transit/keys/rot', {});
    const v1 = (await ok('POST', 'transit/encrypt/rot', { plaintext: b64('old secret') })).data.ciphertext;
    const rot = await ok('POST', 'transit/keys/rot/rotate', {});
    expect(rot.data.latest_version).toBe(2);
    const v2 = (await ok('POST', 'transit/encrypt/rot', { plaintext: b64('new secret') })).data.ciphertext;
    expect(v2.startsWith('vault:v2:')).toBe(true);
    expect(unb64((await ok('POST', 'transit/decrypt/rot', { ciphertext: v1 })).data.plaintext)).toBe('old secret');
    const rw = await ok('POST', 'transit/rewrap/rot', { ciphertext: v1 });
    expect(rw.data.ciphertext.startsWith('vault:v2:')).toBe(true);
    expect(rw.data.plaintext).toBeUndefined();
    await ok('POST', 'transit/keys/rot/config', { min_decryption_version: 2 });
    const refused = await http(engine, 'POST', 'transit/decrypt/rot', { body: { ciphertext: v1 } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(['ciphertext or signature version is disallowed by policy (too old)']);
    expect(unb64((await ok('POST', 'transit/decrypt/rot', { ciphertext: rw.data.ciphertext })).data.plaintext)).toBe(
      'old secret',
    );
  });

  it('validates config versions and trims old versions forever', async () => {
    await ok('POST', 'transit/keys/trimmed', {});
    for (let i = 0; i < 3; i++) await ok('POST', 'transit/keys/trimmed/rotate', {});
    const tooNew = await http(engine, 'POST', 'transit/keys/trimmed/config', { body: { min_decryption_version: 9 } });
    expect(tooNew.body.errors).toEqual(['cannot set min decryption version of 9, latest key version is 4']);
    const early = await http(engine, 'POST', 'transit/keys/trimmed/trim', { body: { min_available_version: 2 } });
    expect(early.status).toBe(400);
    await ok('POST', 'transit/keys/trimmed/config', { min_decryption_version: 3, min_encryption_version: 4 });
    const t = await ok('POST', 'transit/keys/trimmed/trim', { min_available_version: 3 });
    expect(Object.keys(t.data.keys)).toEqual(['3', '4']);
    expect(t.data.min_available_version).toBe(3);
    const old = await http(engine, 'POST', 'transit/encrypt/trimmed', {
      body: { plaintext: b64('x'), key_version: 3 },
    });
    expect(old.body.errors).toEqual([
      'requested version for encryption is less than the minimum encryption key version',
    ]);
  });

  it('reports Vault errors for malformed ciphertext and tampering', async () => {
    const ct = (await ok('POST', 'transit/encrypt/orders', { plaintext: b64('abc') })).data.ciphertext as string;
    const cases: Array<[string, string]> = [
      ['nope', 'invalid ciphertext: no prefix'],
      ['vault:v1', 'invalid ciphertext: wrong number of fields'],
      ['vault:vx:AAAA', 'invalid ciphertext: version number could not be decoded'],
      ['vault:v9:AAAA', 'invalid ciphertext: version is too new'],
      ['vault:v1:!!!!', 'invalid ciphertext: could not decode base64'],
      ['vault:v1:AAAA', 'invalid ciphertext length'],
    ];
    for (const [c, msg] of cases) {
      const r = await http(engine, 'POST', 'transit/decrypt/orders', { body: { ciphertext: c } });
      expect(r.status, c).toBe(400);
      expect(r.body.errors, c).toEqual([msg]);
    }
    const raw = Buffer.from(ct.split(':')[2], 'base64');
    raw[14] ^= 1;
    const tampered = await http(engine, 'POST', 'transit/decrypt/orders', {
      body: { ciphertext: `vault:v1:${raw.toString('base64')}` },
    });
    expect(tampered.body.errors).toEqual(['cipher: message authentication failed']);
    const missing = await http(engine, 'POST', 'transit/encrypt/orders', { body: {} });
    expect(missing.body.errors).toEqual(['missing plaintext to encrypt']);
  });

  it('binds associated_data and derived-key contexts', async () => {
    const aad = b64('order-17');
    const ct = (await ok('POST', 'transit/encrypt/orders', { plaintext: b64('x'), associated_data: aad })).data
      .ciphertext;
    expect((await http(engine, 'POST', 'transit/decrypt/orders', { body: { ciphertext: ct } })).body.errors).toEqual([
      'cipher: message authentication failed',
    ]);
    expect(
      unb64((await ok('POST', 'transit/decrypt/orders', { ciphertext: ct, associated_data: aad })).data.plaintext),
    ).toBe('x');

    await ok('POST', 'transit/keys/tenant', { derived: true });
    const noCtx = await http(engine, 'POST', 'transit/encrypt/tenant', { body: { plaintext: b64('x') } });
    expect(noCtx.body.errors[0]).toMatch(/^missing 'context' for key derivation/);
    const c1 = (await ok('POST', 'transit/encrypt/tenant', { plaintext: b64('hello'), context: b64('tenant-1') })).data
      .ciphertext;
    const wrong = await http(engine, 'POST', 'transit/decrypt/tenant', {
      body: { ciphertext: c1, context: b64('tenant-2') },
    });
    expect(wrong.body.errors).toEqual(['cipher: message authentication failed']);
    expect(
      unb64((await ok('POST', 'transit/decrypt/tenant', { ciphertext: c1, context: b64('tenant-1') })).data.plaintext),
    ).toBe('hello');

    await ok('POST', 'transit/keys/conv', { derived: true, convergent_encryption: true });
    const a = (await ok('POST', 'transit/encrypt/conv', { plaintext: b64('same'), context: b64('c') })).data.ciphertext;
    const b = (await ok('POST', 'transit/encrypt/conv', { plaintext: b64('same'), context: b64('c') })).data.ciphertext;
    expect(a).toBe(b);
    expect((await ok('GET', 'transit/keys/conv')).data).toMatchObject({
      kdf: 'hkdf_sha256',
      convergent_encryption: true,
      convergent_encryption_version: 3,
    });
  });

  it('processes batches in order with per-item errors and the right status', async () => {
    const good = await ok('POST', 'transit/encrypt/orders', {
      batch_input: [{ plaintext: b64('a'), reference: 'r1' }, { plaintext: b64('b') }],
    });
    expect(good.data.batch_results).toHaveLength(2);
    expect(good.data.batch_results[0].reference).toBe('r1');
    const mixed = await http(engine, 'POST', 'transit/decrypt/orders', {
      body: { batch_input: [{ ciphertext: good.data.batch_results[0].ciphertext }, { ciphertext: 'garbage' }] },
    });
    expect(mixed.status).toBe(400);
    expect(unb64(mixed.body.data.batch_results[0].plaintext)).toBe('a');
    expect(mixed.body.data.batch_results[1].error).toBe('invalid ciphertext: no prefix');
    const partial = await http(engine, 'POST', 'transit/decrypt/orders', {
      body: {
        partial_failure_response_code: 207,
        batch_input: [{ ciphertext: good.data.batch_results[1].ciphertext }, { ciphertext: 'garbage' }],
      },
    });
    expect(partial.status).toBe(207);
  });

  it('produces data keys, plaintext and wrapped', async () => {
    const p = await ok('POST', 'transit/datakey/plaintext/orders', { bits: 128 });
    expect(Buffer.from(p.data.plaintext, 'base64').length).toBe(16);
    const back = await ok('POST', 'transit/decrypt/orders', { ciphertext: p.data.ciphertext });
    expect(back.data.plaintext).toBe(p.data.plaintext);
    const w = await ok('POST', 'transit/datakey/wrapped/orders', {});
    expect(w.data.plaintext).toBeUndefined();
    expect((await http(engine, 'POST', 'transit/datakey/other/orders', { body: {} })).body.errors).toEqual([
      "Invalid path, must be 'plaintext' or 'wrapped'",
    ]);
  });

  it('encrypts and decrypts with aes128, chacha20-poly1305 and RSA-OAEP keys', async () => {
    for (const type of ['aes128-gcm96', 'chacha20-poly1305', 'rsa-2048']) {
      const name = `t-${type}`;
      await ok('POST', `transit/keys/${name}`, { type });
      const ct = (await ok('POST', `transit/encrypt/${name}`, { plaintext: b64(`hi ${type}`) })).data.ciphertext;
      expect(unb64((await ok('POST', `transit/decrypt/${name}`, { ciphertext: ct })).data.plaintext)).toBe(
        `hi ${type}`,
      );
    }
  });
});

describe('xchacha20-poly1305', () => {
  // Test vectors from draft-irtf-cfrg-xchacha-03, sections 2.2.1 and A.3.1.
  it('matches the published HChaCha20 and XChaCha20-Poly1305 test vectors', () => {
    const k = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(hchacha20(k, Buffer.from('000000090000004a0000000031415927', 'hex')).toString('hex')).toBe(
      '82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc',
    );
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i));
    const nonce = Buffer.from(Array.from({ length: 24 }, (_, i) => 0x40 + i));
    const aad = Buffer.from('50515253c0c1c2c3c4c5c6c7', 'hex');
    const pt = Buffer.from(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const c = aead('xchacha20-poly1305', key, nonce, false) as import('node:crypto').CipherGCM;
    c.setAAD(aad, { plaintextLength: pt.length });
    const out = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString('hex');
    expect(out).toBe(
      'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e' +
        'c0875924c1c7987947deafd8780acf49',
    );
  });

  it('encrypts with a 24-byte nonce, decrypts, rejects tampering, and supports derivation and convergence', async () => {
    const made = await ok('POST', 'transit/keys/xc', { type: 'xchacha20-poly1305' });
    expect(made.data).toMatchObject({
      type: 'xchacha20-poly1305',
      supports_encryption: true,
      supports_derivation: true,
    });
    const ct = (await ok('POST', 'transit/encrypt/xc', { plaintext: b64('the eagle lands') })).data
      .ciphertext as string;
    const payload = Buffer.from(ct.split(':')[2], 'base64');
    expect(payload.length).toBe(24 + 'the eagle lands'.length + 16);
    expect(unb64((await ok('POST', 'transit/decrypt/xc', { ciphertext: ct })).data.plaintext)).toBe('the eagle lands');
    payload[30] ^= 1;
    const bad = await http(engine, 'POST', 'transit/decrypt/xc', {
      body: { ciphertext: `vault:v1:${payload.toString('base64')}` },
    });
    expect(bad.status).toBe(400);
    await ok('POST', 'transit/keys/xc-conv', {
      type: 'xchacha20-poly1305',
      derived: true,
      convergent_encryption: true,
    });
    const ctx = b64('user-42');
    const a = (await ok('POST', 'transit/encrypt/xc-conv', { plaintext: b64('same'), context: ctx })).data.ciphertext;
    const b = (await ok('POST', 'transit/encrypt/xc-conv', { plaintext: b64('same'), context: ctx })).data.ciphertext;
    expect(a).toBe(b);
    expect(unb64((await ok('POST', 'transit/decrypt/xc-conv', { ciphertext: a, context: ctx })).data.plaintext)).toBe(
      'same',
    );
  });
});

describe('upsert and policies', () => {
  it('creates a missing key on encrypt only with the create capability', async () => {
    await ok('PUT', 'sys/policies/acl/enc-update', {
      policy: 'path "transit/encrypt/*" { capabilities = ["update"] }',
    });
    await ok('PUT', 'sys/policies/acl/enc-create', {
      policy: 'path "transit/encrypt/*" { capabilities = ["create", "update"] }',
    });
    const upd = (await ok('POST', 'auth/token/create', { policies: ['enc-update'] })).auth.client_token;
    const cre = (await ok('POST', 'auth/token/create', { policies: ['enc-create'] })).auth.client_token;
    const denied = await http(engine, 'POST', 'transit/encrypt/fresh', { token: upd, body: { plaintext: b64('x') } });
    expect(denied.status).toBe(403);
    const made = await http(engine, 'POST', 'transit/encrypt/fresh', { token: cre, body: { plaintext: b64('x') } });
    expect(made.status).toBe(200);
    expect((await ok('GET', 'transit/keys/fresh')).data.type).toBe('aes256-gcm96');
    const root = await http(engine, 'POST', 'transit/decrypt/missing-key', { body: { ciphertext: 'vault:v1:AAAA' } });
    expect(root.body.errors).toEqual(['encryption key not found']);
  });

  it('works through node-vault too', async () => {
    const v = nodeVault(engine);
    await v.write('transit/keys/nv', {});
    const e = await v.write('transit/encrypt/nv', { plaintext: b64('from node-vault') });
    const d = await v.write('transit/decrypt/nv', { ciphertext: e.data.ciphertext });
    expect(unb64(d.data.plaintext)).toBe('from node-vault');
  });
});

describe('auto rotation, export, backup and restore, tools', () => {
  it('rotates on the engine clock once auto_rotate_period elapses', async () => {
    const short = await http(engine, 'POST', 'transit/keys/auto', { body: { auto_rotate_period: '10m' } });
    expect(short.body.errors).toEqual(['auto rotate period must be 0 to disable or at least an hour']);
    await ok('POST', 'transit/keys/auto', { auto_rotate_period: '1h' });
    expect((await ok('GET', 'transit/keys/auto')).data.latest_version).toBe(1);
    await engine.clock.advance('61m');
    const r = await ok('GET', 'transit/keys/auto');
    expect(r.data.latest_version).toBe(2);
    expect(r.data.auto_rotate_period).toBe(3600);
  });

  it('exports only exportable keys and backs them up and restores them', async () => {
    const no = await http(engine, 'GET', 'transit/export/encryption-key/orders');
    expect(no.body.errors).toEqual(['private key material is not exportable']);
    await ok('POST', 'transit/keys/portable', { exportable: true, allow_plaintext_backup: true });
    const ct = (await ok('POST', 'transit/encrypt/portable', { plaintext: b64('travels') })).data.ciphertext;
    const ex = await ok('GET', 'transit/export/encryption-key/portable/latest');
    expect(Buffer.from(ex.data.keys['1'], 'base64').length).toBe(32);
    const hk = await ok('GET', 'transit/export/hmac-key/portable');
    expect(Object.keys(hk.data.keys)).toEqual(['1']);
    expect((await http(engine, 'GET', 'transit/backup/orders')).body.errors).toEqual([
      'plaintext backup is disallowed on the policy',
    ]);
    const backup = (await ok('GET', 'transit/backup/portable')).data.backup;
    const dup = await http(engine, 'POST', 'transit/restore', { body: { backup } });
    expect(dup.body.errors).toEqual(['key "portable" already exists']);
    await ok('POST', 'transit/restore/portable-copy', { backup });
    expect(unb64((await ok('POST', 'transit/decrypt/portable-copy', { ciphertext: ct })).data.plaintext)).toBe(
      'travels',
    );
    expect((await ok('GET', 'transit/keys/portable-copy')).data.restore_info).toBeTruthy();
  });

  it('generates random bytes and hashes', async () => {
    const r = await ok('POST', 'transit/random/16', { format: 'hex' });
    expect(r.data.random_bytes).toMatch(/^[0-9a-f]{32}$/);
    const h = await ok('POST', 'transit/hash/sha2-512', { input: b64('abc'), format: 'hex' });
    expect(h.data.sum).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    expect((await http(engine, 'POST', 'transit/hash/md5', { body: { input: b64('abc') } })).body.errors).toEqual([
      'unsupported algorithm md5',
    ]);
  });
});
