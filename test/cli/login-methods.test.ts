/**
 * `vault login -method=<name>` for methods HashiCorp's CLI has no handler for: the CLI, run
 * as a process, fails with Vault's own words (wrapped at 78 columns, exit 1) and, where the
 * method logs in with a plain write, adds one `Hint (vault-lab):` line naming that write.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vault } from '../support/engine.js';

// Nothing listens here: an unknown method must fail before any request is made.
const env = () => ({ VAULT_ADDR: 'http://127.0.0.1:9', HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'vl-login-')) });

describe('vault login -method= without a CLI handler', () => {
  it("kubernetes: Vault's unknown-method error, then the write to auth/<mount>/login", async () => {
    const r = await vault(
      ['login', '-method=kubernetes', '-token-only', 'role=myapp-role', 'jwt=@pods/p/token'],
      env(),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Unknown auth method: kubernetes. Use "vault auth list" to see the complete',
      'list of auth methods. Additionally, some auth methods are only available via',
      'the HTTP API.',
    ]);
    expect(lines[3]).toMatch(/^Hint \(vault-lab\): /);
    expect(lines[3]).toContain('"vault write auth/kubernetes/login role=myapp-role jwt=@pods/p/token"');
    expect(lines).toHaveLength(4);
  });

  it('kubernetes with -path and a pasted JWT: the mount is named, the JWT is not echoed', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    const r = await vault(['login', '-method=kubernetes', '-path=k8s', 'role=web', `jwt=${jwt}`], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"vault write auth/k8s/login role=web jwt=@<service-account token file>"');
    expect(r.stderr).not.toContain(jwt);
  });

  it('approle: the hint names role_id and secret_id without echoing the secret', async () => {
    const r = await vault(['login', '-method=approle', 'role_id=abc', 'secret_id=s3cr3t-value'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Unknown auth method: approle\. /);
    expect(r.stderr).toContain('"vault write auth/approle/login role_id=<role_id> secret_id=<secret_id>"');
    expect(r.stderr).not.toContain('s3cr3t-value');
  });

  it("a method with no write-login hint gets Vault's error alone", async () => {
    const r = await vault(['login', '-method=ldap', 'username=x'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Unknown auth method: ldap. Use "vault auth list" to see the complete list of\n' +
        'auth methods. Additionally, some auth methods are only available via the HTTP\n' +
        'API.\n',
    );
  });
});
