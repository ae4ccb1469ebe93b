/**
 * `sql: { added, removed }` and `leases: { created, revoked }` on a real PostgreSQL (the
 * provider's embedded server) with the engine's database secrets engine: credentials
 * made before the step began do not count, those made and revoked in the step do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSession } from '../../labs/runtime/session.js';
import { labPostgres } from '../database/support.js';
import { session } from './helpers.js';

let s: LabSession | undefined;
afterEach(async () => {
  await s?.stop(); // stops the database too
  s = undefined;
});

const LAB = `id: t
title: T
minutes: 1
needs: [engine, postgres]
setup:
  - vault secrets enable database
  - |
    vault write database/config/labdb plugin_name=postgresql-database-plugin allowed_roles=readonly \\
      connection_url="postgresql://{{username}}:{{password}}@$LAB_PG_HOST:$LAB_PG_PORT/$LAB_PG_DATABASE?sslmode=disable" \\
      username="$LAB_PG_ADMIN_USER" password="$LAB_PG_ADMIN_PASSWORD"
  - |
    vault write database/roles/readonly db_name=labdb default_ttl=1h max_ttl=24h \\
      creation_statements="CREATE ROLE \\"{{name}}\\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"
  - vault read database/creds/readonly >/dev/null
steps:
  - id: a
    title: A
    body: b
    hints: [h]
    solution: ["true"]
    check:
      - sql: { query: "select rolname from pg_roles where rolname like 'v-%'", added: 1 }
      - leases: { prefix: database/creds/readonly, created: 1 }
  - id: b
    title: B
    body: b
    hints: [h]
    solution: ["true"]
    check:
      - sql: { query: "select rolname from pg_roles where rolname like 'v-%'", removed: { min: 3 }, added: 0 }
      - leases: { prefix: database/creds/readonly/, revoked: { min: 3 } }
`;

describe('relative checks on a real database', () => {
  it('count what this step added and removed, not what was there before', async () => {
    const pgs = await labPostgres();
    s = await session(LAB, { systems: [pgs] });
    const run = async (cmd: string) => {
      await s!.runCommand(cmd, undefined, { record: true });
      await s!.settle();
      return s!.evaluate();
    };
    // One credential exists from setup: it is not this step's.
    let res = await s.evaluate();
    expect(res[0].message).toBe('Not yet: 0 matching row(s) appeared in this step, the step wants 1.');
    expect(res[1].message).toBe(
      'Not yet: 0 lease(s) under database/creds/readonly/ created in this step, the step wants 1.',
    );
    res = await run('vault read database/creds/readonly >/dev/null');
    expect(res.map((r) => r.pass)).toEqual([true, true]);
    res = await run('vault read database/creds/readonly >/dev/null');
    expect(res[0].message).toBe('Not yet: 2 matching row(s) appeared in this step, the step wants 1.');
    expect(res[1].pass).toBe(false);

    await s.completeStep();
    res = await s.evaluate();
    expect(res[0].message).toBe('Not yet: 0 matching row(s) disappeared in this step, the step wants at least 3.');
    expect(res[1].message).toBe(
      'Not yet: 0 lease(s) under database/creds/readonly/ revoked (or expired) in this step, the step wants at least 3.',
    );
    // A lease made and revoked in one line is still seen (through its response), and counted.
    res = await run(
      'vault lease revoke "$(vault read -format=json database/creds/readonly | jq -r .lease_id)" >/dev/null',
    );
    expect(res[1].message).toBe(
      'Not yet: 1 lease(s) under database/creds/readonly/ revoked (or expired) in this step, the step wants at least 3.',
    );
    res = await run('vault lease revoke -prefix database/creds/readonly >/dev/null');
    // Dropping the roles is the database's work: wait for it under load, as a learner would.
    for (let i = 0; i < 50 && !res.every((r) => r.pass); i++) {
      await new Promise((r) => setTimeout(r, 200));
      res = await s.evaluate();
    }
    expect(res.map((r) => r.message)).toEqual([
      'the database has 0 matching row(s)',
      '1 lease(s) under database/creds/readonly/ created and 4 revoked in this step',
    ]);
    expect(res.map((r) => r.pass)).toEqual([true, true]);
  }, 60_000);
});
