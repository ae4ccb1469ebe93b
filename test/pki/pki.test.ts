/**
 * PKI over HTTP: a root CA, roles, issuance, CSR signing, revocation and CRLs, with every
 * certificate and CRL checked by openssl outside the engine.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault } from '../support/engine.js';

let engine: Engine;
let dir: string;

async function ok(method: string, p: string, body?: unknown, token?: string) {
  const r = await http(engine, method, p, { body, token });
  if (r.status >= 300) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
function write(name: string, text: string | Buffer) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}
/** Runs openssl; `out` is stdout followed by stderr (where `verify OK` goes). */
function openssl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

let rootPem = '';
beforeAll(async () => {
  engine = await devEngine();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-'));
  await ok('POST', 'sys/mounts/pki', { type: 'pki', config: { max_lease_ttl: '87600h' } });
});
afterAll(async () => {
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('root CA', () => {
  it('answers 204 on the raw CA paths before there is a CA', async () => {
    const r = await fetch(`${engine.url}/v1/pki/ca/pem`);
    expect(r.status).toBe(204);
  });

  it('generates an EC root whose certificate openssl accepts as a self-signed CA', async () => {
    const r = await ok('POST', 'pki/root/generate/internal', {
      common_name: 'example.com',
      ttl: '87600h',
      key_type: 'ec',
    });
    expect(r.data.private_key).toBeUndefined();
    expect(r.data.serial_number).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    expect(r.data.issuing_ca).toBe(r.data.certificate);
    expect(r.data.issuer_id).toMatch(/^[0-9a-f-]{36}$/);
    rootPem = r.data.certificate;
    const f = write('root.pem', rootPem);
    expect(openssl(['verify', '-CAfile', f, f]).ok).toBe(true);
    const text = openssl(['x509', '-in', f, '-noout', '-text']).out;
    expect(text).toContain('CA:TRUE');
    expect(text).toContain('Certificate Sign, CRL Sign');
    expect(text).toContain('ecdsa-with-SHA256');
    const x = new crypto.X509Certificate(rootPem);
    expect(x.subject).toBe('CN=example.com');
    expect(r.data.expiration).toBe(Math.floor(new Date(x.validTo).getTime() / 1000));
  });

  it("caps a root TTL at the mount max with Vault's warning", async () => {
    await ok('POST', 'sys/mounts/pki-short', { type: 'pki', config: { max_lease_ttl: '10m' } });
    const r = await ok('POST', 'pki-short/root/generate/exported', {
      common_name: 'short.example',
      ttl: '4h',
      key_type: 'ed25519',
    });
    expect(r.warnings).toEqual(['TTL "4h0m0s" is longer than permitted maxTTL "10m0s", so maxTTL is being used']);
    expect(r.data.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(r.data.private_key_type).toBe('ed25519');
    const notAfter = new Date(new crypto.X509Certificate(r.data.certificate).validTo).getTime();
    expect(Math.abs(notAfter - (engine.clock.nowMs() + 600_000))).toBeLessThan(5000);
  });

  it('serves the CA raw and unauthenticated as DER, PEM and chain', async () => {
    const der = await fetch(`${engine.url}/v1/pki/ca`);
    expect(der.headers.get('content-type')).toBe('application/pkix-cert');
    const derBody = Buffer.from(await der.arrayBuffer());
    expect(new crypto.X509Certificate(derBody).fingerprint256).toBe(new crypto.X509Certificate(rootPem).fingerprint256);
    const p = await fetch(`${engine.url}/v1/pki/ca/pem`);
    expect((await p.text()).trim()).toBe(rootPem.trim());
    const chain = await fetch(`${engine.url}/v1/pki/ca_chain`);
    expect(await chain.text()).toContain('BEGIN CERTIFICATE');
  });
});

describe('roles and issuance', () => {
  it('stores URLs and a role with Vault defaults', async () => {
    await ok('POST', 'pki/config/urls', {
      issuing_certificates: `${engine.url}/v1/pki/ca`,
      crl_distribution_points: `${engine.url}/v1/pki/crl`,
    });
    const u = await ok('GET', 'pki/config/urls');
    expect(u.data.issuing_certificates).toEqual([`${engine.url}/v1/pki/ca`]);
    await ok('POST', 'pki/roles/web', {
      allowed_domains: 'example.com',
      allow_subdomains: true,
      max_ttl: '72h',
      key_type: 'ec',
    });
    const r = await ok('GET', 'pki/roles/web');
    expect(r.data).toMatchObject({
      allowed_domains: ['example.com'],
      allow_subdomains: true,
      allow_bare_domains: false,
      max_ttl: 259200,
      ttl: 0,
      key_type: 'ec',
      key_bits: 256,
      server_flag: true,
      client_flag: true,
      key_usage: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
      no_store: false,
      generate_lease: false,
    });
    expect((await http(engine, 'LIST', 'pki/roles')).body.data.keys).toEqual(['web']);
    const bad = await http(engine, 'POST', 'pki/roles/bad', { body: { ttl: '2h', max_ttl: '1h' } });
    expect(bad.body.errors).toEqual(['"ttl" value must be less than "max_ttl" value']);
  });

  let leafSerial = '';
  it('issues a leaf that openssl verifies against the root, with SANs, EKUs and URLs', async () => {
    const r = await ok('POST', 'pki/issue/web', {
      common_name: 'api.example.com',
      alt_names: 'www.example.com',
      ip_sans: '127.0.0.1',
      ttl: '24h',
    });
    expect(r.warnings).toBeNull();
    expect(r.data.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(r.data.private_key_type).toBe('ec');
    expect(r.data.ca_chain).toEqual([rootPem]);
    expect(r.data.issuing_ca).toBe(rootPem);
    leafSerial = r.data.serial_number;
    const leaf = write('leaf.pem', r.data.certificate);
    const ca = write('ca.pem', rootPem);
    const v = openssl(['verify', '-CAfile', ca, '-purpose', 'sslserver', leaf]);
    expect(v.out).toContain(': OK');
    const text = openssl(['x509', '-in', leaf, '-noout', '-text']).out;
    expect(text).toContain('DNS:api.example.com');
    expect(text).toContain('DNS:www.example.com');
    expect(text).toContain('IP Address:127.0.0.1');
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(text).toContain(`CA Issuers - URI:${engine.url}/v1/pki/ca`);
    expect(text).toContain(`URI:${engine.url}/v1/pki/crl`);
    expect(text).not.toContain('CA:TRUE');
    const serialFromOpenssl = openssl(['x509', '-in', leaf, '-noout', '-serial'])
      .out.trim()
      .split('=')[1]
      .toLowerCase();
    expect(serialFromOpenssl.replace(/^0+/, '')).toBe(leafSerial.replace(/:/g, '').replace(/^0+/, ''));
    // the key matches the certificate
    const pub = crypto
      .createPublicKey(crypto.createPrivateKey(r.data.private_key))
      .export({ type: 'spki', format: 'der' });
    expect(
      Buffer.from(pub).equals(
        new crypto.X509Certificate(r.data.certificate).publicKey.export({ type: 'spki', format: 'der' }),
      ),
    ).toBe(true);
    const x = new crypto.X509Certificate(r.data.certificate);
    const life = new Date(x.validTo).getTime() - new Date(x.validFrom).getTime();
    expect(life).toBe(24 * 3600_000 + 30_000);
  });

  it('refuses names outside the role with a 400', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ common_name: 'api.evil.com' }, 'common name api.evil.com not allowed by this role'],
      [{ common_name: 'example.com' }, 'common name example.com not allowed by this role'],
      [
        { common_name: 'ok.example.com', alt_names: 'bad.other.org' },
        'subject alternate name bad.other.org not allowed by this role',
      ],
      [
        {},
        'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
      ],
    ];
    for (const [body, msg] of cases) {
      const r = await http(engine, 'POST', 'pki/issue/web', { body });
      expect(r.status, msg).toBe(400);
      expect(r.body.errors).toEqual([msg]);
    }
    expect(
      (await http(engine, 'POST', 'pki/issue/nope', { body: { common_name: 'x.example.com' } })).body.errors,
    ).toEqual(['unknown role: nope']);
  });

  it('applies bare, glob, wildcard, localhost and IP rules', async () => {
    await ok('POST', 'pki/roles/strict', {
      allowed_domains: 'example.com,*.svc.internal',
      allow_bare_domains: true,
      allow_glob_domains: true,
      allow_localhost: false,
      allow_ip_sans: false,
      key_type: 'ec',
    });
    expect((await http(engine, 'POST', 'pki/issue/strict', { body: { common_name: 'example.com' } })).status).toBe(200);
    expect(
      (await http(engine, 'POST', 'pki/issue/strict', { body: { common_name: 'db.prod.svc.internal' } })).status,
    ).toBe(200);
    expect((await http(engine, 'POST', 'pki/issue/strict', { body: { common_name: 'sub.example.com' } })).status).toBe(
      400,
    );
    expect((await http(engine, 'POST', 'pki/issue/strict', { body: { common_name: 'localhost' } })).status).toBe(400);
    const ip = await http(engine, 'POST', 'pki/issue/strict', {
      body: { common_name: 'example.com', ip_sans: '10.0.0.1' },
    });
    expect(ip.body.errors).toEqual([
      'IP Subject Alternative Names are not allowed in this role, but was provided 10.0.0.1',
    ]);
    expect((await http(engine, 'POST', 'pki/issue/web', { body: { common_name: '*.example.com' } })).status).toBe(200);
    expect((await http(engine, 'POST', 'pki/issue/web', { body: { common_name: 'localhost' } })).status).toBe(200);
    const notHost = await http(engine, 'POST', 'pki/issue/web', { body: { common_name: 'bad_name.example.com' } });
    expect(notHost.body.errors).toEqual(['common name bad_name.example.com not allowed by this role']);
    await ok('POST', 'pki/roles/anything', { allow_any_name: true, enforce_hostnames: false, key_type: 'ec' });
    expect((await http(engine, 'POST', 'pki/issue/anything', { body: { common_name: 'Not A Hostname' } })).status).toBe(
      200,
    );
  });

  it("caps a TTL above the role max with Vault's warning", async () => {
    const r = await ok('POST', 'pki/issue/web', { common_name: 'long.example.com', ttl: '100h' });
    expect(r.warnings).toEqual(['TTL "100h0m0s" is longer than permitted maxTTL "72h0m0s", so maxTTL is being used']);
  });

  it('signs a CSR made by openssl and enforces the role key type', async () => {
    const key = write(
      'csr.key',
      crypto
        .generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        .privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    );
    const csr = openssl([
      'req',
      '-new',
      '-key',
      key,
      '-subj',
      '/CN=svc.example.com',
      '-addext',
      'subjectAltName=DNS:alt.example.com',
    ]).out;
    const r = await ok('POST', 'pki/sign/web', { csr, ttl: '1h' });
    expect(r.data.private_key).toBeUndefined();
    const leaf = write('signed.pem', r.data.certificate);
    expect(openssl(['verify', '-CAfile', write('ca2.pem', rootPem), leaf]).ok).toBe(true);
    const text = openssl(['x509', '-in', leaf, '-noout', '-text']).out;
    expect(text).toContain('DNS:svc.example.com');
    expect(text).toContain('DNS:alt.example.com');
    const rsaKey = write(
      'rsa.key',
      crypto
        .generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    );
    const rsaCsr = openssl(['req', '-new', '-key', rsaKey, '-subj', '/CN=svc.example.com']).out;
    const refused = await http(engine, 'POST', 'pki/sign/web', { body: { csr: rsaCsr } });
    expect(refused.body.errors).toEqual(['role requires keys of type ec']);
    const bad = await http(engine, 'POST', 'pki/sign/web', { body: { csr: 'garbage' } });
    expect(bad.status).toBe(400);
  });

  it('lists stored certificates by hyphen serial and reads them by colon or hyphen serial', async () => {
    const l = await http(engine, 'LIST', 'pki/certs');
    const hyphen = leafSerial.replace(/:/g, '-');
    expect(l.body.data.keys).toContain(hyphen);
    const c = await http(engine, 'GET', `pki/cert/${leafSerial}`, { token: null });
    expect(c.status).toBe(200);
    expect(c.body.data.revocation_time).toBe(0);
    const rawPem = await fetch(`${engine.url}/v1/pki/cert/${hyphen}/raw/pem`);
    expect(await rawPem.text()).toContain('BEGIN CERTIFICATE');
  });

  it('issues without storing when no_store is set', async () => {
    await ok('POST', 'pki/roles/ephemeral', {
      allowed_domains: 'example.com',
      allow_subdomains: true,
      key_type: 'ec',
      no_store: true,
    });
    const before = (await http(engine, 'LIST', 'pki/certs')).body.data.keys.length;
    const r = await ok('POST', 'pki/issue/ephemeral', { common_name: 'tmp.example.com' });
    expect((await http(engine, 'LIST', 'pki/certs')).body.data.keys.length).toBe(before);
    expect((await http(engine, 'GET', `pki/cert/${r.data.serial_number}`)).status).toBe(404);
  });
});

