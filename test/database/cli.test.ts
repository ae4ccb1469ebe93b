/** The database engine through our `vault` CLI run as a process, as a learner's shell does it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import type { PostgresSystem } from '../../labs/providers/postgres/index.js';
import { vault } from '../support/engine.js';
import { asUser, engineWithDb, generatedRoles, labPostgres } from './support.js';

let pgs: PostgresSystem;
let engine: Engine;
let env: Record<string, string>;
beforeAll(async () => {
  pgs = await labPostgres();
  engine = await engineWithDb(pgs);
  env = { VAULT_ADDR: engine.url, VAULT_TOKEN: 'root' };
});
afterAll(async () => {
  await engine?.stop();
  await pgs?.stop();
});

describe('vault CLI', () => {
  it('vault read database/creds/<role> prints the lease and a working login', async () => {
    const r = await vault(['read', 'database/creds/readonly'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Key\s+Value\n---\s+-----\n/);
    expect(r.stdout).toMatch(/lease_id\s+database\/creds\/readonly\/[A-Za-z0-9]{24}\n/);
    expect(r.stdout).toMatch(/lease_duration\s+1h\n/);
    expect(r.stdout).toMatch(/lease_renewable\s+true\n/);
    const user = /username\s+(\S+)/.exec(r.stdout)![1];
    const password = /password\s+(\S+)/.exec(r.stdout)![1];
    expect(await asUser(pgs, user, password, 'SELECT 1')).toBeNull();
  });

  it('vault write database/config/... explains a refused connection without a stack trace', async () => {
    const r = await vault(
      [
        'write',
        'database/config/broken',
        'plugin_name=postgresql-database-plugin',
        `connection_url=postgresql://{{username}}:{{password}}@127.0.0.1:${pgs.port}/lab`,
        'username=vaultadmin',
        'password=wrong',
      ],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Code: 400/);
    expect(r.stderr).toMatch(
      /error creating database object: error verifying connection: password authentication failed for user "vaultadmin"/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('vault lease revoke -prefix drops every generated user', async () => {
    for (let i = 0; i < 2; i++)
      expect((await vault(['read', '-field=username', 'database/creds/readonly'], env)).code).toBe(0);
    const r = await vault(['lease', 'revoke', '-prefix', '-sync', 'database/creds/readonly'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Success! Revoked any leases with prefix: database\/creds\/readonly/);
    expect(await generatedRoles(pgs)).toEqual([]);
  });
});
