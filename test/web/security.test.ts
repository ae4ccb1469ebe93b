/**
 * `vault-lab web` over real HTTP and WebSocket: a shell behind a WebSocket is code execution
 * for whoever reaches it, so every door is tried from outside the process.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileLabs, login, startWeb, type WebProcess } from './support.js';

let w: WebProcess;
let cookie: string;

beforeAll(async () => {
  w = await startWeb(hostileLabs());
  cookie = await login(w);
}, 60_000);
afterAll(async () => {
  await w?.stop();
});

function get(
  p: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: w.port, path: p, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket handshake by hand: the status line, and the socket when it was accepted. */
function upgrade(
  p: string,
  headers: Record<string, string>,
): Promise<{ status: number; socket: net.Socket; rest: Buffer; acceptOk: boolean }> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const s = net.connect(w.port, '127.0.0.1', () => {
      const lines = [
        `GET ${p} HTTP/1.1`,
        `Host: 127.0.0.1:${w.port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        '',
        '',
      ];
      s.write(lines.join('\r\n'));
    });
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      s.off('data', onData);
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(buf.toString('latin1'))?.[1] ?? 0);
      // RFC 6455 §4.2.2: the key with the protocol's GUID, SHA-1, base64.
      const want = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      const acceptOk = buf
        .subarray(0, end + 2)
        .toString('latin1')
        .includes(`Sec-WebSocket-Accept: ${want}\r\n`);
      resolve({ status, socket: s, rest: buf.subarray(end + 4), acceptOk });
    };
    s.on('data', onData);
    s.on('error', reject);
  });
}

describe('vault-lab web: who may connect', () => {
  it('prints the link with a 256-bit token in the fragment on a line of its own', () => {
    expect(w.stdout()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/m);
    expect(Buffer.from(w.token, 'base64url').length).toBe(32);
  });

  it('answers 403 without the session cookie, and with a forged one', async () => {
    for (const p of ['/api/course', '/api/lab', '/app.js', '/app.css']) {
      expect((await get(p)).status, p).toBe(403);
      expect((await get(p, { Cookie: 'vault_lab_session=forged' })).status, p).toBe(403);
    }
    const ok = await get('/api/course', { Cookie: cookie });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).labs[0].id).toBe('policies-and-tokens');
  });

  it('refuses a wrong token and a token posted from another origin', async () => {
    const post = (origin: string, token: string) =>
      fetch(`${w.origin}/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin },
        body: JSON.stringify({ token }),
      });
    expect((await post(w.origin, 'not-the-token')).status).toBe(403);
    const r = await post('http://evil.example', w.token);
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
  });

  it('the session cookie is HttpOnly and SameSite=Strict', async () => {
    const r = await fetch(`${w.origin}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: w.origin },
      body: JSON.stringify({ token: w.token }),
    });
    const c = r.headers.get('set-cookie') ?? '';
    expect(c).toMatch(/HttpOnly/);
    expect(c).toMatch(/SameSite=Strict/);
    expect(c).not.toContain(w.token);
  });

  it('answers 403 to a DNS-rebinding Host, even with the cookie', async () => {
    for (const host of [
      `evil.example:${w.port}`,
      `127.0.0.1.nip.io:${w.port}`,
      '127.0.0.1',
      `localhost:${w.port + 1}`,
    ]) {
      expect((await get('/api/course', { Host: host, Cookie: cookie })).status, host).toBe(403);
      expect((await get('/', { Host: host })).status, host).toBe(403);
    }
    expect((await get('/api/course', { Host: `localhost:${w.port}`, Cookie: cookie })).status).toBe(200);
  });

  it('sends a strict Content-Security-Policy: scripts and connections from itself only', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    // The page itself has no inline script and loads nothing from elsewhere.
    expect(r.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(r.body).not.toMatch(/https?:\/\//);
  });

  it('refuses the WebSocket upgrade without the cookie, from another Origin, and with no Origin', async () => {
    for (const [name, headers] of [
      ['no cookie', { Origin: w.origin }],
      ['wrong origin', { Origin: 'http://evil.example', Cookie: cookie }],
      ['no origin', { Cookie: cookie }],
    ] as const) {
      const r = await upgrade('/ws/term', headers);
      expect(r.status, name).toBe(403);
      r.socket.destroy();
    }
    const ok = await upgrade('/ws/state', { Origin: w.origin, Cookie: cookie });
    expect(ok.status).toBe(101);
    expect(ok.acceptOk).toBe(true);
    ok.socket.destroy();
  });

  it('closes a WebSocket whose frame is over the size cap, from the header alone (1009)', async () => {
    const r = await upgrade('/ws/state', { Origin: w.origin, Cookie: cookie });
    expect(r.status).toBe(101);
    const closed = new Promise<Buffer>((resolve) => {
      let buf = r.rest;
      r.socket.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
      });
      r.socket.on('close', () => resolve(buf));
    });
    // A masked text frame announcing 10 MB; only the header and 4 bytes are sent.
    const head = Buffer.alloc(14);
    head[0] = 0x81;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(10n * 1024n * 1024n, 2);
    r.socket.write(Buffer.concat([head, Buffer.from('abcd')]));
    const got = await closed;
    // Find the close frame (opcode 8) among what the server sent, and its code.
    let at = 0;
    let code = 0;
    while (at + 2 <= got.length) {
      const op = got[at] & 0x0f;
      let len = got[at + 1] & 0x7f;
      let h = 2;
      if (len === 126) {
        len = got.readUInt16BE(at + 2);
        h = 4;
      } else if (len === 127) {
        len = Number(got.readBigUInt64BE(at + 2));
        h = 10;
      }
      if (op === 8) code = got.readUInt16BE(at + h);
      at += h + len;
    }
    expect(code).toBe(1009);
  });

  it("renders a lab's <script>, onerror= and javascript: links inert", async () => {
    const post = (p: string, body: unknown) =>
      fetch(`${w.origin}${p}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: w.origin, Cookie: cookie },
        body: JSON.stringify(body),
      });
    expect((await post('/api/lab/start', { id: 'policies-and-tokens' })).status).toBe(200);
    const lab = (await (await fetch(`${w.origin}/api/lab`, { headers: { Cookie: cookie } })).json()).lab;
    const html: string = lab.steps[0].html;
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect((await post('/api/lab/leave', {})).status).toBe(200);
  });

  it('keeps the token out of the progress file and the server output after the link', async () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const f = path.join(d, e.name);
        if (e.isDirectory()) walk(f);
        else files.push(f);
      }
    };
    walk(w.dir);
    for (const f of files) expect(fs.readFileSync(f, 'latin1').includes(w.token), f).toBe(false);
    expect(w.stdout().split(w.token).length - 1).toBe(1);
  });
});
