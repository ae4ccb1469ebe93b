/** sys/locked-users over HTTP: the lockout state of userpass and AppRole, and unlocking early. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Clock, type Engine } from '../../engine/index.js';
import { devEngine, http } from '../support/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await devEngine({ clock: new Clock({ frozen: true }) });
  await http(engine, 'POST', 'sys/auth/userpass', { body: { type: 'userpass' } });
  await http(engine, 'POST', 'auth/userpass/users/lena', { body: { password: 'right' } });
  await http(engine, 'POST', 'auth/userpass/users/omar', { body: { password: 'right' } });
});
afterAll(async () => {
  await engine.stop();
});

const login = (user: string, password: string) =>
  http(engine, 'POST', `auth/userpass/login/${user}`, { token: null, body: { password } });

it('lists nobody at first, then the locked users per auth mount; unlock lifts a lockout early', async () => {
  expect((await http(engine, 'GET', 'sys/locked-users')).body.data).toEqual({ by_namespace: [], total: 0 });
  for (let i = 0; i < 5; i++) {
    await login('lena', 'wrong');
    await login('omar', 'wrong');
  }
  expect((await login('lena', 'right')).status).toBe(403);
  const accessor = (await http(engine, 'GET', 'sys/auth')).body.data['userpass/'].accessor as string;
  const list = await http(engine, 'GET', 'sys/locked-users');
  expect(list.body.data).toEqual({
    by_namespace: [
      {
        namespace_id: 'root',
        namespace_path: '',
        counts: 2,
        mount_accessors: [{ mount_accessor: accessor, counts: 2, alias_identifiers: ['lena', 'omar'] }],
      },
    ],
    total: 2,
  });
  expect((await http(engine, 'GET', 'sys/locked-users?mount_accessor=auth_other_1234')).body.data.total).toBe(0);

  const un = await http(engine, 'POST', `sys/locked-users/${accessor}/unlock/lena`);
  expect(un.status).toBe(204);
  expect((await login('lena', 'right')).status).toBe(200);
  expect((await login('omar', 'right')).status).toBe(403);
  expect((await http(engine, 'GET', 'sys/locked-users')).body.data.total).toBe(1);

  const bad = await http(engine, 'POST', 'sys/locked-users/auth_nope_0000/unlock/lena');
  expect(bad.status).toBe(400);
  // Only privileged tokens may look: a default-policy token is refused.
  const t = await http(engine, 'POST', 'auth/token/create', { body: { policies: ['default'] } });
  expect((await http(engine, 'GET', 'sys/locked-users', { token: t.body.auth.client_token })).status).toBe(403);
});
