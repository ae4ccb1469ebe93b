/**
 * The syslog audit device, against a real Unix datagram socket (the lab's syslog provider):
 * enable, list and disable over HTTP and through our `vault` CLI as a process; each entry
 * arrives as one `<PRI>Mmm dd hh:mm:ss TAG[PID]: JSON` message with secrets HMAC'd; Vault's
 * refusals for an unknown facility and for no daemon; fail-closed when the daemon goes away;
 * and `vault-lab server` honouring VAULT_LAB_SYSLOG_SOCKET from its environment.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { type SyslogSystem, startSyslog } from '../../labs/providers/syslog/index.js';
import { devEngine, http, nodeVault, VAULT_LAB_JS, vault } from '../support/engine.js';
import { ONE_STEP, session } from '../labs/helpers.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function receiver(): Promise<SyslogSystem> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-syslog-'));
  const r = await startSyslog({ workspace, progress: () => undefined, env: process.env });
  cleanup.push(() => fs.rmSync(workspace, { recursive: true, force: true }));
  cleanup.push(() => r.stop());
  return r;
}

async function engineFor(socket: string | undefined): Promise<Engine> {
  const e = await devEngine({ syslog: { env: { VAULT_LAB_SYSLOG_SOCKET: socket }, systemPaths: [] } });
  cleanup.push(() => e.stop());
  return e;
}

const MESSAGE = /^<(\d+)>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) ([^[\s]+)\[(\d+)\]: (.*)$/;

/** The received messages, parsed; waits until `until` holds (datagrams arrive asynchronously). */
async function received(r: SyslogSystem, until: (m: Parsed[]) => boolean = () => true): Promise<Parsed[]> {
  const t0 = Date.now();
  for (;;) {
    const text = fs.existsSync(r.logFile) ? fs.readFileSync(r.logFile, 'utf8') : '';
    const msgs = text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const m = MESSAGE.exec(line);
        if (!m) throw new Error(`not a syslog message: ${line.slice(0, 200)}`);
        return { pri: Number(m[1]), time: m[2], tag: m[3], pid: Number(m[4]), entry: JSON.parse(m[5]), line };
      });
    if (until(msgs) || Date.now() - t0 > 5000) return msgs;
    await new Promise((res) => setTimeout(res, 25));
  }
}
interface Parsed {
  pri: number;
  time: string;
  tag: string;
  pid: number;
  entry: any;
  line: string;
}
const readOf = (p: string) => (m: Parsed[]) =>
  m.some((x) => x.entry.type === 'response' && x.entry.request.path === p && x.entry.request.operation === 'read');

