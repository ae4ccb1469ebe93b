/**
 * The SSH engine over HTTP with node-vault and raw fetch: the CA key (generate, import,
 * read, delete), the unauthenticated public key, roles, and every refusal of sign and
 * issue with Vault's wording and status; then our CLI writing a certificate to a file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault, vault, type NodeVaultClient } from '../support/engine.js';

let engine: Engine;
let nv: NodeVaultClient;
let dir: string;
const pubs: Record<string, string> = {};

/** node-vault's rejection as [status, first error]. */
async function refused(p: Promise<unknown>): Promise<[number, string]> {
  try {
    await p;
  } catch (e) {
    const err = e as { response?: { statusCode: number; body: { errors: string[] } } };
    return [err.response!.statusCode, err.response!.body.errors[0]];
  }
  throw new Error('the request was not refused');
}
function keyPair(name: string, type: string, bits?: number) {
  const p = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-f', p]);
  pubs[name] = fs.readFileSync(`${p}.pub`, 'utf8');
  return p;
}
/** The certificate fields as ssh-keygen -L prints them. */
function shown(cert: string): string {
  const f = path.join(dir, `c-${Math.random().toString(36).slice(2)}-cert.pub`);
  fs.writeFileSync(f, cert);
  return execFileSync('ssh-keygen', ['-L', '-f', f], { encoding: 'utf8' });
}

