/** KV v1, KV v2 and cubbyhole over HTTP (reference §7, §8). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock, type Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault } from '../support/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await devEngine({ clock: new Clock({ frozen: true }) });
  await http(engine, 'POST', 'sys/mounts/kv1', { body: { type: 'kv' } });
});
afterAll(async () => {
  await engine.stop();
});

const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const put = (p: string, data: unknown, options?: unknown) =>
  http(engine, 'POST', `secret/data/${p}`, { body: options ? { data, options } : { data } });

describe('KV v1', () => {
  it('replaces the whole map, reads it back with the mount TTL as advisory lease_duration', async () => {
    const v = nodeVault(engine);
    await v.write('kv1/app', { user: 'a', n: 5 });
    await v.write('kv1/app', { user: 'b' });
    const r = await v.read('kv1/app');
    expect(r.data).toEqual({ user: 'b' });
    expect(r.lease_id).toBe('');
    expect(r.renewable).toBe(false);
    expect(r.lease_duration).toBe(2764800);
    expect(r.mount_type).toBe('kv');
  });

  it('a stored ttl key overrides the advisory TTL; an unparsable one is refused', async () => {
    await http(engine, 'POST', 'kv1/withttl', { body: { ttl: '30m', v: 'x' } });
    expect((await http(engine, 'GET', 'kv1/withttl')).body.lease_duration).toBe(1800);
    const bad = await http(engine, 'POST', 'kv1/badttl', { body: { ttl: 'soon' } });
    expect(bad.status).toBe(400);
  });

  it('lists children with folders, 404 when empty or missing; empty write is 400; delete is 204', async () => {
    await http(engine, 'POST', 'kv1/dir/a', { body: { x: 1 } });
    await http(engine, 'POST', 'kv1/dir', { body: { x: 1 } });
    const l = await http(engine, 'GET', 'kv1/?list=true');
    expect(l.body.data.keys).toEqual(['app', 'dir', 'dir/', 'withttl']);
    expect((await http(engine, 'GET', 'kv1/none/?list=true')).status).toBe(404);
    expect((await http(engine, 'GET', 'kv1/none')).body).toEqual({ errors: [] });
    expect((await http(engine, 'POST', 'kv1/empty', { body: {} })).body.errors).toEqual(['missing data fields']);
    expect((await http(engine, 'DELETE', 'kv1/dir')).status).toBe(204);
    expect((await http(engine, 'DELETE', 'kv1/dir')).status).toBe(204);
  });

  it('create vs update follows existence: update alone cannot create', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/kv1-update', {
      body: { policy: 'path "kv1/*" { capabilities = ["update", "read"] }' },
    });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['kv1-update'] } })).body.auth
      .client_token;
    expect((await http(engine, 'POST', 'kv1/app', { token: t, body: { user: 'c' } })).status).toBe(204);
    expect((await http(engine, 'POST', 'kv1/brand-new', { token: t, body: { user: 'c' } })).status).toBe(403);
  });
});

describe('KV v2 data', () => {
  it('versions grow by one; reads pick a version; metadata in every write', async () => {
    const w1 = await put('v/app', { a: '1' });
    expect(w1.body.data).toMatchObject({ version: 1, destroyed: false, deletion_time: '', custom_metadata: null });
    expect(w1.body.data.created_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    await put('v/app', { a: '2' });
    const cur = await http(engine, 'GET', 'secret/data/v/app');
    expect(cur.body.data.data).toEqual({ a: '2' });
    const old = await http(engine, 'GET', 'secret/data/v/app?version=1');
    expect(old.body.data.data).toEqual({ a: '1' });
    expect((await http(engine, 'GET', 'secret/data/v/app?version=9')).body).toEqual({ errors: [] });
    expect((await http(engine, 'POST', 'secret/data/v/app', { body: { nodata: 1 } })).body.errors).toEqual([
      'no data provided',
    ]);
  });

  it('check-and-set: cas=0 creates only; mismatches and cas_required are 400', async () => {
    expect((await put('cas/k', { a: 1 }, { cas: 0 })).status).toBe(200);
    const again = await put('cas/k', { a: 1 }, { cas: 0 });
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual(['check-and-set parameter did not match the current version']);
    expect((await put('cas/k', { a: 2 }, { cas: 1 })).body.data.version).toBe(2);
    await http(engine, 'POST', 'secret/metadata/cas/k', { body: { cas_required: true } });
    expect((await put('cas/k', { a: 3 })).body.errors).toEqual(['check-and-set parameter required for this call']);
    expect((await put('cas/k', { a: 3 }, { cas: 'x' })).body.errors).toEqual(['error parsing check-and-set parameter']);
    await http(engine, 'POST', 'secret/config', { body: { cas_required: true } });
    expect((await put('cas/other', { a: 1 })).body.errors).toEqual(['check-and-set parameter required for this call']);
    const warn = await http(engine, 'POST', 'secret/metadata/cas/other', { body: { cas_required: false } });
    expect(warn.body.warnings).toEqual([
      '"cas_required" set to false, but is mandated by backend config. This value will be ignored.',
    ]);
    await http(engine, 'POST', 'secret/config', { body: { cas_required: false } });
  });

  it('PATCH merges (null removes, objects merge, arrays replace), needs a live version, honours cas', async () => {
    await put('p/app', { keep: 'k', drop: 'd', obj: { x: 1, y: 2 }, arr: [1, 2] });
    const r = await http(engine, 'PATCH', 'secret/data/p/app', {
      headers: MERGE,
      body: { data: { drop: null, obj: { y: 3 }, arr: [9], add: 'a' } },
    });
    expect(r.status).toBe(200);
    expect(r.body.data.version).toBe(2);
    expect((await http(engine, 'GET', 'secret/data/p/app')).body.data.data).toEqual({
      keep: 'k',
      obj: { x: 1, y: 3 },
      arr: [9],
      add: 'a',
    });
    expect(
      (
        await http(engine, 'PATCH', 'secret/data/p/app', {
          headers: MERGE,
          body: { data: { a: 1 }, options: { cas: 1 } },
        })
      ).status,
    ).toBe(400);
    expect(
      (await http(engine, 'PATCH', 'secret/data/p/none', { headers: MERGE, body: { data: { a: 1 } } })).status,
    ).toBe(404);
    await http(engine, 'DELETE', 'secret/data/p/app');
    expect(
      (await http(engine, 'PATCH', 'secret/data/p/app', { headers: MERGE, body: { data: { a: 1 } } })).status,
    ).toBe(404);
    const v = nodeVault(engine);
    await put('p/nv', { a: '1' });
    await v.update('secret/data/p/nv', { data: { b: '2' } });
    expect((await v.read('secret/data/p/nv')).data.data).toEqual({ a: '1', b: '2' });
  });

  it('patch needs the patch capability: update alone is 403 (the CLI then falls back to read+write)', async () => {
    await http(engine, 'PUT', 'sys/policies/acl/no-patch', {
      body: { policy: 'path "secret/data/p/*" { capabilities = ["read", "update"] }' },
    });
    const t = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['no-patch'] } })).body.auth
      .client_token;
    await put('p/cap', { a: '1' });
    expect(
      (await http(engine, 'PATCH', 'secret/data/p/cap', { token: t, headers: MERGE, body: { data: { b: 1 } } })).status,
    ).toBe(403);
  });

  it('deleted and destroyed versions read as 404 with the full body; undelete restores; destroyed stays', async () => {
    await put('d/app', { v: '1' });
    await put('d/app', { v: '2' });
    expect((await http(engine, 'DELETE', 'secret/data/d/app')).status).toBe(204);
    const gone = await http(engine, 'GET', 'secret/data/d/app');
    expect(gone.status).toBe(404);
    expect(gone.body.data.data).toBeNull();
    expect(gone.body.data.metadata.version).toBe(2);
    expect(gone.body.data.metadata.deletion_time).not.toBe('');
    expect(gone.body.request_id).toBeDefined();
    expect((await http(engine, 'POST', 'secret/undelete/d/app', { body: { versions: [2] } })).status).toBe(204);
    expect((await http(engine, 'GET', 'secret/data/d/app')).body.data.data).toEqual({ v: '2' });
    expect((await http(engine, 'PUT', 'secret/destroy/d/app', { body: { versions: '1' } })).status).toBe(204);
    const destroyed = await http(engine, 'GET', 'secret/data/d/app?version=1');
    expect(destroyed.status).toBe(404);
    expect(destroyed.body.data.metadata.destroyed).toBe(true);
    await http(engine, 'POST', 'secret/undelete/d/app', { body: { versions: [1] } });
    expect((await http(engine, 'GET', 'secret/data/d/app?version=1')).body.data.metadata.destroyed).toBe(true);
    expect((await http(engine, 'POST', 'secret/delete/d/app', { body: { versions: [2] } })).status).toBe(204);
    expect((await http(engine, 'GET', 'secret/data/d/app')).status).toBe(404);
    expect((await http(engine, 'POST', 'secret/delete/d/app', { body: {} })).body.errors).toEqual([
      'No version number provided',
    ]);
    expect((await http(engine, 'POST', 'secret/destroy/d/app', { body: {} })).body.errors).toEqual([
      'no version number provided',
    ]);
    const third = await put('d/app', { v: '3' });
    expect(third.body.data.version).toBe(3);
  });

  it('max_versions prunes the oldest versions (oldest_version 0 until the first prune)', async () => {
    await http(engine, 'POST', 'secret/metadata/m/app', { body: { max_versions: 3 } });
    for (let i = 1; i <= 3; i++) await put('m/app', { i });
    expect((await http(engine, 'GET', 'secret/metadata/m/app')).body.data.oldest_version).toBe(0);
    for (let i = 4; i <= 5; i++) await put('m/app', { i });
    const meta = await http(engine, 'GET', 'secret/metadata/m/app');
    expect(meta.body.data.oldest_version).toBe(3);
    expect(Object.keys(meta.body.data.versions)).toEqual(['3', '4', '5']);
    expect((await http(engine, 'GET', 'secret/data/m/app?version=2')).body).toEqual({ errors: [] });
  });

  it('the engine config max_versions applies with the larger of key and config', async () => {
    await http(engine, 'POST', 'secret/config', { body: { max_versions: 2 } });
    const cfg = await http(engine, 'GET', 'secret/config');
    expect(cfg.body.data).toEqual({ cas_required: false, delete_version_after: '0s', max_versions: 2 });
    for (let i = 1; i <= 4; i++) await put('m/cfg', { i });
    expect(Object.keys((await http(engine, 'GET', 'secret/metadata/m/cfg')).body.data.versions)).toEqual(['3', '4']);
    await http(engine, 'POST', 'secret/config', { body: { max_versions: 0 } });
  });

  it('delete_version_after makes new versions disappear on the engine clock', async () => {
    await http(engine, 'POST', 'secret/metadata/t/app', { body: { delete_version_after: '1h' } });
    const w = await put('t/app', { a: 1 });
    expect(w.body.data.deletion_time).not.toBe('');
    expect((await http(engine, 'GET', 'secret/data/t/app')).status).toBe(200);
    await engine.clock.advance('1h1s');
    const r = await http(engine, 'GET', 'secret/data/t/app');
    expect(r.status).toBe(404);
    expect(r.body.data.metadata.version).toBe(1);
    expect((await http(engine, 'GET', 'secret/metadata/t/app')).body.data.delete_version_after).toBe('1h0m0s');
  });

  it('subkeys returns the structure with leaves as null, honouring depth', async () => {
    await put('s/app', { a: 1, b: { c: 'x', d: { e: true } } });
    const all = await http(engine, 'GET', 'secret/subkeys/s/app');
    expect(all.body.data.subkeys).toEqual({ a: null, b: { c: null, d: { e: null } } });
    expect(all.body.data.metadata.version).toBe(1);
    const d1 = await http(engine, 'GET', 'secret/subkeys/s/app?depth=1');
    expect(d1.body.data.subkeys).toEqual({ a: null, b: null });
    expect((await http(engine, 'GET', 'secret/subkeys/s/none')).status).toBe(404);
  });

  it("other paths on a v2 mount are 404 with Vault's hint", async () => {
    const r = await http(engine, 'GET', 'secret/app');
    expect(r.status).toBe(404);
    expect(r.body.warnings[0]).toMatch(/^Invalid path for a versioned K\/V secrets engine\..*'vault kv get'/);
    expect(r.body.data).toBeNull();
  });
});

describe('KV v2 metadata', () => {
  it('read shows the reference fields; list with folders; delete removes all versions', async () => {
    await put('md/a/x', { k: 1 });
    await put('md/a/x', { k: 2 });
    await put('md/b', { k: 1 });
    const m = await http(engine, 'GET', 'secret/metadata/md/a/x');
    expect(Object.keys(m.body.data).sort()).toEqual([
      'cas_required',
      'created_time',
      'current_version',
      'custom_metadata',
      'delete_version_after',
      'max_versions',
      'oldest_version',
      'updated_time',
      'versions',
    ]);
    expect(m.body.data.current_version).toBe(2);
    expect(m.body.data.versions['1']).toEqual({
      created_time: expect.any(String),
      deletion_time: '',
      destroyed: false,
    });
    expect((await http(engine, 'GET', 'secret/metadata/md?list=true')).body.data.keys).toEqual(['a/', 'b']);
    expect((await http(engine, 'DELETE', 'secret/metadata/md/a/x')).status).toBe(204);
    expect((await http(engine, 'GET', 'secret/data/md/a/x?version=1')).body).toEqual({ errors: [] });
    expect((await http(engine, 'GET', 'secret/metadata/md/a/x')).status).toBe(404);
  });

  it('custom_metadata: written, shown on data reads, merged by PATCH (null removes), limits enforced', async () => {
    await put('cm/app', { a: 1 });
    expect(
      (
        await http(engine, 'POST', 'secret/metadata/cm/app', {
          body: { custom_metadata: { owner: 'team-a', tier: 'gold' } },
        })
      ).status,
    ).toBe(204);
    expect((await http(engine, 'GET', 'secret/data/cm/app')).body.data.metadata.custom_metadata).toEqual({
      owner: 'team-a',
      tier: 'gold',
    });
    const p = await http(engine, 'PATCH', 'secret/metadata/cm/app', {
      headers: MERGE,
      body: { custom_metadata: { tier: null, env: 'prod' }, max_versions: 4 },
    });
    expect(p.status).toBe(204);
    const m = (await http(engine, 'GET', 'secret/metadata/cm/app')).body.data;
    expect(m.custom_metadata).toEqual({ owner: 'team-a', env: 'prod' });
    expect(m.max_versions).toBe(4);
    expect(
      (await http(engine, 'PATCH', 'secret/metadata/cm/none', { headers: MERGE, body: { max_versions: 1 } })).status,
    ).toBe(404);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    const tooMany = await http(engine, 'POST', 'secret/metadata/cm/app', { body: { custom_metadata: many } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0]).toBe(
      '1 error occurred:\n\t* custom_metadata validation failed: payload must contain at most 64 keys, provided 65\n\n',
    );
    const longKey = await http(engine, 'POST', 'secret/metadata/cm/app', {
      body: { custom_metadata: { ['k'.repeat(129)]: 'v', ok: 'x'.repeat(513) } },
    });
    expect(longKey.body.errors[0]).toMatch(
      /^2 errors occurred:\n\t\* custom_metadata validation failed: length of key "k+" is 129 but must be 0 < len\(key\) <= 128\n\t\* custom_metadata validation failed: length of value for key "ok" is 513/,
    );
  });

  it('a metadata write does not create a version', async () => {
    await http(engine, 'POST', 'secret/metadata/only-meta', { body: { max_versions: 2 } });
    const m = await http(engine, 'GET', 'secret/metadata/only-meta');
    expect(m.body.data.current_version).toBe(0);
    expect(m.body.data.versions).toEqual({});
  });
});

describe('mount upgrade', () => {
  it('tuning options.version=2 on a v1 mount keeps the data as version 1', async () => {
    await http(engine, 'POST', 'sys/mounts/up', { body: { type: 'kv', options: { version: '1' } } });
    await http(engine, 'POST', 'up/app/config', { body: { user: 'u' } });
    expect((await http(engine, 'POST', 'sys/mounts/up/tune', { body: { options: { version: '2' } } })).status).toBe(
      204,
    );
    const r = await http(engine, 'GET', 'up/data/app/config');
    expect(r.body.data.data).toEqual({ user: 'u' });
    expect(r.body.data.metadata.version).toBe(1);
    expect((await http(engine, 'GET', 'sys/mounts/up')).body.data.options).toEqual({ version: '2' });
    expect((await http(engine, 'POST', 'sys/mounts/up/tune', { body: { options: { version: '1' } } })).status).toBe(
      400,
    );
  });
});

describe('cubbyhole', () => {
  it('is private to each token, even from root, and destroyed with the token', async () => {
    const a = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } })).body.auth
      .client_token;
    const b = (await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } })).body.auth
      .client_token;
    expect((await http(engine, 'POST', 'cubbyhole/note', { token: a, body: { secret: 'mine' } })).status).toBe(204);
    const mine = await http(engine, 'GET', 'cubbyhole/note', { token: a });
    expect(mine.body.data).toEqual({ secret: 'mine' });
    expect(mine.body.lease_duration).toBe(0);
    expect(mine.body.mount_type).toBe('cubbyhole');
    expect((await http(engine, 'GET', 'cubbyhole/note', { token: b })).status).toBe(404);
    expect((await http(engine, 'GET', 'cubbyhole/note')).status).toBe(404);
    expect((await http(engine, 'GET', 'cubbyhole/?list=true', { token: a })).body.data.keys).toEqual(['note']);
    expect((await http(engine, 'POST', 'cubbyhole/empty', { token: a, body: {} })).body.errors).toEqual([
      'missing data fields',
    ]);
    // The same token id after a revoke finds an empty cubbyhole: it was destroyed with the token.
    const fixed = (
      await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'], id: 'cubby-owner' } })
    ).body.auth.client_token;
    await http(engine, 'POST', 'cubbyhole/note', { token: fixed, body: { secret: 'short-lived' } });
    expect((await http(engine, 'GET', 'cubbyhole/note', { token: fixed })).status).toBe(200);
    await http(engine, 'POST', 'auth/token/revoke', { body: { token: fixed } });
    await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'], id: 'cubby-owner' } });
    expect((await http(engine, 'GET', 'cubbyhole/note', { token: 'cubby-owner' })).status).toBe(404);
  });

  it('cannot be unmounted or remounted', async () => {
    expect((await http(engine, 'DELETE', 'sys/mounts/cubbyhole')).body.errors).toEqual(['cannot unmount "cubbyhole/"']);
  });
});