describe('syslog audit device over HTTP', () => {
  it('is enabled with facility and tag, listed, sends each entry as one message, and is disabled', async () => {
    const r = await receiver();
    const e = await engineFor(r.socket);
    const enabled = await http(e, 'PUT', 'sys/audit/syslog', {
      body: { type: 'syslog', description: 'to the daemon', options: { tag: 'vault', facility: 'AUTH' } },
    });
    expect(enabled.status).toBe(204);
    const client = nodeVault(e);
    const list = await client.read('sys/audit');
    expect(list.data['syslog/']).toMatchObject({
      type: 'syslog',
      description: 'to the daemon',
      options: { tag: 'vault', facility: 'AUTH' },
      path: 'syslog/',
    });
    await client.write('secret/data/payroll', { data: { api_key: 'PAYROLL-7f3a9c' } });
    await client.read('secret/data/payroll');
    const msgs = await received(r, readOf('secret/data/payroll'));
    const read = msgs.find(
      (m) =>
        m.entry.type === 'response' &&
        m.entry.request.path === 'secret/data/payroll' &&
        m.entry.request.operation === 'read',
    );
    expect(read).toBeDefined();
    // AUTH (4) * 8 + info (6); go-syslog's local form: the tag and our PID, no hostname.
    expect(read!.pri).toBe(38);
    expect(read!.tag).toBe('vault');
    expect(read!.pid).toBe(process.pid);
    const now = new Date();
    const month = now.toLocaleString('en-US', { month: 'short' });
    expect(read!.time.startsWith(month)).toBe(true);
    // Secrets are HMAC'd under this device's salt, as the file device writes them.
    expect(fs.readFileSync(r.logFile, 'utf8')).not.toContain('PAYROLL-7f3a9c');
    const hash = (await client.write('sys/audit-hash/syslog', { input: 'PAYROLL-7f3a9c' })).data.hash;
    expect(read!.entry.response.data.data.api_key).toBe(hash);
    expect(read!.entry.auth.client_token).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    // Request and response entries both arrive, one message each.
    expect(msgs.filter((m) => m.entry.request.path === 'secret/data/payroll').map((m) => m.entry.type)).toEqual([
      'request',
      'response',
      'request',
      'response',
    ]);

    expect((await http(e, 'DELETE', 'sys/audit/syslog')).status).toBe(204);
    expect((await client.read('sys/audit')).data['syslog/']).toBeUndefined();
    const before = fs.readFileSync(r.logFile, 'utf8');
    await client.read('secret/data/payroll');
    await new Promise((res) => setTimeout(res, 200));
    expect(fs.readFileSync(r.logFile, 'utf8')).toBe(before);
  });

  it('takes another facility, tag and the common options (prefix, hmac_accessor)', async () => {
    const r = await receiver();
    const e = await engineFor(r.socket);
    const body = {
      type: 'syslog',
      options: { facility: 'local3', tag: 'payroll-vault', prefix: 'AUDIT:', hmac_accessor: 'false' },
    };
    expect((await http(e, 'PUT', 'sys/audit/second', { body })).status).toBe(204);
    const token = (await http(e, 'POST', 'auth/token/create', { body: { policies: ['default'] } })).body.auth;
    await http(e, 'GET', 'auth/token/lookup-self', { token: token.client_token });
    const text = await (async () => {
      const t0 = Date.now();
      for (;;) {
        const t = fs.existsSync(r.logFile) ? fs.readFileSync(r.logFile, 'utf8') : '';
        if (t.includes('auth/token/lookup-self') || Date.now() - t0 > 5000) return t;
        await new Promise((res) => setTimeout(res, 25));
      }
    })();
    const line = text.split('\n').find((l) => l.includes('"path":"auth/token/lookup-self"'))!;
    // LOCAL3 (19) * 8 + info (6) = 158.
    expect(line).toMatch(
      new RegExp(`^<158>[A-Z][a-z]{2} [ \\d]\\d [\\d:]{8} payroll-vault\\[${process.pid}\\]: AUDIT:\\{`),
    );
    const entry = JSON.parse(line.slice(line.indexOf('AUDIT:') + 'AUDIT:'.length));
    expect(entry.auth.accessor).toBe(token.accessor);
    expect(entry.auth.client_token).toMatch(/^hmac-sha256:/);
  });

  it("refuses an unknown facility and a missing daemon with Vault's errors, and enables nothing", async () => {
    const r = await receiver();
    const e = await engineFor(r.socket);
    const bad = await http(e, 'PUT', 'sys/audit/syslog', { body: { type: 'syslog', options: { facility: 'nope' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toBe(
      'failed to create audit device: error configuring sink node: event.NewSyslogSink: error creating syslogger: invalid syslog facility: NOPE',
    );
    const none = await engineFor(path.join(path.dirname(r.socket), 'nobody-listens.sock'));
    const refused = await http(none, 'PUT', 'sys/audit/syslog', { body: { type: 'syslog' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toBe(
      'failed to create audit device: error configuring sink node: event.NewSyslogSink: error creating syslogger: Unix syslog delivery error',
    );
    const unset = await engineFor(undefined);
    expect((await http(unset, 'PUT', 'sys/audit/syslog', { body: { type: 'syslog' } })).status).toBe(400);
    for (const x of [e, none, unset]) expect((await http(x, 'GET', 'sys/audit')).body.data).toEqual({});
  });

  it('fails requests closed when the daemon goes away and it is the only device; not with a file device too', async () => {
    const r = await receiver();
    const e = await engineFor(r.socket);
    expect((await http(e, 'PUT', 'sys/audit/syslog', { body: { type: 'syslog' } })).status).toBe(204);
    expect((await http(e, 'GET', 'sys/mounts')).status).toBe(200);
    await r.stop();
    const failed = await http(e, 'GET', 'sys/mounts');
    expect(failed.status).toBe(500);
    expect(failed.body.errors[0]).toMatch(/audit log write failed: .*syslog\/: error writing to syslog/);

    // With a file device beside it, the same loss leaves requests working.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-syslog-file-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const r2 = await receiver();
    const e2 = await engineFor(r2.socket);
    const file = path.join(dir, 'audit.log');
    const fileBody = { type: 'file', options: { file_path: file } };
    expect((await http(e2, 'PUT', 'sys/audit/file', { body: fileBody })).status).toBe(204);
    expect((await http(e2, 'PUT', 'sys/audit/syslog', { body: { type: 'syslog' } })).status).toBe(204);
    await r2.stop();
    expect((await http(e2, 'GET', 'sys/mounts')).status).toBe(200);
    expect(fs.readFileSync(file, 'utf8')).toContain('"path":"sys/mounts"');
  });
});

describe('syslog audit device through the CLI', () => {
  it('vault audit enable syslog, list -detailed and disable', async () => {
    const r = await receiver();
    const e = await engineFor(r.socket);
    const env = { VAULT_ADDR: e.url, VAULT_TOKEN: 'root', HOME: os.tmpdir() };
    const on = await vault(['audit', 'enable', 'syslog', 'tag=vault', 'facility=AUTH'], env);
    expect(on.stderr).toBe('');
    expect(on.stdout).toBe('Success! Enabled the syslog audit device at: syslog/\n');
    const list = await vault(['audit', 'list', '-detailed'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^syslog\/\s+syslog\s+/m);
    expect(list.stdout).toContain('map[facility:AUTH tag:vault]');
    expect((await vault(['kv', 'get', 'secret/nothing-here'], env)).code).toBe(2);
    const msgs = await received(r, (m) => m.some((x) => x.entry.request?.path === 'secret/data/nothing-here'));
    expect(
      msgs.some((x) => x.pri === 38 && x.tag === 'vault' && x.entry.request.path === 'secret/data/nothing-here'),
    ).toBe(true);
    const bad = await vault(['audit', 'enable', '-path=other', 'syslog', 'facility=NOPE'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid syslog facility: NOPE');
    const off = await vault(['audit', 'disable', 'syslog'], env);
    expect(off.stdout).toBe('Success! Disabled audit device (if it was enabled) at: syslog/\n');
  });

  it('vault-lab server reads VAULT_LAB_SYSLOG_SOCKET from its environment', async () => {
    const r = await receiver();
    const port = 19900 + Math.floor(Math.random() * 90);
    const child = spawn(
      process.execPath,
      [VAULT_LAB_JS, 'server', '-dev', '-dev-root-token-id=root', `-dev-listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VAULT_LAB_SYSLOG_SOCKET: r.socket } },
    );
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.on('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const t0 = Date.now();
    while (!out.includes('Root Token: root')) {
      if (Date.now() - t0 > 15_000 || child.exitCode !== null) throw new Error(`server did not start:\n${out}`);
      await new Promise((res) => setTimeout(res, 30));
    }
    const put = await fetch(`http://127.0.0.1:${port}/v1/sys/audit/syslog`, {
      method: 'PUT',
      headers: { 'X-Vault-Token': 'root' },
      body: JSON.stringify({ type: 'syslog' }),
    });
    expect(put.status).toBe(204);
    await fetch(`http://127.0.0.1:${port}/v1/sys/mounts`, { headers: { 'X-Vault-Token': 'root' } });
    const msgs = await received(r, (m) => m.some((x) => x.entry.request?.path === 'sys/mounts'));
    const m = msgs.find((x) => x.entry.request?.path === 'sys/mounts');
    expect(m).toMatchObject({ pri: 38, tag: 'vault', pid: child.pid });
  });
});

describe('needs: [syslog] in a lab', () => {
  it("points the lab engine at the session's own receiver and removes it when the session stops", async () => {
    const s = await session(ONE_STEP('- request: { path: sys/mounts }', 'needs: [engine, syslog]'));
    cleanup.push(() => s.stop());
    const env = s.env();
    expect(env.LAB_SYSLOG_FILE).toBe(path.join(s.workspace, 'syslog.log'));
    expect(env.VAULT_LAB_SYSLOG_SOCKET).toBeUndefined();
    const on = await s.runCommand('vault audit enable syslog tag=vault facility=AUTH && vault secrets list >/dev/null');
    expect(on.output).toContain('Success! Enabled the syslog audit device at: syslog/');
    const grep = await s.runCommand('grep -c \'"path":"sys/mounts"\' "$LAB_SYSLOG_FILE"');
    expect(Number(grep.output.trim())).toBeGreaterThanOrEqual(2);
    const sock = env.LAB_SYSLOG_SOCKET;
    expect(fs.statSync(sock).isSocket()).toBe(true);
    await s.stop();
    expect(fs.existsSync(sock)).toBe(false);
  });
});
