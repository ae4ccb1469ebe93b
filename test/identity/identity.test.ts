/**
 * The identity store over HTTP with node-vault: the always-there `identity/` mount, entities,
 * aliases made by logins (userpass, AppRole), merge, groups and their policies on live
 * tokens, lookups, disabled entities and templated policies — refusals included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http, nodeVault, type NodeVaultClient } from '../support/engine.js';

let engine: Engine;
let root: NodeVaultClient;
let upAccessor = '';
let arAccessor = '';

const status = async (p: Promise<unknown>) => {
  try {
    await p;
    return 200;
  } catch (e) {
    return (e as { response?: { statusCode: number } }).response?.statusCode ?? -1;
  }
};
const upLogin = async (username: string) =>
  (await nodeVault(engine, '').write(`auth/userpass/login/${username}`, { password: `pw-${username}` })).auth;

beforeAll(async () => {
  engine = await devEngine();
  root = nodeVault(engine);
  await root.write('sys/auth/userpass', { type: 'userpass' });
  await root.write('sys/auth/approle', { type: 'approle' });
  const auths = (await root.read('sys/auth')).data;
  upAccessor = auths['userpass/'].accessor;
  arAccessor = auths['approle/'].accessor;
  await root.write('sys/policy/base', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
  for (const u of ['alice', 'bob', 'carol', 'dave'])
    await root.write(`auth/userpass/users/${u}`, { password: `pw-${u}`, token_policies: 'base' });
});
afterAll(async () => {
  await engine.stop();
});

describe('the identity/ mount', () => {
  it('is listed in sys/mounts as type identity and cannot be disabled or moved', async () => {
    const m = (await root.read('sys/mounts')).data['identity/'];
    expect(m).toMatchObject({ type: 'identity', description: 'identity store', local: false });
    expect(m.accessor).toMatch(/^identity_[0-9a-f]{8}$/);
    const del = await http(engine, 'DELETE', 'sys/mounts/identity', { token: 'root' });
    expect(del.status).toBe(400);
    expect(del.body).toEqual({ errors: ['cannot unmount "identity/"'] });
    const mv = await http(engine, 'POST', 'sys/remount', { token: 'root', body: { from: 'identity', to: 'id2' } });
    expect(mv.status).toBe(400);
    expect(mv.body.errors[0]).toContain('cannot remount "identity/"');
    const again = await http(engine, 'POST', 'sys/mounts/identity', { token: 'root', body: { type: 'kv' } });
    expect(again.status).toBe(400);
  });
});

describe('entities', () => {
  it('creates, reads, updates and deletes by name and by id; lists both ways', async () => {
    const c = await root.write('identity/entity', { name: 'erin', metadata: { team: 'ops' }, policies: 'p1,p2' });
    expect(c.data).toMatchObject({ name: 'erin', aliases: null });
    const id = c.data.id as string;
    const byId = (await root.read(`identity/entity/id/${id}`)).data;
    expect(byId).toMatchObject({
      id,
      name: 'erin',
      policies: ['p1', 'p2'],
      metadata: { team: 'ops' },
      disabled: false,
    });
    expect(byId.aliases).toEqual([]);
    // A second write by name is an update (204) that replaces what it names and keeps the rest.
    const up = await http(engine, 'POST', 'identity/entity/name/erin', { token: 'root', body: { policies: ['p3'] } });
    expect(up.status).toBe(204);
    const byName = (await root.read('identity/entity/name/erin')).data;
    expect(byName).toMatchObject({ id, policies: ['p3'], metadata: { team: 'ops' } });
    const ids = await root.list('identity/entity/id');
    expect(ids.data.keys).toContain(id);
    expect(ids.data.key_info[id].name).toBe('erin');
    expect((await root.list('identity/entity/name')).data.keys).toContain('erin');
    expect(await status(root.write('identity/entity', { name: 'erin2', policies: 'root' }))).toBe(400);
    const dup = await http(engine, 'POST', `identity/entity/id/${id}`, { token: 'root', body: { name: 'nobody-x' } });
    expect(dup.status).toBe(204);
    await root.write('identity/entity', { name: 'other-e' });
    const clash = await http(engine, 'POST', `identity/entity/id/${id}`, { token: 'root', body: { name: 'other-e' } });
    expect(clash.body).toEqual({ errors: ['entity name is already in use'] });
    await root.delete(`identity/entity/id/${id}`);
    expect((await http(engine, 'GET', `identity/entity/id/${id}`, { token: 'root' })).status).toBe(404);
    await root.delete('identity/entity/name/other-e');
    expect((await http(engine, 'GET', 'identity/entity/name/other-e', { token: 'root' })).status).toBe(404);
    const bad = await http(engine, 'POST', 'identity/entity/id/not-there', { token: 'root', body: {} });
    expect(bad.body).toEqual({ errors: ['entity not found from id'] });
  });

  it('a userpass login creates an entity_<8 hex> entity with the username as alias, once', async () => {
    const a = await upLogin('alice');
    expect(a.entity_id).toMatch(/^[0-9a-f-]{36}$/);
    const e = (await root.read(`identity/entity/id/${a.entity_id}`)).data;
    expect(e.name).toMatch(/^entity_[0-9a-f]{8}$/);
    expect(e.aliases).toHaveLength(1);
    expect(e.aliases[0]).toMatchObject({ name: 'alice', mount_accessor: upAccessor, mount_type: 'userpass' });
    expect(e.aliases[0].mount_path).toBe('auth/userpass/');
    expect((await upLogin('alice')).entity_id).toBe(a.entity_id);
    const look = await nodeVault(engine, a.client_token).read('auth/token/lookup-self');
    expect(look.data.entity_id).toBe(a.entity_id);
    // The root token has no entity, and a child token inherits its parent's.
    expect((await root.read('auth/token/lookup-self')).data.entity_id).toBe('');
    const child = await nodeVault(engine, a.client_token).write('auth/token/create', { policies: 'base' });
    expect(child.auth.entity_id).toBe(a.entity_id);
  });

  it('an AppRole login uses the role_id as alias name; merge makes one person of two entities', async () => {
    await root.write('auth/approle/role/alice-ci', {
      token_policies: 'base',
      bind_secret_id: false,
      secret_id_bound_cidrs: '127.0.0.0/8',
    });
    const roleId = (await root.read('auth/approle/role/alice-ci/role-id')).data.role_id;
    const ar = (await nodeVault(engine, '').write('auth/approle/login', { role_id: roleId })).auth;
    const arEntity = (await root.read(`identity/entity/id/${ar.entity_id}`)).data;
    expect(arEntity.aliases[0]).toMatchObject({ name: roleId, mount_accessor: arAccessor, mount_type: 'approle' });
    expect(arEntity.aliases[0].metadata).toMatchObject({ role_name: 'alice-ci' });
    const up = await upLogin('alice');
    expect(ar.entity_id).not.toBe(up.entity_id);
    const r = await http(engine, 'POST', 'identity/entity/merge', {
      token: 'root',
      body: { from_entity_ids: [ar.entity_id], to_entity_id: up.entity_id },
    });
    expect(r.status).toBe(204);
    const merged = (await root.read(`identity/entity/id/${up.entity_id}`)).data;
    expect(merged.aliases.map((x: { name: string }) => x.name).sort()).toEqual(['alice', roleId].sort());
    expect(merged.merged_entity_ids).toEqual([ar.entity_id]);
    expect((await http(engine, 'GET', `identity/entity/id/${ar.entity_id}`, { token: 'root' })).status).toBe(404);
    // The next AppRole login lands on the merged entity.
    expect((await nodeVault(engine, '').write('auth/approle/login', { role_id: roleId })).auth.entity_id).toBe(
      up.entity_id,
    );
    const self = await http(engine, 'POST', 'identity/entity/merge', {
      token: 'root',
      body: { from_entity_ids: [up.entity_id], to_entity_id: up.entity_id },
    });
    expect(self.body).toEqual({ errors: ['to_entity_id should not be present in from_entity_ids'] });
  });

  it('a disabled entity makes its existing tokens and new logins 403, and enabling it brings them back', async () => {
    const d = await upLogin('dave');
    const dave = nodeVault(engine, d.client_token);
    await root.write(`identity/entity/id/${d.entity_id}`, { disabled: true });
    const r = await http(engine, 'GET', 'auth/token/lookup-self', { token: d.client_token });
    expect(r.status).toBe(403);
    expect(r.body.errors).toEqual(['1 error occurred:\n\t* permission denied\n\n']);
    const login = await http(engine, 'POST', 'auth/userpass/login/dave', { body: { password: 'pw-dave' } });
    expect(login.status).toBe(403);
    await root.write(`identity/entity/id/${d.entity_id}`, { disabled: false });
    expect((await dave.read('auth/token/lookup-self')).data.entity_id).toBe(d.entity_id);
  });

  it('a deleted entity leaves its tokens refused; the next login makes a fresh entity', async () => {
    await root.write('auth/userpass/users/kim', { password: 'pw-kim' });
    const k = await upLogin('kim');
    await root.delete(`identity/entity/id/${k.entity_id}`);
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: k.client_token })).status).toBe(403);
    const again = await upLogin('kim');
    expect(again.entity_id).not.toBe(k.entity_id);
    expect((await root.read(`identity/entity/id/${again.entity_id}`)).data.aliases[0].name).toBe('kim');
  });
});

describe('entity aliases', () => {
  it('ties an accessor + name to an entity; refuses a bad accessor and a second alias on one mount', async () => {
    const e = (await root.write('identity/entity', { name: 'frank' })).data;
    const a = await root.write('identity/entity-alias', {
      name: 'frank',
      mount_accessor: upAccessor,
      canonical_id: e.id,
    });
    expect(a.data.canonical_id).toBe(e.id);
    const read = (await root.read(`identity/entity-alias/id/${a.data.id}`)).data;
    expect(read).toMatchObject({ name: 'frank', mount_accessor: upAccessor, canonical_id: e.id });
    expect((await root.list('identity/entity-alias/id')).data.key_info[a.data.id].name).toBe('frank');
    const bad = await http(engine, 'POST', 'identity/entity-alias', {
      token: 'root',
      body: { name: 'x', mount_accessor: 'auth_nope_1234', canonical_id: e.id },
    });
    expect(bad.body).toEqual({ errors: ['invalid mount accessor "auth_nope_1234"'] });
    const second = await http(engine, 'POST', 'identity/entity-alias', {
      token: 'root',
      body: { name: 'frank2', mount_accessor: upAccessor, canonical_id: e.id },
    });
    expect(second.body).toEqual({ errors: ['Alias already exists for requested entity and mount accessor'] });
    await root.write('auth/userpass/users/frank', { password: 'pw-frank' });
    expect((await upLogin('frank')).entity_id).toBe(e.id);
    await root.delete(`identity/entity-alias/id/${a.data.id}`);
    expect((await http(engine, 'GET', `identity/entity-alias/id/${a.data.id}`, { token: 'root' })).status).toBe(404);
  });
});

describe('groups and identity policies', () => {
  it('gives members the group policies as identity_policies, live, nested groups included', async () => {
    await root.write('sys/policy/kv-team', { policy: 'path "secret/data/team/*" { capabilities = ["read"] }' });
    await root.write('secret/data/team/x', { data: { v: 1 } });
    const b = await upLogin('bob');
    const bob = nodeVault(engine, b.client_token);
    expect(await status(bob.read('secret/data/team/x'))).toBe(403);
    const g = await root.write('identity/group', { name: 'team', member_entity_ids: [b.entity_id] });
    const parent = await root.write('identity/group', {
      name: 'org',
      member_group_ids: [g.data.id],
      policies: 'kv-team',
    });
    const look = (await bob.read('auth/token/lookup-self')).data;
    expect(look.identity_policies).toEqual(['kv-team']);
    expect(look.policies).toEqual(['base', 'default']);
    expect((await bob.read('secret/data/team/x')).data.data).toEqual({ v: 1 });
    const ent = (await root.read(`identity/entity/id/${b.entity_id}`)).data;
    expect(ent.direct_group_ids).toEqual([g.data.id]);
    expect(ent.inherited_group_ids).toEqual([parent.data.id]);
    const login = await upLogin('bob');
    expect(login.identity_policies).toEqual(['kv-team']);
    expect(login.policies).toEqual(['base', 'default', 'kv-team']);
    expect(login.token_policies).toEqual(['base', 'default']);
    // Taking the policy away works on the existing token without a new login.
    await root.write('identity/group/name/org', { policies: [] });
    expect(await status(bob.read('secret/data/team/x'))).toBe(403);
    expect((await bob.read('auth/token/lookup-self')).data.identity_policies).toBeUndefined();
    const cyc = await http(engine, 'POST', `identity/group/id/${g.data.id}`, {
      token: 'root',
      body: { member_group_ids: [parent.data.id] },
    });
    expect(cyc.status).toBe(400);
    expect(cyc.body.errors[0]).toContain('cyclic relationship detected');
    expect((await root.list('identity/group/name')).data.keys).toEqual(expect.arrayContaining(['org', 'team']));
    expect((await root.read(`identity/group/id/${g.data.id}`)).data.parent_group_ids).toEqual([parent.data.id]);
  });

  it('external groups carry a group alias; internal ones refuse one', async () => {
    const ext = await root.write('identity/group', { name: 'ext', type: 'external', policies: 'p' });
    const ga = await root.write('identity/group-alias', {
      name: 'ldap-devs',
      mount_accessor: upAccessor,
      canonical_id: ext.data.id,
    });
    expect((await root.read(`identity/group-alias/id/${ga.data.id}`)).data).toMatchObject({ name: 'ldap-devs' });
    expect((await root.read('identity/group/name/ext')).data.alias.name).toBe('ldap-devs');
    const intl = await root.write('identity/group', { name: 'intl' });
    const r = await http(engine, 'POST', 'identity/group-alias', {
      token: 'root',
      body: { name: 'x', mount_accessor: upAccessor, canonical_id: intl.data.id },
    });
    expect(r.body).toEqual({ errors: ["alias can't be set on an internal group"] });
    const m = await http(engine, 'POST', 'identity/group/name/ext', {
      token: 'root',
      body: { member_entity_ids: [] },
    });
    expect(m.body).toEqual({ errors: ["member entities can't be set manually for external groups"] });
  });
});

describe('lookups', () => {
  it('finds entities and groups by name, id and alias; a miss is a 204', async () => {
    const c = await upLogin('carol');
    const byAlias = await root.write('identity/lookup/entity', {
      alias_name: 'carol',
      alias_mount_accessor: upAccessor,
    });
    expect(byAlias.data.id).toBe(c.entity_id);
    const byId = await root.write('identity/lookup/entity', { id: c.entity_id });
    expect(byId.data.aliases[0].name).toBe('carol');
    const miss = await http(engine, 'POST', 'identity/lookup/entity', { token: 'root', body: { name: 'nobody' } });
    expect(miss.status).toBe(204);
    const g = await root.write('identity/lookup/group', { name: 'team' });
    expect(g.data.name).toBe('team');
    const both = await http(engine, 'POST', 'identity/lookup/entity', {
      token: 'root',
      body: { name: 'a', id: 'b' },
    });
    expect(both.body).toEqual({ errors: ['query parameter conflict; please supply distinct set of query parameters'] });
    const none = await http(engine, 'POST', 'identity/lookup/group', { token: 'root', body: {} });
    expect(none.body).toEqual({ errors: ['query parameter not supplied'] });
  });
});

describe('templated policies', () => {
  it('give each user their own path; another user is denied; entity-less tokens get nothing', async () => {
    await root.write('sys/policy/own-kv', {
      policy: 'path "secret/data/users/{{identity.entity.name}}/*" { capabilities = ["create", "read", "update"] }',
    });
    await root.write('auth/userpass/users/gina', { password: 'pw-gina', token_policies: 'own-kv' });
    await root.write('auth/userpass/users/hank', { password: 'pw-hank', token_policies: 'own-kv' });
    const g = await upLogin('gina');
    await root.write(`identity/entity/id/${g.entity_id}`, { name: 'gina' });
    const h = await upLogin('hank');
    await root.write(`identity/entity/id/${h.entity_id}`, { name: 'hank' });
    const gina = nodeVault(engine, g.client_token);
    await gina.write('secret/data/users/gina/notes', { data: { a: 1 } });
    expect((await gina.read('secret/data/users/gina/notes')).data.data).toEqual({ a: 1 });
    expect(await status(gina.read('secret/data/users/hank/notes'))).toBe(403);
    expect(await status(gina.read('secret/data/users/{{identity.entity.name}}/notes'))).toBe(403);
    const hank = nodeVault(engine, h.client_token);
    expect(await status(hank.read('secret/data/users/gina/notes'))).toBe(403);
    // No entity: the templated stanza matches nothing at all.
    const orphan = await root.write('auth/token/create', { policies: 'own-kv' });
    const o = nodeVault(engine, orphan.auth.client_token);
    expect(await status(o.read('secret/data/users/gina/notes'))).toBe(403);
    expect(await status(o.write('secret/data/users//x', { data: {} }))).toBe(403);
    // Renaming the entity moves the path with it, on the same token.
    await root.write(`identity/entity/id/${g.entity_id}`, { name: 'gina2' });
    expect(await status(gina.read('secret/data/users/gina/notes'))).toBe(403);
    await gina.write('secret/data/users/gina2/n', { data: { b: 2 } });
  });

  it('an unresolvable directive matches nothing, never everything; bad braces are refused at write', async () => {
    await root.write('sys/policy/by-meta', {
      policy: [
        'path "secret/data/meta/{{identity.entity.metadata.team}}/*" { capabilities = ["read"] }',
        'path "secret/data/alias/{{identity.entity.aliases.' + upAccessor + '.name}}" { capabilities = ["read"] }',
        'path "secret/data/grp/{{identity.groups.names.team.id}}" { capabilities = ["read"] }',
      ].join('\n'),
    });
    await root.write('auth/userpass/users/ivy', { password: 'pw-ivy', token_policies: 'by-meta' });
    const i = await upLogin('ivy');
    const ivy = nodeVault(engine, i.client_token);
    await root.write('secret/data/meta/ops/x', { data: { v: 'ops' } });
    await root.write('secret/data/alias/ivy', { data: { v: 'alias' } });
    // metadata.team is unset: nothing under meta/ is readable, not even with an empty segment.
    expect(await status(ivy.read('secret/data/meta/ops/x'))).toBe(403);
    expect(await status(ivy.read('secret/data/meta//x'))).toBe(403);
    expect((await ivy.read('secret/data/alias/ivy')).data.data).toEqual({ v: 'alias' });
    await root.write(`identity/entity/id/${i.entity_id}`, { metadata: ['team=ops'] });
    expect((await ivy.read('secret/data/meta/ops/x')).data.data).toEqual({ v: 'ops' });
    // A metadata value with a glob does not widen the rule.
    await root.write(`identity/entity/id/${i.entity_id}`, { metadata: { team: '*' } });
    expect(await status(ivy.read('secret/data/meta/ops/x'))).toBe(403);
    // Group directives resolve only for groups the entity is in.
    const team = (await root.read('identity/group/name/team')).data;
    await root.write(`secret/data/grp/${team.id}`, { data: { v: 'g' } });
    expect(await status(ivy.read(`secret/data/grp/${team.id}`))).toBe(403);
    await root.write('identity/group/name/team', { member_entity_ids: [...team.member_entity_ids, i.entity_id] });
    expect((await ivy.read(`secret/data/grp/${team.id}`)).data.data).toEqual({ v: 'g' });
    const bad = await http(engine, 'POST', 'sys/policy/bad-tpl', {
      token: 'root',
      body: { policy: 'path "secret/{{identity.entity.id}" { capabilities = ["read"] }' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toContain('unbalanced templating characters');
  });

  it('the default policy lets a token read its own entity and no other', async () => {
    const a = await upLogin('alice');
    const c = await upLogin('carol');
    const alice = nodeVault(engine, a.client_token);
    expect((await alice.read(`identity/entity/id/${a.entity_id}`)).data.id).toBe(a.entity_id);
    expect(await status(alice.read(`identity/entity/id/${c.entity_id}`))).toBe(403);
    const cap = await alice.write('sys/capabilities-self', { paths: [`identity/entity/id/${a.entity_id}`] });
    expect(cap.data.capabilities).toEqual(['read']);
  });
});
