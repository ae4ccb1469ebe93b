/**
 * With file storage the engine outlives its process: a credential whose lease ran out
 * while the engine was down is revoked (its PostgreSQL role dropped) when the engine
 * comes back and is unsealed; one still valid is kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, startEngine, type Engine } from '../../engine/index.js';
import type { PostgresSystem } from '../../labs/providers/postgres/index.js';
import { http } from '../support/engine.js';
import { labPostgres, ok, READONLY_SQL, roleExists } from './support.js';

let pgs: PostgresSystem;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-db-restart-'));
beforeAll(async () => {
  pgs = await labPostgres();
});
afterAll(async () => {
  await pgs?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function unsealed(e: Engine, key?: string): Promise<{ key: string; token: string }> {
  let token = '';
  if (!key) {
    const init = (await http(e, 'PUT', 'sys/init', { token: null, body: { secret_shares: 1, secret_threshold: 1 } }))
      .body;
    key = init.keys[0] as string;
    token = init.root_token;
  }
  await ok(http(e, 'PUT', 'sys/unseal', { token: null, body: { key } }));
  return { key: key!, token };
}

describe('restart with file storage', () => {
  it('revokes leases that expired while the engine was down, and keeps the others', async () => {
    const start = Date.now();
    let e = await startEngine({
      storage: { kind: 'file', path: dir },
      clock: new Clock({ frozen: true, start: new Date(start) }),
    });
    const { key, token } = await unsealed(e);
    const as = { token };
    await ok(http(e, 'POST', 'sys/mounts/database', { ...as, body: { type: 'database' } }));
    await ok(
      http(e, 'POST', 'database/config/labdb', {
        ...as,
        body: {
          plugin_name: 'postgresql-database-plugin',
          allowed_roles: '*',
          connection_url: `postgresql://{{username}}:{{password}}@${pgs.host}:${pgs.port}/${pgs.database}?sslmode=disable`,
          username: pgs.env.LAB_PG_ADMIN_USER,
          password: pgs.env.LAB_PG_ADMIN_PASSWORD,
        },
      }),
    );
    await ok(
      http(e, 'POST', 'database/roles/short', {
        ...as,
        body: { db_name: 'labdb', creation_statements: READONLY_SQL, default_ttl: '10m' },
      }),
    );
    await ok(
      http(e, 'POST', 'database/roles/long', {
        ...as,
        body: { db_name: 'labdb', creation_statements: READONLY_SQL, default_ttl: '2h' },
      }),
    );
    const short = (await ok(http(e, 'GET', 'database/creds/short', as))).body.data.username;
    const long = (await ok(http(e, 'GET', 'database/creds/long', as))).body.data.username;
    await e.stop({ revokeLeases: false });
    expect(await roleExists(pgs, short)).toBe(true);

    // Back an hour later: the 10-minute lease is overdue, the 2-hour one is not.
    e = await startEngine({
      storage: { kind: 'file', path: dir },
      clock: new Clock({ frozen: true, start: new Date(start + 3600_000) }),
    });
    await unsealed(e, key);
    const deadline = Date.now() + 5000;
    while ((await roleExists(pgs, short)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await roleExists(pgs, short)).toBe(false);
    expect(await roleExists(pgs, long)).toBe(true);
    // A server with a seal keeps leases across restarts unless told to revoke them on stop.
    await e.stop({ revokeLeases: true });
    expect(await roleExists(pgs, long)).toBe(false);
  });
});
