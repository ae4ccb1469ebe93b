/**
 * `vault operator rekey` and sys/rekey/*: new unseal shares from a threshold of the old
 * ones, over HTTP and with the CLI as a process. Old shares stop working, the new ones
 * unseal, the data is untouched; wrong shares reset progress; -cancel and -status.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../../engine/index.js';
import { http, vault } from '../support/engine.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-rekey-'));
  dirs.push(d);
  return d;
};
const engines: Engine[] = [];
afterEach(async () => {
  while (engines.length) await engines.pop()!.stop();
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function server(shares = 3, threshold = 2) {
  const e = await startEngine({ storage: { kind: 'file', path: tmp() } });
  engines.push(e);
  const init = await http(e, 'PUT', 'sys/init', {
    token: null,
    body: { secret_shares: shares, secret_threshold: threshold },
  });
  const keys = init.body.keys_base64 as string[];
  const root = init.body.root_token as string;
  for (const k of keys.slice(0, threshold)) await http(e, 'PUT', 'sys/unseal', { token: null, body: { key: k } });
  return { e, keys, root };
}

describe('vault operator rekey', () => {
  it('replaces the unseal shares: old ones stop working, new ones unseal, data untouched', async () => {
    const { e, keys, root } = await server();
    await http(e, 'POST', 'sys/mounts/secret', { token: root, body: { type: 'kv', options: { version: '2' } } });
    await http(e, 'POST', 'secret/data/app', { token: root, body: { data: { pw: 'kept' } } });
    const env = { VAULT_ADDR: e.url, HOME: tmp() };

    const none = await vault(['operator', 'rekey', keys[0]], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      'No rekey is in progress. Start a rekey process by running "vault operator rekey -init".',
    );

    const init = await vault(['operator', 'rekey', '-init', '-key-shares=5', '-key-threshold=3'], env);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^Nonce\s+[0-9a-f-]{36}$/m);
    expect(init.stdout).toMatch(/^Started\s+true$/m);
    expect(init.stdout).toMatch(/^Rekey Progress\s+0\/2$/m);
    expect(init.stdout).toMatch(/^New Shares\s+5$/m);
    expect(init.stdout).toMatch(/^New Threshold\s+3$/m);
    const nonce = /^Nonce\s+(\S+)$/m.exec(init.stdout)![1];

    const again = await http(e, 'PUT', 'sys/rekey/init', {
      token: null,
      body: { secret_shares: 3, secret_threshold: 2 },
    });
    expect(again).toMatchObject({ status: 400, body: { errors: ['rekey already in progress'] } });
    const badNonce = await http(e, 'PUT', 'sys/rekey/update', { token: null, body: { key: keys[0], nonce: 'nope' } });
    expect(badNonce.status).toBe(400);
    expect(badNonce.body.errors[0]).toBe(`incorrect nonce supplied; nonce for this rekey operation is "${nonce}"`);

    const one = await vault(['operator', 'rekey', keys[0]], env);
    expect(one.stdout).toMatch(/^Rekey Progress\s+1\/2$/m);
    const dupe = await vault(['operator', 'rekey', keys[0]], env);
    expect(dupe.code).toBe(2);
    expect(dupe.stderr).toContain('given key has already been provided during this generation operation');
    const st = await vault(['operator', 'rekey', '-status', '-format=json'], env);
    expect(JSON.parse(st.stdout)).toMatchObject({ started: true, progress: 1, required: 2, n: 5, t: 3, nonce });

    const done = await vault(['operator', 'rekey', keys[2]], env);
    expect(done.code).toBe(0);
    const fresh = [...done.stdout.matchAll(/^Key (\d): (\S+)$/gm)].map((m) => m[2]);
    expect(fresh).toHaveLength(5);
    expect(done.stdout).toContain(`Operation nonce: ${nonce}`);
    expect(done.stdout).toContain('Vault unseal keys rekeyed with 5 key shares and a key threshold of 3.');
    expect(done.stdout).toContain('you must supply at least 3 of these keys to unseal it');
    const ss = await http(e, 'GET', 'sys/seal-status', { token: null });
    expect(ss.body).toMatchObject({ t: 3, n: 5, sealed: false });
    expect((await http(e, 'GET', 'sys/rekey/init', { token: null })).body).toMatchObject({
      started: false,
      required: 3,
    });

    await http(e, 'PUT', 'sys/seal', { token: root });
    const old = await http(e, 'PUT', 'sys/unseal', { token: null, body: { key: keys[0] } });
    expect(old.status).toBe(400);
    expect(old.body.errors).toEqual(['Unseal failed, invalid key']);
    for (const k of [fresh[4], fresh[1]]) await http(e, 'PUT', 'sys/unseal', { token: null, body: { key: k } });
    const last = await vault(['operator', 'unseal', fresh[3]], env);
    expect(last.stdout).toMatch(/Sealed\s+false/);
    expect((await http(e, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ pw: 'kept' });
    // sys/rotate still works: the running server holds the new root key.
    expect((await http(e, 'POST', 'sys/rotate', { token: root })).status).toBe(204);
  });

  it('wrong shares at the threshold reset progress; -cancel ends a rekey; sealed answers 503', async () => {
    const a = await server();
    const b = await server();
    const env = { VAULT_ADDR: a.e.url, HOME: tmp() };
    await vault(['operator', 'rekey', '-init', '-key-shares=3', '-key-threshold=2'], env);
    await vault(['operator', 'rekey', b.keys[0]], env);
    const wrong = await vault(['operator', 'rekey', b.keys[1]], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('root key verification failed');
    expect((await http(a.e, 'GET', 'sys/rekey/init', { token: null })).body).toMatchObject({
      started: true,
      progress: 0,
    });
    const cancel = await vault(['operator', 'rekey', '-cancel'], env);
    expect(cancel.stdout).toBe('Success! Canceled rekeying (if it was started)\n');
    expect((await http(a.e, 'GET', 'sys/rekey/init', { token: null })).body.started).toBe(false);
    // The old shares still unseal: nothing changed.
    await http(a.e, 'PUT', 'sys/seal', { token: a.root });
    expect((await http(a.e, 'GET', 'sys/rekey/init', { token: null })).status).toBe(503);
    for (const k of a.keys.slice(1)) await http(a.e, 'PUT', 'sys/unseal', { token: null, body: { key: k } });
    expect((await http(a.e, 'GET', 'sys/seal-status', { token: null })).body.sealed).toBe(false);
    const bad = await http(a.e, 'PUT', 'sys/rekey/init', {
      token: null,
      body: { secret_shares: 2, secret_threshold: 3 },
    });
    expect(bad).toMatchObject({ status: 400, body: { errors: ['threshold cannot be larger than shares'] } });
    const dev = await startEngine({ dev: true });
    engines.push(dev);
    expect((await http(dev, 'GET', 'sys/rekey/init', { token: null })).status).toBe(400);
  });
});
