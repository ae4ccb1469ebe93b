/** The `vault` CLI as a process: userpass login (with the password prompt), AppRole login, -wrap-ttl and unwrap. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http, vault } from '../support/engine.js';

let engine: Engine;
let home: string;
let env: Record<string, string>;
beforeAll(async () => {
  engine = await devEngine();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-auth-cli-'));
  env = { VAULT_ADDR: engine.url, VAULT_TOKEN: engine.rootToken, HOME: home };
  await http(engine, 'POST', 'sys/auth/userpass', { body: { type: 'userpass' } });
  await http(engine, 'POST', 'auth/userpass/users/naveen', {
    body: { password: 'mypassword123', policies: 'read-only' },
  });
  await http(engine, 'POST', 'sys/auth/approle', { body: { type: 'approle' } });
  await http(engine, 'POST', 'auth/approle/role/app', { body: { token_policies: 'app', token_ttl: '1h' } });
});
afterAll(async () => {
  await engine.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

const noToken = () => ({ VAULT_ADDR: engine.url, HOME: home });

describe('vault login -method=userpass', () => {
  it('logs in, prints the real success text and token table, and stores the token', async () => {
    const r = await vault(['login', '-method=userpass', 'username=naveen', 'password=mypassword123'], noToken());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Success! You are now authenticated. The token information displayed below\nis already stored in the token helper.',
    );
    expect(r.stdout).toMatch(/\ntoken_policies\s+\["default" "read-only"\]\n/);
    expect(r.stdout).toMatch(/\ntoken_meta_username\s+naveen\n/);
    expect(r.stdout).toMatch(/\ntoken_duration\s+768h\n/);
    const stored = fs.readFileSync(path.join(home, '.vault-token'), 'utf8');
    expect(stored).toMatch(/^hvs\./);
    expect(r.stdout).toContain(stored);
    const who = await vault(['token', 'lookup', '-format=json'], noToken());
    expect(JSON.parse(who.stdout).data.display_name).toBe('userpass-naveen');
  });

  it('does not send the token it already holds (VAULT_TOKEN) with the login', async () => {
    const seen: Array<{ path: string; accessor: string }> = [];
    const on = (e: { type: string; request: { path: string; client_token_accessor: string } }) => {
      if (e.type === 'request') seen.push({ path: e.request.path, accessor: e.request.client_token_accessor });
    };
    engine.events.on('audit', on);
    try {
      const r = await vault(['login', '-method=userpass', 'username=naveen', 'password=mypassword123'], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('WARNING! The VAULT_TOKEN environment variable is set!');
    } finally {
      engine.events.off('audit', on);
    }
    const login = seen.find((s) => s.path === 'auth/userpass/login/naveen');
    expect(login).toBeDefined();
    expect(login!.accessor).toBe('');
  });

  it('-token-only prints only the token and stores nothing; -no-store warns; -no-store with -no-print is refused', async () => {
    const tokenFile = path.join(home, '.vault-token');
    fs.writeFileSync(tokenFile, 'previous');
    const t = await vault(
      ['login', '-method=userpass', '-token-only', 'username=naveen', 'password=mypassword123'],
      noToken(),
    );
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^hvs\.[A-Za-z0-9]+$/);
    expect(t.stderr).toBe('');
    expect(fs.readFileSync(tokenFile, 'utf8')).toBe('previous');
    const n = await vault(
      ['login', '-method=userpass', '-no-store', 'username=naveen', 'password=mypassword123'],
      noToken(),
    );
    expect(n.code).toBe(0);
    expect(n.stderr).toContain('The token was not stored in token helper.');
    expect(fs.readFileSync(tokenFile, 'utf8')).toBe('previous');
    const both = await vault(
      ['login', '-method=userpass', '-no-store', '-no-print', 'username=naveen', 'password=mypassword123'],
      noToken(),
    );
    expect(both).toMatchObject({ code: 1, stderr: '-no-store and -no-print cannot be used together\n' });
  });

  it('-wrap-ttl: the wrapped login is unwrapped and stored; with -token-only the wrapping token is printed', async () => {
    const w = await vault(
      ['login', '-method=userpass', '-wrap-ttl=2m', 'username=naveen', 'password=mypassword123'],
      noToken(),
    );
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/\ntoken_meta_username\s+naveen\n/);
    const stored = fs.readFileSync(path.join(home, '.vault-token'), 'utf8');
    expect(w.stdout).toContain(stored);
    const only = await vault(
      ['login', '-method=userpass', '-wrap-ttl=2m', '-token-only', 'username=naveen', 'password=mypassword123'],
      noToken(),
    );
    expect(only.code).toBe(0);
    const wrapping = only.stdout;
    expect(wrapping).toMatch(/^hvs\./);
    const look = await http(engine, 'POST', 'sys/wrapping/lookup', { token: null, body: { token: wrapping } });
    expect(look.body.data.creation_path).toBe('auth/userpass/login/naveen');
  });

  it('asks for the password, hidden, when it is not given', async () => {
    const r = await vault(['login', '-method=userpass', 'username=naveen'], noToken(), 'mypassword123\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Password (will be hidden): ');
    expect(r.stderr).not.toContain('mypassword123');
    expect(r.stdout).toContain('Success! You are now authenticated.');
  });

  it('-non-interactive refuses to prompt; a missing username and a wrong password fail with exit 2', async () => {
    const ni = await vault(
      ['login', '-non-interactive', '-method=userpass', 'username=naveen'],
      noToken(),
      'mypassword123\n',
    );
    expect(ni.code).toBe(2);
    expect(ni.stderr).toMatch(/^Error authenticating: An error occurred attempting to ask for a password\./);
    expect(ni.stderr).not.toContain('Password (will be hidden)');
    const nu = await vault(['login', '-method=userpass', 'password=x'], noToken());
    expect(nu).toMatchObject({ code: 2, stderr: "Error authenticating: 'username' must be specified\n" });
    const bad = await vault(['login', '-method=userpass', 'username=naveen', 'password=nope'], noToken());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `Error authenticating: Error making API request.\n\nURL: PUT ${engine.url}/v1/auth/userpass/login/naveen\nCode: 400. Errors:\n\n* invalid username or password\n`,
    );
  });

  it('-path picks another mount; -method=approle is not a CLI login method, as in Vault', async () => {
    await http(engine, 'POST', 'sys/auth/staff', { body: { type: 'userpass' } });
    await http(engine, 'POST', 'auth/staff/users/sam', { body: { password: 'pw' } });
    const r = await vault(
      ['login', '-method=userpass', '-path=staff', '-token-only', 'username=sam', 'password=pw'],
      noToken(),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hvs\./);
    const a = await vault(['login', '-method=approle', 'role_id=x'], noToken());
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('Unknown auth method: approle.');
  });
});

describe('AppRole through the CLI', () => {
  it('reads the role-id, makes a secret-id, logs in with vault write', async () => {
    const roleId = await vault(['read', '-field=role_id', 'auth/approle/role/app/role-id'], env);
    expect(roleId.stdout).toMatch(/^[0-9a-f-]{36}$/);
    const secretId = await vault(['write', '-f', '-field=secret_id', 'auth/approle/role/app/secret-id'], env);
    expect(secretId.stdout).toMatch(/^[0-9a-f-]{36}$/);
    const r = await vault(
      ['write', 'auth/approle/login', `role_id=${roleId.stdout}`, `secret_id=${secretId.stdout}`],
      noToken(),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Key\s+Value\n---\s+-----\ntoken\s+hvs\./);
    expect(r.stdout).toMatch(/\ntoken_policies\s+\["app" "default"\]\n/);
    expect(r.stdout).toMatch(/\ntoken_meta_role_name\s+app\n/);
    expect(r.stdout).toMatch(/\ntoken_duration\s+1h\n/);
  });

  it('-wrap-ttl=60s wraps the secret-id; vault unwrap returns it once', async () => {
    const w = await vault(['write', '-wrap-ttl=60s', '-f', 'auth/approle/role/app/secret-id'], env);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(
      /^Key\s+Value\n---\s+-----\nwrapping_token:\s+hvs\.\S+\nwrapping_accessor:\s+\S+\nwrapping_token_ttl:\s+1m\nwrapping_token_creation_time:\s+\S.*\nwrapping_token_creation_path:\s+auth\/approle\/role\/app\/secret-id\nwrapped_accessor:\s+([0-9a-f-]{36})\n$/,
    );
    expect(w.stdout).not.toMatch(/\nsecret_id\s/);
    const token = /wrapping_token:\s+(\S+)/.exec(w.stdout)![1];
    const accessor = /wrapped_accessor:\s+(\S+)/.exec(w.stdout)![1];
    const u = await vault(['unwrap', token], env);
    expect(u.code).toBe(0);
    expect(u.stdout).toMatch(/\nsecret_id\s+[0-9a-f-]{36}\n/);
    expect(u.stdout).toContain(`secret_id_accessor    ${accessor}`);
    const again = await vault(['unwrap', token], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('Error unwrapping: Error making API request.');
    expect(again.stderr).toContain('* wrapping token is not valid or does not exist');
  });

  it('vault unwrap with no argument unwraps the current token; -field picks one value', async () => {
    const w = await vault(
      ['write', '-wrap-ttl=2m', '-field=wrapping_token', '-f', 'auth/approle/role/app/secret-id'],
      env,
    );
    const u = await vault(['unwrap', '-field=secret_id'], { ...noToken(), VAULT_TOKEN: w.stdout });
    expect(u.code).toBe(0);
    expect(u.stdout).toMatch(/^[0-9a-f-]{36}$/);
    const tooMany = await vault(['unwrap', 'a', 'b'], env);
    expect(tooMany).toMatchObject({ code: 1, stderr: 'Too many arguments (expected 0-1, got 2)\n' });
  });
});
