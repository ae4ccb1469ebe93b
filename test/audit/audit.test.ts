/**
 * Audit devices over HTTP: file and socket devices write Vault-shaped JSON lines with
 * secrets HMAC'd under each device's own salt; sys/audit-hash finds a known value;
 * options (log_raw, hmac_accessor, prefix, mode) work; a request fails closed when no
 * enabled device can record it; devices and salts survive a restart.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../../engine/index.js';
import { devEngine, vault } from '../support/engine.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-audit-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const engines: Engine[] = [];
afterEach(async () => {
  while (engines.length) await engines.pop()!.stop();
});
const dev = async () => {
  const e = await devEngine();
  engines.push(e);
  return e;
};

async function call(e: Engine, method: string, p: string, opts: { token?: string | null; body?: unknown } = {}) {
  const token = opts.token === undefined ? 'root' : opts.token;
  const r = await fetch(`${e.url}/v1/${p}`, {
    method,
    headers: token ? { 'X-Vault-Token': token } : {},
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const t = await r.text();
  return { status: r.status, body: t ? JSON.parse(t) : null };
}
const lines = (f: string) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean);
const entries = (f: string, prefix = '') => lines(f).map((l) => JSON.parse(l.slice(prefix.length)));

describe('file audit device', () => {
  it("is enabled, listed and disabled through sys/audit (sudo), with Vault's duplicate error", async () => {
    const e = await dev();
    const file = path.join(tmp(), 'audit.log');
    const token = (await call(e, 'POST', 'auth/token/create', { body: { policies: ['default'] } })).body.auth
      .client_token;
    expect(
      (await call(e, 'PUT', 'sys/audit/file', { token, body: { type: 'file', options: { file_path: file } } })).status,
    ).toBe(403);
    expect(
      (
        await call(e, 'PUT', 'sys/audit/file', {
          body: { type: 'file', description: 'main log', options: { file_path: file } },
        })
      ).status,
    ).toBe(204);
    const dup = await call(e, 'PUT', 'sys/audit/file', { body: { type: 'file', options: { file_path: file } } });
    expect(dup.status).toBe(400);
    expect(dup.body.errors).toEqual(['path already in use']);
    const list = await call(e, 'GET', 'sys/audit');
    expect(list.body.data['file/']).toEqual({
      type: 'file',
      description: 'main log',
      options: { file_path: file },
      local: false,
      path: 'file/',
    });
    expect(list.body['file/']).toEqual(list.body.data['file/']);
    expect(JSON.stringify(list.body)).not.toMatch(/salt/);
    expect((await call(e, 'DELETE', 'sys/audit/file')).status).toBe(204);
    expect((await call(e, 'GET', 'sys/audit')).body.data).toEqual({});
    const bad = await call(e, 'PUT', 'sys/audit/x', { body: { type: 'file', options: {} } });
    expect(bad.body.errors).toEqual(['file_path is required']);
    expect(
      (await call(e, 'PUT', 'sys/audit/x', { body: { type: 'file', options: { file_path: file, format: 'jsonx' } } }))
        .status,
    ).toBe(400);
    expect((await call(e, 'PUT', 'sys/audit/x', { body: { type: 'nope', options: {} } })).status).toBe(400);
  });

  it("writes a request and a response line per request, secrets HMAC'd with the device salt", async () => {
    const e = await dev();
    const file = path.join(tmp(), 'audit.log');
    await call(e, 'PUT', 'sys/audit/file', { body: { type: 'file', options: { file_path: file } } });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await call(e, 'PUT', 'secret/data/app', { body: { data: { password: 'hunter2-secret' } } });
    await call(e, 'GET', 'secret/data/app');
    const log = entries(file);
    const reads = log.filter((x) => x.request.path === 'secret/data/app' && x.request.operation === 'read');
    expect(reads.map((x) => x.type)).toEqual(['request', 'response']);
    const resp = reads[1];
    expect(resp.response.data.data.password).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(resp.auth.client_token).toMatch(/^hmac-sha256:/);
    expect(resp.auth.accessor).toMatch(/^hmac-sha256:/);
    expect(resp.auth.policies).toEqual(['root']);
    expect(resp.decision).toBeUndefined();
    expect(fs.readFileSync(file, 'utf8')).not.toContain('hunter2-secret');
    const h = await call(e, 'PUT', 'sys/audit-hash/file', { body: { input: 'hunter2-secret' } });
    expect(h.body.data.hash).toBe(resp.response.data.data.password);
    expect(h.body.hash).toBe(h.body.data.hash);
    expect((await call(e, 'PUT', 'sys/audit-hash/file', { body: { input: 'root' } })).body.data.hash).toBe(
      resp.auth.client_token,
    );
    expect((await call(e, 'PUT', 'sys/audit-hash/nope', { body: { input: 'x' } })).status).toBe(400);
  });

  it('gives each device its own salt, so the same value hashes differently per device', async () => {
    const e = await dev();
    const a = path.join(tmp(), 'a.log'),
      b = path.join(tmp(), 'b.log');
    await call(e, 'PUT', 'sys/audit/a', { body: { type: 'file', options: { file_path: a } } });
    await call(e, 'PUT', 'sys/audit/b', { body: { type: 'file', options: { file_path: b } } });
    await call(e, 'PUT', 'secret/data/x', { body: { data: { k: 'same-value' } } });
    const ha = (await call(e, 'PUT', 'sys/audit-hash/a', { body: { input: 'same-value' } })).body.data.hash;
    const hb = (await call(e, 'PUT', 'sys/audit-hash/b', { body: { input: 'same-value' } })).body.data.hash;
    expect(ha).not.toBe(hb);
    expect(fs.readFileSync(a, 'utf8')).toContain(ha);
    expect(fs.readFileSync(a, 'utf8')).not.toContain(hb);
    expect(fs.readFileSync(b, 'utf8')).toContain(hb);
  });

  it('honours log_raw, hmac_accessor=false, prefix and mode', async () => {
    const e = await dev();
    const raw = path.join(tmp(), 'raw.log'),
      acc = path.join(tmp(), 'acc.log');
    await call(e, 'PUT', 'sys/audit/raw', {
      body: { type: 'file', options: { file_path: raw, log_raw: 'true', prefix: '@cee: ', mode: '0640' } },
    });
    await call(e, 'PUT', 'sys/audit/acc', {
      body: { type: 'file', options: { file_path: acc, hmac_accessor: 'false' } },
    });
    expect(fs.statSync(raw).mode & 0o777).toBe(0o640);
    const lookup = (await call(e, 'GET', 'auth/token/lookup-self')).body.data;
    await call(e, 'PUT', 'secret/data/r', { body: { data: { v: 'visible-in-raw' } } });
    expect(lines(raw).every((l) => l.startsWith('@cee: {'))).toBe(true);
    expect(fs.readFileSync(raw, 'utf8')).toContain('visible-in-raw');
    const last = entries(acc).at(-1);
    expect(last.auth.accessor).toBe(lookup.accessor);
    expect(last.auth.client_token).toMatch(/^hmac-sha256:/);
    expect(fs.readFileSync(acc, 'utf8')).not.toContain('visible-in-raw');
    expect(
      (await call(e, 'PUT', 'sys/audit/bad', { body: { type: 'file', options: { file_path: acc, log_raw: 'maybe' } } }))
        .status,
    ).toBe(400);
  });
});

function tcpCollector() {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => received.push(d.toString()));
    s.on('close', () => sockets.delete(s));
  });
  return {
    received,
    listen: (port = 0) =>
      new Promise<number>((r) => server.listen(port, '127.0.0.1', () => r((server.address() as net.AddressInfo).port))),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('socket audit device and fail-closed', () => {
  it('streams JSON lines over TCP to a loopback address and refuses other hosts', async () => {
    const e = await dev();
    const col = tcpCollector();
    const port = await col.listen();
    expect(
      (
        await call(e, 'PUT', 'sys/audit/socket', {
          body: { type: 'socket', options: { address: `127.0.0.1:${port}` } },
        })
      ).status,
    ).toBe(204);
    await call(e, 'PUT', 'secret/data/s', { body: { data: { v: 'over-the-socket' } } });
    await new Promise((r) => setTimeout(r, 50));
    const text = col.received.join('');
    const got = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(got.some((x) => x.type === 'response' && x.request.path === 'secret/data/s')).toBe(true);
    expect(text).not.toContain('over-the-socket');
    const far = await call(e, 'PUT', 'sys/audit/far', {
      body: { type: 'socket', options: { address: '10.1.2.3:9090' } },
    });
    expect(far.status).toBe(400);
    expect(far.body.errors[0]).toMatch(/loopback/);
    await col.close();
  });

  it('fails a request closed when no enabled device can record it; one working device is enough', async () => {
    const e = await dev();
    const col = tcpCollector();
    const port = await col.listen();
    await call(e, 'PUT', 'sys/audit/socket', {
      body: { type: 'socket', options: { address: `127.0.0.1:${port}`, write_timeout: '1s' } },
    });
    await col.close();
    const w = await call(e, 'PUT', 'secret/data/blocked', { body: { data: { v: 'never-stored' } } });
    expect(w.status).toBe(500);
    expect(w.body.errors[0]).toMatch(/audit/);
    expect(JSON.stringify(w.body)).not.toContain('never-stored');
    // Everything is refused, even reads and turning the device off, as in Vault.
    expect((await call(e, 'GET', 'sys/audit')).status).toBe(500);
    expect((await call(e, 'DELETE', 'sys/audit/socket')).status).toBe(500);
    // The collector comes back on the same port: the device reconnects and requests flow again.
    const back = tcpCollector();
    await back.listen(port);
    expect((await call(e, 'GET', 'secret/data/blocked')).status).toBe(404); // the refused write never happened
    const file = path.join(tmp(), 'ok.log');
    expect(
      (await call(e, 'PUT', 'sys/audit/file', { body: { type: 'file', options: { file_path: file } } })).status,
    ).toBe(204);
    await back.close();
    // With the socket down again, the file device alone is enough.
    expect((await call(e, 'PUT', 'secret/data/ok', { body: { data: { v: 'stored' } } })).status).toBe(200);
    expect(fs.readFileSync(file, 'utf8')).toContain('secret/data/ok');
    expect((await call(e, 'DELETE', 'sys/audit/socket')).status).toBe(204);
  });
});

describe('audit devices and lab step resets', () => {
  it('a restored snapshot brings back the device table it had, and closes devices enabled since', async () => {
    const e = await dev();
    const before = await e.snapshot();
    const file = path.join(tmp(), 'reset.log');
    await call(e, 'PUT', 'sys/audit/file', { body: { type: 'file', options: { file_path: file } } });
    await call(e, 'GET', 'sys/mounts');
    const n = lines(file).length;
    expect(n).toBeGreaterThan(0);
    await e.restore(before);
    expect((await call(e, 'GET', 'sys/audit')).body.data).toEqual({});
    await call(e, 'GET', 'sys/mounts');
    expect(lines(file).length).toBe(n);
  });
});

describe('audit devices across a restart', () => {
  it('keeps devices and salts: the same value hashes the same after unseal', async () => {
    const dir = tmp();
    const file = path.join(tmp(), 'persist.log');
    let e = await startEngine({ storage: { kind: 'file', path: dir } });
    const init = (await call(e, 'PUT', 'sys/init', { token: null, body: { secret_shares: 1, secret_threshold: 1 } }))
      .body;
    await call(e, 'PUT', 'sys/unseal', { token: null, body: { key: init.keys[0] } });
    const root = init.root_token;
    await call(e, 'PUT', 'sys/audit/file', { token: root, body: { type: 'file', options: { file_path: file } } });
    const before = (await call(e, 'PUT', 'sys/audit-hash/file', { token: root, body: { input: 'stable' } })).body.data
      .hash;
    await e.stop();
    e = await startEngine({ storage: { kind: 'file', path: dir } });
    engines.push(e);
    const sealedLines = lines(file).length;
    await call(e, 'GET', 'sys/seal-status', { token: null });
    expect(lines(file).length).toBe(sealedLines);
    await call(e, 'PUT', 'sys/unseal', { token: null, body: { key: init.keys[0] } });
    expect(
      (await call(e, 'PUT', 'sys/audit-hash/file', { token: root, body: { input: 'stable' } })).body.data.hash,
    ).toBe(before);
    await call(e, 'GET', 'sys/mounts', { token: root });
    expect(lines(file).length).toBeGreaterThan(sealedLines);
  });
});

describe('vault audit CLI', () => {
  it('enables, lists and disables a file device the way the real CLI prints it', async () => {
    const e = await dev();
    const file = path.join(tmp(), 'cli.log');
    const env = { VAULT_ADDR: e.url, VAULT_TOKEN: 'root', HOME: tmp() };
    const none = await vault(['audit', 'list'], env);
    expect(none.stdout).toBe('No audit devices are enabled.\n');
    expect(none.code).toBe(2);
    const en = await vault(['audit', 'enable', 'file', `file_path=${file}`], env);
    expect(en.stdout).toBe('Success! Enabled the file audit device at: file/\n');
    expect(en.code).toBe(0);
    const en2 = await vault(
      ['audit', 'enable', '-path=second', '-description=backup log', 'file', `file_path=${file}.2`, 'log_raw=false'],
      env,
    );
    expect(en2.stdout).toBe('Success! Enabled the file audit device at: second/\n');
    const ls = await vault(['audit', 'list'], env);
    expect(ls.stdout).toBe(
      'Path       Type    Description\n----       ----    -----------\nfile/      file    n/a\nsecond/    file    backup log\n',
    );
    const detailed = await vault(['audit', 'list', '-detailed'], env);
    expect(detailed.stdout).toContain(`map[file_path:${file}]`);
    const dup = await vault(['audit', 'enable', 'file', `file_path=${file}`], env);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('Error enabling audit device');
    expect(dup.stderr).toContain('path already in use');
    const dis = await vault(['audit', 'disable', 'second'], env);
    expect(dis.stdout).toBe('Success! Disabled audit device (if it was enabled) at: second/\n');
    const json = await vault(['audit', 'list', '-format=json'], env);
    expect(Object.keys(JSON.parse(json.stdout))).toEqual(['file/']);
    expect(fs.readFileSync(file, 'utf8')).toContain('"path":"sys/audit/second"');
  });
});
