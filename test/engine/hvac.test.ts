/**
 * Python hvac (Debian's python3-hvac 0.11, installed by .ci/run) against the engine, run
 * as a real process. HashiCorp's own `vault` binary cannot be installed in this
 * environment (no network beyond npm and apt), so hvac and node-vault are the outside clients.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine } from '../support/engine.js';
import { runHvacScript } from '../support/hvac.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

let engine: Engine;
let out: Record<string, any>;
beforeAll(async () => {
  engine = await devEngine();
  out = await runHvacScript(path.join(HERE, 'hvac_client.py'), [engine.url, engine.rootToken]);
});
afterAll(async () => {
  await engine.stop();
});

describe('python hvac 0.11', () => {
  it('authenticates and reads health', () => {
    expect(out.authenticated).toBe(true);
    expect(out.bad_token_authenticated).toBe(false);
    expect(out.health_initialized).toBe(true);
  });

  it('drives KV v2: write, CAS, read versions, client-side patch, list, metadata, delete/undelete', () => {
    expect(out.kv2_write_version).toBe(1);
    expect(out.kv2_cas_mismatch).toBe('InvalidRequest');
    expect(out.kv2_read).toEqual({ user: 'app', pw: 'rotated' });
    expect(out.kv2_read_version).toBe(2);
    expect(out.kv2_read_v1).toEqual({ user: 'app', pw: 's3cret' });
    expect(out.kv2_after_patch).toEqual({ user: 'app', pw: 'rotated', extra: 'yes' });
    expect(out.kv2_list).toEqual(['app']);
    expect(out.kv2_meta_current).toBe(3);
    expect(out.kv2_meta_custom).toEqual({ owner: 'py' });
    expect(out.kv2_read_deleted).toBe('InvalidPath');
    expect(out.kv2_undeleted).toBe('yes');
    expect(out.kv2_missing).toBe('InvalidPath');
  });

  it('drives KV v1 and mounts', () => {
    expect(out.kv1_read).toEqual({ a: 'b' });
    expect(out.kv1_lease_duration).toBe(2764800);
    expect(out.mounts_has_pykv).toBe(true);
  });

  it('policies, tokens, 403s as Forbidden, renew, capabilities, revoke', () => {
    expect(out.policy_text).toBe('path "secret/data/hvac/*" { capabilities = ["read"] }');
    expect(out.limited_lookup_policies).toEqual(['default', 'py-read']);
    expect(out.limited_read).toBe('app');
    expect(out.limited_write).toBe('Forbidden');
    expect(out.limited_mounts).toBe('Forbidden');
    expect(out.renewed_ttl).toBe(1800);
    expect(out.capabilities).toEqual(['read']);
    expect(out.revoked_authenticated).toBe(false);
  });

  it('response wrapping: wrap_ttl on token create, unwrap once', () => {
    expect(out.wrap_ttl).toBe(60);
    expect(out.unwrapped_policies).toEqual(['default', 'py-read']);
    expect(out.unwrap_twice).toBe('InvalidRequest');
  });

  it('error statuses map to hvac exceptions', () => {
    expect(out.unknown_mount).toBe('InvalidPath');
    expect(out.read_missing_is_none).toBe(true);
    expect(out.bad_field).toBe('InvalidRequest');
  });
});