beforeAll(async () => {
  engine = await devEngine({ maxLeaseTTL: 7200, defaultLeaseTTL: 3600 });
  nv = nodeVault(engine);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-api-'));
  keyPair('ed', 'ed25519');
  keyPair('rsa1024', 'rsa', 1024);
  keyPair('rsa2048', 'rsa', 2048);
  keyPair('p384', 'ecdsa', 384);
  await nv.mount({ mount_point: 'ssh', type: 'ssh' });
});
afterAll(async () => {
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('config/ca and public_key', () => {
  it('has no CA at first: config/ca is a 400, public_key a 404 with no token needed', async () => {
    expect(await refused(nv.read('ssh/config/ca'))).toEqual([400, "keys haven't been configured yet"]);
    const r = await fetch(`${engine.url}/v1/ssh/public_key`);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ errors: [] });
  });

  it('refuses contradictory or partial key material', async () => {
    const ca = path.join(dir, 'ca');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', ca]);
    const priv = fs.readFileSync(ca, 'utf8');
    expect(await refused(nv.write('ssh/config/ca', { generate_signing_key: true, private_key: priv }))).toEqual([
      400,
      'public_key and private_key must not be set when generate_signing_key is set to true',
    ]);
    expect(await refused(nv.write('ssh/config/ca', { private_key: priv }))).toEqual([
      400,
      'only one of public_key and private_key set; both must be set to use, or both must be blank to auto-generate',
    ]);
    expect(await refused(nv.write('ssh/config/ca', { generate_signing_key: false, private_key: priv }))).toEqual([
      400,
      'missing public_key',
    ]);
    const [status, msg] = await refused(
      nv.write('ssh/config/ca', { private_key: 'nonsense', public_key: pubs.ed, generate_signing_key: false }),
    );
    expect(status).toBe(400);
    expect(msg).toMatch(/^Unable to parse private_key as an SSH private key: /);
    expect(await refused(nv.write('ssh/config/ca', { key_type: 'dsa' }))).toEqual([
      500,
      'unknown ssh key pair algorithm: dsa',
    ]);
    expect(await refused(nv.write('ssh/config/ca', { key_type: 'rsa', key_bits: 1024 }))).toEqual([
      500,
      'refusing to generate weak rsa key: 1024 bits < 2048 bits',
    ]);
  });

  it('imports an ssh-keygen CA (204), serves it as text/plain, refuses a second, deletes it', async () => {
    const ca = path.join(dir, 'ca');
    const r = await http(engine, 'POST', 'ssh/config/ca', {
      body: { private_key: fs.readFileSync(ca, 'utf8'), public_key: fs.readFileSync(`${ca}.pub`, 'utf8') },
    });
    expect(r.status).toBe(204);
    const pub = await fetch(`${engine.url}/v1/ssh/public_key`);
    expect(pub.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await pub.text();
    expect(text).toBe(`${fs.readFileSync(`${ca}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    expect((await nv.read('ssh/config/ca')).data.public_key).toBe(text);
    expect(await refused(nv.write('ssh/config/ca', { generate_signing_key: true }))).toEqual([
      400,
      'keys are already configured; delete them before reconfiguring',
    ]);
    await nv.delete('ssh/config/ca');
    expect((await fetch(`${engine.url}/v1/ssh/public_key`)).status).toBe(404);
  });

  it('generates an Ed25519 CA (200 with the public key)', async () => {
    const r = await nv.write('ssh/config/ca', { key_type: 'ed25519' });
    expect(r.data.public_key).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+\n$/);
  });
});

describe('roles', () => {
  it('refuses roles Vault refuses', async () => {
    expect(await refused(nv.write('ssh/roles/x', { allow_user_certificates: true }))).toEqual([
      400,
      'missing key type',
    ]);
    expect(await refused(nv.write('ssh/roles/x', { key_type: 'dynamic' }))).toEqual([400, 'invalid key type']);
    expect(await refused(nv.write('ssh/roles/x', { key_type: 'ca' }))).toEqual([
      400,
      "Either 'allow_user_certificates' or 'allow_host_certificates' must be set to 'true'",
    ]);
    expect(
      await refused(
        nv.write('ssh/roles/x', { key_type: 'ca', allow_user_certificates: true, ttl: '2h', max_ttl: '1h' }),
      ),
    ).toEqual([400, '"ttl" value must be less than "max_ttl" when both are specified']);
    expect(
      await refused(
        nv.write('ssh/roles/x', { key_type: 'ca', allow_user_certificates: true, algorithm_signer: 'md5' }),
      ),
    ).toEqual([500, 'unknown algorithm signer "md5"']);
  });

  it('writes (204), reads back with seconds, lists with key_info, 404s when missing', async () => {
    const w = await http(engine, 'POST', 'ssh/roles/dev', {
      body: {
        key_type: 'ca',
        allow_user_certificates: true,
        allow_host_certificates: true,
        allowed_users: 'alice,bob',
        default_user: 'alice',
        allowed_domains: 'example.com',
        allow_subdomains: true,
        allowed_extensions: 'permit-pty,permit-port-forwarding',
        default_extensions: { 'permit-pty': '' },
        allowed_critical_options: 'force-command',
        ttl: '30m',
        max_ttl: '1h',
        allowed_user_key_lengths: { rsa: [2048, 4096], ed25519: 0, 'ecdsa-sha2-nistp384': '' },
      },
    });
    expect(w.status).toBe(204);
    const r = await nv.read('ssh/roles/dev');
    expect(r.data).toMatchObject({ ttl: 1800, max_ttl: 3600, not_before_duration: 30, allowed_users: 'alice,bob' });
    expect(r.data.allowed_user_key_lengths).toEqual({ rsa: [2048, 4096], ed25519: [0], 'ecdsa-sha2-nistp384': [0] });
    await nv.write('ssh/roles/any', { key_type: 'ca', allow_user_certificates: true, allowed_users: '*' });
    expect((await nv.list('ssh/roles')).data).toEqual({
      keys: ['any', 'dev'],
      key_info: { any: { key_type: 'ca' }, dev: { key_type: 'ca' } },
    });
    expect((await http(engine, 'GET', 'ssh/roles/none')).status).toBe(404);
  });
});

describe('sign/<role>', () => {
  const sign = (body: Record<string, unknown>, role = 'dev') => nv.write(`ssh/sign/${role}`, body);

  it('signs with the default user, default extensions, role TTL and a Vault key id', async () => {
    const r = await sign({ public_key: pubs.ed });
    expect(Object.keys(r.data).sort()).toEqual(['serial_number', 'signed_key']);
    expect(r.lease_id).toBe('');
    const s = shown(r.data.signed_key);
    expect(s).toMatch(/Principals: \n\s+alice\n/);
    expect(s).toMatch(/Extensions: \n\s+permit-pty\n/);
    expect(s).toMatch(/Critical Options: \(none\)/);
    expect(s).toMatch(/Key ID: "vault-root-[0-9a-f]{64}"/);
    expect(s).toContain(`Serial: ${BigInt(`0x${r.data.serial_number}`)}`);
    const [from, to] = /Valid: from (\S+) to (\S+)/
      .exec(s)!
      .slice(1)
      .map((t) => Date.parse(`${t}Z`));
    expect((to - from) / 1000).toBe(1800 + 30);
  });

  it('takes the request principals, options and extensions the role allows; host certificates too', async () => {
    const r = await sign({
      public_key: pubs.ed,
      valid_principals: 'bob,alice',
      critical_options: { 'force-command': 'uptime' },
      extensions: { 'permit-port-forwarding': '' },
      ttl: '10m',
    });
    const s = shown(r.data.signed_key);
    expect(s).toMatch(/Principals: \n\s+bob\n\s+alice\n/);
    expect(s).toMatch(/force-command uptime/);
    expect(s).toMatch(/Extensions: \n\s+permit-port-forwarding\n/);
    const h = shown(
      (await sign({ public_key: pubs.ed, cert_type: 'host', valid_principals: 'web.example.com' })).data.signed_key,
    );
    expect(h).toMatch(/host certificate/);
    expect(h).toMatch(/Extensions: \(none\)/);
  });

  it('caps a default TTL at the mount maximum but refuses an explicit one over max_ttl', async () => {
    await nv.write('ssh/roles/long', { key_type: 'ca', allow_user_certificates: true, allowed_users: '*', ttl: '5h' });
    const s = shown((await sign({ public_key: pubs.ed, valid_principals: 'x' }, 'long')).data.signed_key);
    const [from, to] = /Valid: from (\S+) to (\S+)/
      .exec(s)!
      .slice(1)
      .map((t) => Date.parse(`${t}Z`));
    expect((to - from) / 1000).toBe(7200 + 30);
    expect(await refused(sign({ public_key: pubs.ed, ttl: '2h' }))).toEqual([
      400,
      'ttl is larger than maximum allowed 3600',
    ]);
  });

  it('refuses what the role does not allow, in Vault words', async () => {
    expect(await refused(sign({ public_key: pubs.ed }, 'nope'))).toEqual([400, 'Unknown role: nope']);
    expect(await refused(sign({}))).toEqual([400, 'missing public_key']);
    const [s, m] = await refused(sign({ public_key: 'ssh-ed25519 bm90IGEga2V5' }));
    expect([s, m.split(':')[0]]).toEqual([400, 'failed to parse public_key as SSH key']);
    expect(await refused(sign({ public_key: pubs.rsa1024 }))).toEqual([
      400,
      'public_key failed to meet the key requirements: key is of an invalid size: 1024',
    ]);
    keyPair('p256', 'ecdsa', 256);
    expect(await refused(sign({ public_key: pubs.p256 }))).toEqual([
      400,
      'public_key failed to meet the key requirements: key of type ecdsa is not allowed',
    ]);
    expect((await sign({ public_key: pubs.p384 })).data.signed_key).toMatch(
      /^ecdsa-sha2-nistp384-cert-v01@openssh.com /,
    );
    expect((await sign({ public_key: pubs.rsa2048 })).data.signed_key).toMatch(/^ssh-rsa-cert-v01@openssh.com /);
    expect(await refused(sign({ public_key: pubs.ed, key_id: 'mine' }))).toEqual([
      400,
      'setting key_id is not allowed by role',
    ]);
    expect(await refused(sign({ public_key: pubs.ed, cert_type: 'server' }))).toEqual([
      400,
      "cert_type must be either 'user' or 'host'",
    ]);
    expect(await refused(sign({ public_key: pubs.ed, valid_principals: 'root' }))).toEqual([
      400,
      'root is not a valid value for valid_principals',
    ]);
    expect(await refused(sign({ public_key: pubs.ed, cert_type: 'host', valid_principals: 'example.com' }))).toEqual([
      400,
      'example.com is not a valid value for valid_principals',
    ]);
    expect(await refused(sign({ public_key: pubs.ed, cert_type: 'host' }))).toEqual([
      400,
      'empty valid principals not allowed by role',
    ]);
    expect(await refused(sign({ public_key: pubs.ed, critical_options: { 'source-address': '10.0.0.0/8' } }))).toEqual([
      400,
      'critical options not on allowed list: [source-address]',
    ]);
    expect(
      await refused(sign({ public_key: pubs.ed, extensions: { 'permit-X11-forwarding': '', 'permit-pty': '' } })),
    ).toEqual([400, 'extensions [permit-X11-forwarding] are not on allowed list']);
    await nv.write('ssh/roles/hosts', { key_type: 'ca', allow_host_certificates: true });
    expect(await refused(sign({ public_key: pubs.ed }, 'hosts'))).toEqual([
      400,
      "cert_type 'user' is not allowed by role",
    ]);
    await nv.write('ssh/roles/nobody', { key_type: 'ca', allow_user_certificates: true });
    expect(await refused(sign({ public_key: pubs.ed, valid_principals: 'alice' }, 'nobody'))).toEqual([
      400,
      'role is not configured to allow any principals',
    ]);
  });

  it('lets a role allow key ids and a key_id_format', async () => {
    await nv.write('ssh/roles/ids', {
      key_type: 'ca',
      allow_user_certificates: true,
      allowed_users: '*',
      allow_user_key_ids: true,
      key_id_format: 'custom-{{role_name}}-{{token_display_name}}',
    });
    expect(shown((await sign({ public_key: pubs.ed, valid_principals: 'a' }, 'ids')).data.signed_key)).toContain(
      'Key ID: "custom-ids-root"',
    );
    expect(
      shown((await sign({ public_key: pubs.ed, valid_principals: 'a', key_id: 'mine' }, 'ids')).data.signed_key),
    ).toContain('Key ID: "mine"');
  });

  it('compares allowed_users_template literally when the token has no entity', async () => {
    await nv.write('ssh/roles/tpl', {
      key_type: 'ca',
      allow_user_certificates: true,
      allowed_users: '{{identity.entity.name}},ops',
      allowed_users_template: true,
    });
    expect(shown((await sign({ public_key: pubs.ed, valid_principals: 'ops' }, 'tpl')).data.signed_key)).toMatch(
      /Principals: \n\s+ops\n/,
    );
    expect(await refused(sign({ public_key: pubs.ed, valid_principals: 'alice' }, 'tpl'))).toEqual([
      400,
      'alice is not a valid value for valid_principals',
    ]);
  });
});

describe('identity templates', () => {
  it("fills a templated principal from the token's entity; a directive with no value is a 500", async () => {
    await nv.write('sys/auth/userpass', { type: 'userpass' });
    const accessor = (await nv.read('sys/auth')).data['userpass/'].accessor;
    await nv.write('sys/policy/signer', { policy: 'path "ssh/sign/*" { capabilities = ["update"] }' });
    await nv.write('auth/userpass/users/alice', { password: 'pw', token_policies: 'signer' });
    await nv.write('ssh/roles/own', {
      key_type: 'ca',
      allow_user_certificates: true,
      allowed_users: `{{identity.entity.aliases.${accessor}.name}},ops`,
      allowed_users_template: true,
      default_user: `{{identity.entity.aliases.${accessor}.name}}`,
      default_user_template: true,
    });
    await nv.write('ssh/roles/meta', {
      key_type: 'ca',
      allow_user_certificates: true,
      allowed_users: '{{identity.entity.metadata.unix_name}}',
      allowed_users_template: true,
    });
    const login = await http(engine, 'POST', 'auth/userpass/login/alice', { body: { password: 'pw' } });
    const token = login.body.auth.client_token as string;
    const as = (role: string, body: Record<string, unknown>) =>
      http(engine, 'POST', `ssh/sign/${role}`, { token, body: { public_key: pubs.ed, ...body } });
    const own = await as('own', { valid_principals: 'alice' });
    expect(own.status).toBe(200);
    expect(shown(own.body.data.signed_key)).toMatch(/Principals: \n\s+alice\n/);
    // The default user is the rendered one, too.
    expect(shown((await as('own', {})).body.data.signed_key)).toMatch(/Principals: \n\s+alice\n/);
    const other = await as('own', { valid_principals: 'bob' });
    expect([other.status, other.body.errors]).toEqual([400, ['bob is not a valid value for valid_principals']]);
    const missing = await as('meta', { valid_principals: 'alice' });
    expect(missing.status).toBe(500);
    expect(missing.body.errors[0]).toContain("template '{{identity.entity.metadata.unix_name}}' could not be rendered");
  });
});

describe('an RSA CA', () => {
  it('signs with rsa-sha2-256 by default, and rsa-sha2-512 or SHA-1 ssh-rsa when the role asks', async () => {
    await nv.mount({ mount_point: 'ssh-rsa', type: 'ssh' });
    expect((await nv.write('ssh-rsa/config/ca', { key_type: 'rsa', key_bits: 2048 })).data.public_key).toMatch(
      /^ssh-rsa AAAAB3NzaC1yc2E/,
    );
    for (const [signer, shownAs] of [
      ['default', 'rsa-sha2-256'],
      ['rsa-sha2-512', 'rsa-sha2-512'],
      ['ssh-rsa', 'ssh-rsa'],
    ]) {
      await nv.write('ssh-rsa/roles/r', {
        key_type: 'ca',
        allow_user_certificates: true,
        allowed_users: '*',
        algorithm_signer: signer,
      });
      const r = await nv.write('ssh-rsa/sign/r', { public_key: pubs.ed, valid_principals: 'a' });
      expect(shown(r.data.signed_key)).toMatch(new RegExp(`Signing CA: RSA \\S+ \\(using ${shownAs}\\)`));
    }
  });
});

describe('issue/<role>', () => {
  it('makes a key pair of each type and signs it; ssh-keygen reads the private key and the certificate', async () => {
    await nv.write('ssh/roles/iss', {
      key_type: 'ca',
      allow_user_certificates: true,
      allowed_users: '*',
      default_user: 'u',
    });
    for (const [type, bits, prefix, label] of [
      ['ed25519', 0, 'ssh-ed25519-cert-v01@openssh.com', 'OPENSSH PRIVATE KEY'],
      ['ec', 384, 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'EC PRIVATE KEY'],
      ['rsa', 2048, 'ssh-rsa-cert-v01@openssh.com', 'RSA PRIVATE KEY'],
    ] as const) {
      const r = await nv.write('ssh/issue/iss', { key_type: type, key_bits: bits });
      expect(r.data.private_key_type).toBe(type);
      expect(r.data.private_key).toContain(`-----BEGIN ${label}-----`);
      expect(r.data.signed_key.startsWith(`${prefix} `)).toBe(true);
      const k = path.join(dir, `issued-${type}`);
      fs.writeFileSync(k, r.data.private_key, { mode: 0o600 });
      // the certificate certifies the key pair handed out: same fingerprint
      const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', k], { encoding: 'utf8' }).split(' ')[1];
      const cert = shown(r.data.signed_key);
      expect(cert).toContain(`-CERT ${fingerprint}`);
      expect(cert).toMatch(/Principals: \n\s+u\n/);
    }
  });

  it('refuses what the role does not allow', async () => {
    expect(await refused(nv.write('ssh/issue/nope', {}))).toEqual([400, 'unknown role: nope']);
    expect(await refused(nv.write('ssh/issue/dev', { key_type: 'ec', key_bits: 256 }))).toEqual([
      400,
      'provided key_type value not in allowed_user_key_types',
    ]);
    expect(await refused(nv.write('ssh/issue/dev', { key_type: 'rsa', key_bits: 3072 }))).toEqual([
      400,
      "provided key_bits value not in list of role's allowed_user_key_types",
    ]);
  });

  it('answers 500 when there is no CA to sign with', async () => {
    await nv.mount({ mount_point: 'ssh-empty', type: 'ssh' });
    await nv.write('ssh-empty/roles/r', { key_type: 'ca', allow_user_certificates: true, allowed_users: '*' });
    const [status, msg] = await refused(nv.write('ssh-empty/sign/r', { public_key: pubs.ed, valid_principals: 'x' }));
    expect(status).toBe(500);
    expect(msg).toMatch(/no CA key is configured/);
  });
});

describe('our vault CLI', () => {
  it('writes a certificate with -field=signed_key and public_key=@file, which ssh-keygen reads', async () => {
    const env = { VAULT_ADDR: engine.url, VAULT_TOKEN: engine.rootToken };
    const r = await vault(
      ['write', '-field=signed_key', 'ssh/sign/dev', `public_key=@${path.join(dir, 'ed.pub')}`],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    fs.writeFileSync(path.join(dir, 'ed-cert.pub'), r.stdout);
    expect(execFileSync('ssh-keygen', ['-L', '-f', path.join(dir, 'ed-cert.pub')], { encoding: 'utf8' })).toMatch(
      /ssh-ed25519-cert-v01@openssh.com user certificate/,
    );
    const pk = await vault(['read', '-field=public_key', 'ssh/config/ca'], env);
    expect(pk.stdout).toMatch(/^ssh-ed25519 \S+\n/);
    const bad = await vault(
      ['write', 'ssh/sign/dev', `public_key=@${path.join(dir, 'ed.pub')}`, 'valid_principals=root'],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('root is not a valid value for valid_principals');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