describe('revocation and CRLs', () => {
  it('revokes a certificate and lists its serial in a CRL openssl verifies', async () => {
    const r = await ok('POST', 'pki/issue/web', { common_name: 'gone.example.com', ttl: '1h' });
    const serial = r.data.serial_number as string;
    const rv = await ok('POST', 'pki/revoke', { serial_number: serial });
    expect(rv.data.state).toBe('revoked');
    expect(rv.data.revocation_time).toBe(engine.clock.unix());
    const crlRes = await fetch(`${engine.url}/v1/pki/crl/pem`);
    expect(crlRes.headers.get('content-type')).toBe('application/x-pem-file');
    const crl = write('crl.pem', await crlRes.text());
    const ca = write('ca3.pem', rootPem);
    const check = openssl(['crl', '-in', crl, '-CAfile', ca, '-noout', '-text']);
    expect(check.out).toContain('verify OK');
    expect(check.out.toUpperCase()).toContain(serial.replace(/:/g, '').toUpperCase().replace(/^0+/, ''));
    const leaf = write('revoked.pem', r.data.certificate);
    const v = openssl(['verify', '-crl_check', '-CAfile', ca, '-CRLfile', crl, leaf]);
    expect(v.ok).toBe(false);
    expect(v.out).toContain('certificate revoked');
    const der = await fetch(`${engine.url}/v1/pki/crl`);
    expect(der.headers.get('content-type')).toBe('application/pkix-crl');
    const derFile = write('crl.der', Buffer.from(await der.arrayBuffer()));
    expect(openssl(['crl', '-inform', 'DER', '-in', derFile, '-CAfile', ca, '-noout']).out).toContain('verify OK');
    expect((await http(engine, 'LIST', 'pki/certs/revoked')).body.data.keys).toContain(serial.replace(/:/g, '-'));
    const c = await ok('GET', `pki/cert/${serial.replace(/:/g, '-')}`);
    expect(c.data.revocation_time).toBe(rv.data.revocation_time);
  });

  it('reports unknown serials and rotates the CRL', async () => {
    const r = await http(engine, 'POST', 'pki/revoke', { body: { serial_number: '11:22:33' } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual(['certificate with serial 11:22:33 not found.']);
    const rot = await ok('GET', 'pki/crl/rotate');
    expect(rot.data.success).toBe(true);
    const crl = write('crl2.pem', await (await fetch(`${engine.url}/v1/pki/crl/pem`)).text());
    expect(openssl(['crl', '-in', crl, '-noout', '-crlnumber']).out).toMatch(/crlNumber=0x[0-9A-F]+/i);
  });

  it('revokes through the lease when the role generates leases', async () => {
    await ok('POST', 'pki/roles/leased', {
      allowed_domains: 'example.com',
      allow_subdomains: true,
      key_type: 'ec',
      generate_lease: true,
    });
    const r = await ok('POST', 'pki/issue/leased', { common_name: 'lease.example.com', ttl: '1h' });
    expect(r.lease_id).toMatch(/^pki\/issue\/leased\//);
    expect(r.lease_duration).toBeGreaterThan(3500);
    expect(r.renewable).toBe(false);
    const plain = await ok('POST', 'pki/issue/web', { common_name: 'nolease.example.com' });
    expect(plain.lease_id).toBe('');
    await ok('PUT', 'sys/leases/revoke', { lease_id: r.lease_id });
    const c = await ok('GET', `pki/cert/${r.data.serial_number}`);
    expect(c.data.revocation_time).toBeGreaterThan(0);
  });
});

describe('intermediate CA', () => {
  it('signs an intermediate, imports it, and issues leaves that verify through the chain', async () => {
    const v = nodeVault(engine);
    await ok('POST', 'sys/mounts/pki_int', { type: 'pki', config: { max_lease_ttl: '43800h' } });
    const gen = await v.write('pki_int/intermediate/generate/internal', {
      common_name: 'example.com Intermediate Authority',
      key_type: 'ec',
    });
    expect(gen.data.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    const csrFile = write('int.csr', gen.data.csr);
    const req = openssl(['req', '-in', csrFile, '-noout', '-verify', '-subject']);
    expect(req.ok).toBe(true);
    expect(req.out).toContain('verify OK');
    expect(req.out).toContain('example.com Intermediate Authority');
    const signed = await v.write('pki/root/sign-intermediate', {
      csr: gen.data.csr,
      format: 'pem_bundle',
      ttl: '43800h',
    });
    expect(signed.data.certificate).toContain(rootPem.trim());
    const set = await v.write('pki_int/intermediate/set-signed', { certificate: signed.data.certificate });
    expect(set.data.imported_issuers).toHaveLength(2);
    expect(Object.values(set.data.mapping).filter((k) => k)).toHaveLength(1);
    await v.write('pki_int/roles/example-dot-com', {
      allowed_domains: 'example.com',
      allow_subdomains: true,
      max_ttl: '720h',
      key_type: 'ec',
    });
    const leaf = await v.write('pki_int/issue/example-dot-com', { common_name: 'test.example.com', ttl: '24h' });
    expect(leaf.data.ca_chain).toHaveLength(2);
    const rootFile = write('r.pem', rootPem);
    const intFile = write('i.pem', leaf.data.issuing_ca);
    const leafFile = write('l.pem', leaf.data.certificate);
    expect(openssl(['verify', '-CAfile', rootFile, '-untrusted', intFile, leafFile]).out).toContain(': OK');
    expect(openssl(['verify', '-CAfile', intFile, leafFile]).ok).toBe(false);
    const chain = await (await fetch(`${engine.url}/v1/pki_int/ca_chain`)).text();
    expect(chain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    // revocation on the intermediate mount produces a CRL signed by the intermediate
    await v.write('pki_int/revoke', { serial_number: leaf.data.serial_number });
    const crl = write('int-crl.pem', await (await fetch(`${engine.url}/v1/pki_int/crl/pem`)).text());
    expect(openssl(['crl', '-in', crl, '-CAfile', intFile, '-noout']).out).toContain('verify OK');
    expect(
      openssl(['verify', '-crl_check', '-CAfile', rootFile, '-untrusted', intFile, '-CRLfile', crl, leafFile]).out,
    ).toContain('certificate revoked');
  });

  it('issues a too-long certificate only within the CA lifetime', async () => {
    await ok('POST', 'sys/mounts/tiny-ca', { type: 'pki', config: { max_lease_ttl: '87600h' } });
    await ok('POST', 'tiny-ca/root/generate/internal', { common_name: 'tiny', ttl: '2h', key_type: 'ec' });
    await ok('POST', 'tiny-ca/roles/r', { allow_any_name: true, key_type: 'ec' });
    const r = await http(engine, 'POST', 'tiny-ca/issue/r', { body: { common_name: 'x.tiny', ttl: '5h' } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatch(
      /^cannot satisfy request, as TTL would result in notAfter of .* that is beyond the expiration of the CA certificate at /,
    );
  });

  it('requires sudo to delete the root, and a token for everything but the raw paths', async () => {
    await ok('PUT', 'sys/policies/acl/pki-admin', {
      policy: 'path "tiny-ca/*" { capabilities = ["create", "read", "update", "delete", "list"] }',
    });
    const t = (await ok('POST', 'auth/token/create', { policies: ['pki-admin'] })).auth.client_token;
    expect((await http(engine, 'DELETE', 'tiny-ca/root', { token: t })).status).toBe(403);
    expect((await http(engine, 'GET', 'tiny-ca/roles/r', { token: null })).status).toBe(403);
    expect((await http(engine, 'GET', 'tiny-ca/crl/pem', { token: null })).status).toBe(200);
    const del = await http(engine, 'DELETE', 'tiny-ca/root');
    expect(del.status).toBe(200);
    expect((await fetch(`${engine.url}/v1/tiny-ca/ca`)).status).toBe(204);
  });
});

describe('key types', () => {
  for (const [type, bits] of [
    ['rsa', 2048],
    ['ec', 384],
    ['ed25519', 0],
  ] as const) {
    it(`roots and leaves with ${type} keys verify with openssl`, async () => {
      const m = `pki-${type}`;
      await ok('POST', `sys/mounts/${m}`, { type: 'pki' });
      const root = await ok('POST', `${m}/root/generate/internal`, {
        common_name: `${type} root`,
        key_type: type,
        key_bits: bits,
      });
      await ok('POST', `${m}/roles/r`, {
        allowed_domains: 'example.org',
        allow_subdomains: true,
        key_type: type,
        key_bits: bits,
      });
      const leaf = await ok('POST', `${m}/issue/r`, {
        common_name: `a.example.org`,
        private_key_format: 'pkcs8',
        ttl: '1h',
      });
      expect(leaf.data.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(leaf.data.private_key_type).toBe(type);
      expect(
        openssl([
          'verify',
          '-CAfile',
          write(`${m}.pem`, root.data.certificate),
          write(`${m}-leaf.pem`, leaf.data.certificate),
        ]).ok,
      ).toBe(true);
      await ok('POST', `${m}/revoke`, { serial_number: leaf.data.serial_number });
      const crl = write(`${m}.crl`, await (await fetch(`${engine.url}/v1/${m}/crl/pem`)).text());
      expect(openssl(['crl', '-in', crl, '-CAfile', path.join(dir, `${m}.pem`), '-noout']).out).toContain('verify OK');
    });
  }
});

describe('imports, existing keys, patching roles and issuer behaviour', () => {
  it('imports an openssl-made CA with its key through config/ca and issues from it', async () => {
    await ok('POST', 'sys/mounts/imported', { type: 'pki' });
    const key = write(
      'imp.key',
      crypto
        .generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        .privateKey.export({ type: 'sec1', format: 'pem' }) as string,
    );
    const caPem = openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      key,
      '-subj',
      '/CN=Imported CA',
      '-days',
      '30',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]).out;
    const r = await ok('POST', 'imported/config/ca', { pem_bundle: fs.readFileSync(key, 'utf8') + caPem });
    expect(r.data.imported_keys).toHaveLength(1);
    expect(r.data.imported_issuers).toHaveLength(1);
    expect(Object.values(r.data.mapping)).toEqual(r.data.imported_keys);
    await ok('POST', 'imported/roles/r', { allowed_domains: 'corp.test', allow_subdomains: true, key_type: 'ec' });
    const leaf = await ok('POST', 'imported/issue/r', { common_name: 'a.corp.test', ttl: '1h' });
    const caFile = write('imp-ca.pem', caPem);
    expect(openssl(['verify', '-CAfile', caFile, write('imp-leaf.pem', leaf.data.certificate)]).ok).toBe(true);
    const again = await ok('POST', 'imported/config/ca', { pem_bundle: fs.readFileSync(key, 'utf8') + caPem });
    expect(again.data.existing_keys).toHaveLength(1);
    expect(again.data.existing_issuers).toHaveLength(1);
    const notCA = await http(engine, 'POST', 'imported/intermediate/set-signed', {
      body: { certificate: leaf.data.certificate },
    });
    expect(notCA.status).toBe(400);
  });

  it('generates a second root from an existing key and keeps the first as default', async () => {
    const keys = await http(engine, 'LIST', 'imported/keys');
    const keyId = keys.body.data.keys[0];
    const r = await ok('POST', 'imported/root/generate/existing', {
      common_name: 'Reissued CA',
      key_ref: keyId,
      ttl: '2h',
    });
    expect(r.data.key_id).toBe(keyId);
    const issuers = await http(engine, 'LIST', 'imported/issuers');
    expect(issuers.body.data.keys).toHaveLength(2);
    const defaults = Object.values(issuers.body.data.key_info as Record<string, { is_default: boolean }>).filter(
      (i) => i.is_default,
    );
    expect(defaults).toHaveLength(1);
    const kms = await http(engine, 'POST', 'imported/root/generate/kms', { body: { common_name: 'x' } });
    expect(kms.status).toBe(400);
  });

  it('patches a role, keeping the fields it does not name', async () => {
    await ok('POST', 'pki/roles/patchme', {
      allowed_domains: 'example.com',
      allow_subdomains: true,
      key_type: 'ec',
      max_ttl: '10h',
    });
    const r = await http(engine, 'PATCH', 'pki/roles/patchme', {
      body: { max_ttl: '20h' },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(r.status).toBe(200);
    const got = await ok('GET', 'pki/roles/patchme');
    expect(got.data).toMatchObject({
      max_ttl: 72000,
      allowed_domains: ['example.com'],
      allow_subdomains: true,
      key_type: 'ec',
    });
  });

  it('truncates leaves to the CA lifetime when the issuer says so', async () => {
    await ok('POST', 'sys/mounts/trunc', { type: 'pki', config: { max_lease_ttl: '87600h' } });
    const root = await ok('POST', 'trunc/root/generate/internal', { common_name: 'trunc', ttl: '2h', key_type: 'ec' });
    await ok('POST', `trunc/issuer/${root.data.issuer_id}`, { leaf_not_after_behavior: 'truncate' });
    await ok('POST', 'trunc/roles/r', { allow_any_name: true, key_type: 'ec' });
    const leaf = await ok('POST', 'trunc/issue/r', { common_name: 'x.trunc', ttl: '5h' });
    expect(leaf.data.expiration).toBe(root.data.expiration);
  });
});

// Last: it moves the engine clock 80 hours ahead, which openssl (on wall time) would notice.
describe('tidy', () => {
  it('tidies expired certificates after the safety buffer on the engine clock', async () => {
    await ok('POST', 'pki/issue/web', { common_name: 'short.example.com', ttl: '1h' });
    const before = (await http(engine, 'LIST', 'pki/certs')).body.data.keys.length;
    await engine.clock.advance('80h');
    const t = await http(engine, 'POST', 'pki/tidy', {
      body: { tidy_cert_store: true, tidy_revoked_certs: true, safety_buffer: '1h' },
    });
    expect(t.status).toBe(202);
    expect(t.body.warnings[0]).toMatch(/^Tidy operation successfully started/);
    const after = (await http(engine, 'LIST', 'pki/certs')).body.data.keys.length;
    expect(after).toBeLessThan(before);
    const s = await ok('GET', 'pki/tidy-status');
    expect(s.data.state).toBe('Finished');
    expect(s.data.cert_store_deleted_count + s.data.revoked_cert_deleted_count).toBe(before - after);
  });
});

describe('key encodings built without OpenSSL encoders', () => {
  it('matches OpenSSL byte for byte for SPKIs and private keys', async () => {
    const { spkiOf, privateKeyOut, sec1Of } = await import('../../engine/secrets/pki/x509.js');
    for (const curve of ['prime256v1', 'secp384r1', 'secp521r1', 'secp224r1']) {
      for (let i = 0; i < 20; i++) {
        const k = crypto.generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
        const openSslSpki = crypto.createPublicKey(k).export({ type: 'spki', format: 'der' }) as Buffer;
        expect(spkiOf(k).equals(openSslSpki), curve).toBe(true);
        expect(spkiOf(k, sec1Of(k)).equals(openSslSpki), curve).toBe(true);
        expect(privateKeyOut(k, 'der', 'der').text).toBe(
          (k.export({ type: 'sec1', format: 'der' }) as Buffer).toString('base64'),
        );
      }
    }
    const { generateEcLeaf, ecPrivateKeyOut } = await import('../../engine/secrets/pki/x509.js');
    for (const bits of [224, 256, 384, 521]) {
      for (let i = 0; i < 40; i++) {
        const { sec1, spki } = generateEcLeaf(bits);
        const k = crypto.createPrivateKey({ key: sec1, format: 'der', type: 'sec1' });
        expect((k.export({ type: 'sec1', format: 'der' }) as Buffer).equals(sec1), `sec1 P-${bits}`).toBe(true);
        expect(
          (crypto.createPublicKey(k).export({ type: 'spki', format: 'der' }) as Buffer).equals(spki),
          `spki P-${bits}`,
        ).toBe(true);
      }
    }
    const leaf = generateEcLeaf(256);
    expect(ecPrivateKeyOut(leaf.sec1, 'pem', 'pkcs8').text).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(ecPrivateKeyOut(leaf.sec1, 'pem', 'der').text).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    const ed = crypto.generateKeyPairSync('ed25519').privateKey;
    expect(spkiOf(ed).equals(crypto.createPublicKey(ed).export({ type: 'spki', format: 'der' }) as Buffer)).toBe(true);
    expect(privateKeyOut(ed, 'pem', 'der').text).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});

describe('bad PKI input is a 400', () => {
  it('refuses a CSR with a DSA key, a negative TTL and a garbage serial', async () => {
    const params = write('dsa.params', openssl(['dsaparam', '1024']).out);
    const key = write('dsa.key', openssl(['gendsa', params]).out);
    const csr = openssl(['req', '-new', '-key', key, '-subj', '/CN=dsa.example.com']).out;
    await ok('POST', 'pki/roles/anykey', { allowed_domains: 'example.com', allow_subdomains: true, key_type: 'any' });
    const r = await http(engine, 'POST', 'pki/sign/anykey', { body: { csr } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatch(/^(unsupported key in the CSR|certificate request could not be parsed)/);
    const neg = await http(engine, 'POST', 'pki/issue/web', { body: { common_name: 'neg.example.com', ttl: '-1h' } });
    expect(neg.body.errors).toEqual(['ttl cannot be negative']);
    const serial = await http(engine, 'POST', 'pki/revoke', { body: { serial_number: 'zz:zz' } });
    expect(serial.status).toBe(400);
  });
});
