/** The `vault` CLI, as a process, on identity paths: read/write/list/delete, token lookup and login tables. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, vault } from '../support/engine.js';

let engine: Engine;
let env: Record<string, string>;
beforeAll(async () => {
  engine = await devEngine();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-identity-cli-'));
  env = { VAULT_ADDR: engine.url, VAULT_TOKEN: engine.rootToken, HOME: home };
  for (const args of [
    ['auth', 'enable', 'userpass'],
    ['write', 'auth/userpass/users/alice', 'password=pw', 'token_policies=default'],
    ['policy', 'write', 'kv-team', '-'],
  ]) {
    const r = await vault(args, env, 'path "secret/data/team/*" { capabilities = ["read"] }');
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(async () => {
  await engine.stop();
});

describe('vault … identity/', () => {
  it('writes, reads, lists and deletes entities and groups', async () => {
    const w = await vault(['write', 'identity/entity', 'name=erin', 'metadata=team=ops', 'metadata=site=lon'], env);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/^name\s+erin$/m);
    const r = await vault(['read', '-format=json', 'identity/entity/name/erin'], env);
    expect(JSON.parse(r.stdout).data.metadata).toEqual({ team: 'ops', site: 'lon' });
    const id = (await vault(['read', '-field=id', 'identity/entity/name/erin'], env)).stdout.trim();
    const l = await vault(['list', 'identity/entity/name'], env);
    expect(l.stdout).toMatch(/^erin$/m);
    const g = await vault(['write', 'identity/group', 'name=ops', 'policies=kv-team', `member_entity_ids=${id}`], env);
    expect(g.code, g.stderr).toBe(0);
    expect((await vault(['list', 'identity/group/name'], env)).stdout).toMatch(/^ops$/m);
    expect((await vault(['delete', 'identity/group/name/ops'], env)).code).toBe(0);
    expect((await vault(['delete', `identity/entity/id/${id}`], env)).code).toBe(0);
    const gone = await vault(['read', `identity/entity/id/${id}`], env);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`No value found at identity/entity/id/${id}`);
  });

  it('vault secrets disable identity is refused with Vault’s error', async () => {
    const r = await vault(['secrets', 'disable', 'identity'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot unmount "identity/"');
  });
});

describe('tokens of an entity', () => {
  it('login shows identity_policies; token lookup shows entity_id and identity_policies', async () => {
    const { HOME } = env;
    const first = await vault(['write', '-format=json', 'auth/userpass/login/alice', 'password=pw'], env);
    const entityId = JSON.parse(first.stdout).auth.entity_id as string;
    expect(entityId).toMatch(/^[0-9a-f-]{36}$/);
    const g = await vault(
      ['write', 'identity/group', 'name=team', 'policies=kv-team', `member_entity_ids=${entityId}`],
      env,
    );
    expect(g.code, g.stderr).toBe(0);
    const login = await vault(['login', '-method=userpass', 'username=alice', 'password=pw'], {
      HOME,
      VAULT_ADDR: env.VAULT_ADDR,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toMatch(/^token_policies\s+\["default"\]$/m);
    expect(login.stdout).toMatch(/^identity_policies\s+\["kv-team"\]$/m);
    expect(login.stdout).toMatch(/^policies\s+\["default" "kv-team"\]$/m);
    const look = await vault(['token', 'lookup'], { HOME, VAULT_ADDR: env.VAULT_ADDR });
    expect(look.code, look.stderr).toBe(0);
    expect(look.stdout).toMatch(new RegExp(`^entity_id\\s+${entityId}$`, 'm'));
    expect(look.stdout).toMatch(/^identity_policies\s+\[kv-team\]$/m);
    expect(look.stdout).toMatch(/^external_namespace_policies\s+map\[\]$/m);
    expect(look.stdout).toMatch(/^policies\s+\[default\]$/m);
  });
});
