/** Python hvac (Debian's python3-hvac) drives the SSH and TOTP engines over HTTP, refusals included. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine } from '../support/engine.js';
import { runHvacScript } from '../support/hvac.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
let engine: Engine;
let out: Record<string, any>;
let dir: string;
beforeAll(async () => {
  engine = await devEngine();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvac-ssh-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'k')]);
  out = await runHvacScript(path.join(HERE, 'hvac_ssh_totp.py'), [
    engine.url,
    engine.rootToken,
    path.join(dir, 'k.pub'),
  ]);
}, 90_000);
afterAll(async () => {
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('python hvac against ssh/', () => {
  it('generates, reads and serves the CA key, and refuses a second one', () => {
    expect(out.ca_generated).toMatch(/^ssh-ed25519 AAAA\S+\n$/);
    expect(out.ca_read).toBe(out.ca_generated);
    expect(out.public_key_raw).toBe(out.ca_generated);
    expect(out.ca_again).toEqual(['InvalidRequest', 'keys are already configured; delete them before reconfiguring']);
  });
  it('writes, reads, lists and deletes roles', () => {
    expect(out.role_read).toMatchObject({
      key_type: 'ca',
      allowed_users: 'alice,bob',
      default_user: 'alice',
      ttl: 1800,
      max_ttl: 3600,
      default_extensions: { 'permit-pty': '' },
      algorithm_signer: 'default',
    });
    expect(out.roles_list).toEqual({ keys: ['dev'], key_info: { dev: { key_type: 'ca' } } });
    expect(out.role_after_delete).toBeNull();
  });
  it('signs and issues, and refuses as Vault does', () => {
    expect(out.signed_prefix).toBe('ssh-ed25519-cert-v01@openssh.com');
    expect(out.serial_hex).toMatch(/^[1-9a-f][0-9a-f]{0,15}$/);
    expect(out.sign_wrong_principal).toEqual(['InvalidRequest', 'root is not a valid value for valid_principals']);
    expect(out.sign_ttl_over_max).toEqual(['InvalidRequest', 'ttl is larger than maximum allowed 3600']);
    expect(out.sign_unknown_role).toEqual(['InvalidRequest', 'Unknown role: nope']);
    expect(out.sign_host_refused).toEqual(['InvalidRequest', "cert_type 'host' is not allowed by role"]);
    expect(out.issued_keys).toEqual(['private_key', 'private_key_type', 'serial_number', 'signed_key']);
    expect(out.issued_private_key_type).toBe('ed25519');
    expect(out.ca_read_after_delete).toEqual(['InvalidRequest', "keys haven't been configured yet"]);
  });
});

describe('python hvac against totp/', () => {
  it('generates with a URL and a PNG barcode, imports, reads, lists, deletes', () => {
    expect(out.totp_url).toMatch(
      /^otpauth:\/\/totp\/Vault:alice@example\.com\?algorithm=SHA1&digits=6&issuer=Vault&period=30&secret=[A-Z2-7]{32}$/,
    );
    expect(Buffer.from(out.totp_barcode_png, 'base64').subarray(0, 4).toString('latin1')).toBe('\x89PNG');
    expect(out.totp_key_read).toEqual({
      account_name: '',
      algorithm: 'SHA256',
      digits: 8,
      issuer: '',
      period: 60,
    });
    expect(out.totp_keys).toEqual(['alice', 'gen']);
    expect(out.totp_after_delete).toBeNull();
  });
  it('validates a code once, then refuses the replay; refuses bad keys', () => {
    expect(out.totp_code_len).toBe(8);
    expect(out.totp_valid).toBe(true);
    expect(out.totp_replay).toEqual(['InvalidRequest', 'code already used; wait until the next time period']);
    expect(out.totp_bad_digits).toEqual(['InvalidRequest', 'the digits value can only be 6 or 8']);
    expect(out.totp_unknown_key).toEqual(['InvalidRequest', 'unknown key: nope']);
  });
});
