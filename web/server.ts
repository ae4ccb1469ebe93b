/**
 * `vault-lab web`: the course in a browser. A node:http server on 127.0.0.1 serving the page
 * (web/client/, bundled into dist/web/ by scripts/build.mjs), a JSON API over the same lab
 * controller the terminal UI uses, and two WebSockets: `/ws/state` pushes the lab's view on
 * every change, `/ws/term` carries the embedded shell (raw bytes both ways, xterm.js's attach
 * addon at the other end). One lab runs at a time. web/security.ts says who may connect.
 */
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { SerializeAddon } from '@xterm/addon-serialize';
import { gunzipSync } from 'node:zlib';
import type { Terminal } from '@xterm/headless';
import type { LoadedLab } from '../labs/index.js';
import type { LabController } from '../tui/controller.js';
import type { Course } from '../tui/course.js';
import { Gate, SECURITY_HEADERS } from './security.js';
import { courseView, labView } from './view.js';
import { acceptUpgrade, refuseUpgrade, type WebSocketConnection } from './ws.js';

/** The largest WebSocket message accepted (keystrokes and pastes; a resize is a few bytes). */
export const MAX_MESSAGE = 64 * 1024;
const MAX_BODY = 16 * 1024;

export interface WebOptions {
  course: Course;
  /** 0 picks a free port. */
  port: number;
  /** The page's files: index.html, boot.js, app.js, app.css. */
  assetsDir: string;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
/** Served before the session cookie exists: the page shell and the script that exchanges the token. */
const PUBLIC = new Set(['/', '/boot.js', '/boot.css']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startWebServer(opts: WebOptions): Promise<WebServer> {
  const gate = new Gate();
  const { course } = opts;
  // The page's files, read once: only these names are served.
  // app.js and app.css ship gzipped (scripts/build.mjs); sent as they are to browsers that take gzip.
  const files = new Map<string, { type: string; body: Buffer; gzip?: boolean }>();
  for (const f of fs.readdirSync(opts.assetsDir)) {
    const gzip = f.endsWith('.gz');
    const name = gzip ? f.slice(0, -3) : f;
    const type = TYPES[path.extname(name)];
    if (type)
      files.set(name === 'index.html' ? '/' : `/${name}`, {
        type,
        body: fs.readFileSync(path.join(opts.assetsDir, f)),
        gzip,
      });
  }
  if (!files.has('/')) throw new Error(`no index.html in ${opts.assetsDir} (run npm run build)`);

  let controller: LabController | undefined;
  let loaded: LoadedLab | undefined;
  const stateSockets = new Set<WebSocketConnection>();
  const termSockets = new Set<WebSocketConnection>();
  let pushTimer: NodeJS.Timeout | undefined;
  const serializers = new WeakMap<Terminal, SerializeAddon>();
  let size = { cols: 80, rows: 24 };

  const viewJson = () => JSON.stringify({ lab: controller && loaded ? labView(controller, course, loaded) : null });
  const push = () => {
    if (pushTimer) return;
    pushTimer = setTimeout(() => {
      pushTimer = undefined;
      if (!stateSockets.size) return;
      const msg = viewJson();
      for (const s of stateSockets) s.send(msg);
    }, 30);
  };

  async function startLab(id: string, resume: boolean) {
    const l = course.labs.find((x) => x.lab.id === id);
    if (!l) throw new HttpError(404, `no lab "${id}" in this course`);
    await stopLab();
    const { LabController: Controller } = await import('../tui/controller.js');
    const c = new Controller(l, {
      cols: size.cols,
      shellRows: size.rows,
      noShell: false,
      store: course.store,
      workspaceRoot: course.workspaceRoot,
      resume,
      onShellData: (d) => {
        if (controller !== c) return;
        for (const s of termSockets) s.send(d);
      },
    });
    controller = c;
    loaded = l;
    c.on('update', push);
    push();
    void c.start();
  }

  async function stopLab() {
    const c = controller;
    controller = undefined;
    loaded = undefined;
    for (const s of termSockets) s.close();
    if (c) {
      c.removeListener('update', push);
      await c.stop();
    }
    push();
  }

  function needLab(): LabController {
    if (!controller) throw new HttpError(409, 'no lab is running: start one from the course map');
    return controller;
  }

  async function labAction(action: unknown) {
    const c = needLab();
    switch (action) {
      case 'hint':
        return c.revealHint();
      case 'solution':
        return c.showSolution();
      case 'reset':
        return c.resetStep();
      case 'skip':
        return c.skipStep();
      case 'clock':
        return c.advanceClock();
      case 'restart-shell':
        return c.restartShell();
      default:
        throw new HttpError(400, `unknown action ${JSON.stringify(action)}`);
    }
  }

  async function quizAction(body: Record<string, unknown>) {
    const c = needLab();
    const op = body.op;
    if (op === 'start') return c.startQuiz();
    if (op === 'leave') return c.leaveQuiz();
    const q = c.quiz;
    if (!q) throw new HttpError(409, 'the quiz is not open');
    if (op === 'answer') {
      if (q.feedback) throw new HttpError(409, 'this question is already answered');
      if (q.typed) {
        if (typeof body.text !== 'string' || !body.text.trim()) throw new HttpError(400, 'type an answer');
        q.text = body.text.slice(0, 1000);
      } else {
        const picked = body.picked;
        if (
          !Array.isArray(picked) ||
          !picked.length ||
          !picked.every((n) => Number.isInteger(n) && n >= 0 && n < q.choices.length)
        )
          throw new HttpError(400, 'pick at least one of the choices');
        q.picked = q.kind === 'multiple' ? [...new Set(picked as number[])].sort((a, b) => a - b) : [picked[0]];
        q.cursor = q.picked[0];
      }
      await c.quizSubmit();
      return;
    }
    if (op === 'next') {
      if (!q.feedback) throw new HttpError(409, 'answer the question first');
      await c.quizSubmit();
      return;
    }
    throw new HttpError(400, `unknown quiz operation ${JSON.stringify(op)}`);
  }

  function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const type = String(req.headers['content-type'] ?? '');
      if (!type.startsWith('application/json')) return reject(new HttpError(415, 'send application/json'));
      const chunks: Buffer[] = [];
      let n = 0;
      req.on('data', (d: Buffer) => {
        n += d.length;
        if (n > MAX_BODY) {
          reject(new HttpError(413, 'request body too large'));
          req.destroy();
        } else chunks.push(d);
      });
      req.on('end', () => {
        try {
          const v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
          if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error();
          resolve(v);
        } catch {
          reject(new HttpError(400, 'the body is not a JSON object'));
        }
      });
      req.on('error', reject);
    });
  }

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, gzip = false) => {
    const headers: Record<string, string | number> = { ...SECURITY_HEADERS, 'Content-Type': type };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = Buffer.byteLength(body);
    res.writeHead(status, headers);
    res.end(body);
  };
  const sendFile = (req: IncomingMessage, res: ServerResponse, f: { type: string; body: Buffer; gzip?: boolean }) => {
    if (f.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')))
      return send(res, 200, f.type, f.body, true);
    return send(res, 200, f.type, f.gzip ? gunzipSync(f.body) : f.body);
  };
  const sendJson = (res: ServerResponse, status: number, v: unknown) =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(v));
  const fail = (res: ServerResponse, status: number, msg: string) => sendJson(res, status, { errors: [msg] });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (!gate.hostAllowed(req)) return fail(res, 403, 'this server answers only to 127.0.0.1 and localhost');
    if (req.method === 'POST') {
      if (!gate.originAllowed(req)) return fail(res, 403, 'cross-origin request refused');
      if (p === '/api/session') {
        const body = await readJson(req);
        if (!gate.tokenMatches(body.token)) return fail(res, 403, 'wrong or missing token');
        gate.setSession(res);
        return sendJson(res, 200, { ok: true });
      }
    }
    const file = req.method === 'GET' ? files.get(p) : undefined;
    if (file && PUBLIC.has(p)) return sendFile(req, res, file);
    if (!gate.hasSession(req)) return fail(res, 403, 'open the link that `vault-lab web` printed');
    if (file) return sendFile(req, res, file);
    if (req.method === 'GET' && p === '/api/course') return sendJson(res, 200, courseView(course));
    if (req.method === 'GET' && p === '/api/lab') return send(res, 200, 'application/json; charset=utf-8', viewJson());
    if (req.method === 'POST') {
      const body = await readJson(req);
      if (p === '/api/lab/start') {
        if (typeof body.id !== 'string') throw new HttpError(400, 'name the lab: {"id": "…"}');
        await startLab(body.id, body.resume === true);
        return sendJson(res, 200, { ok: true });
      }
      if (p === '/api/lab/leave') {
        await stopLab();
        return sendJson(res, 200, { ok: true });
      }
      if (p === '/api/lab/action') {
        await labAction(body.action);
        return sendJson(res, 200, { ok: true });
      }
      if (p === '/api/lab/quiz') {
        await quizAction(body);
        return sendJson(res, 200, { ok: true });
      }
    }
    return fail(res, 404, `no such page: ${req.method} ${p}`);
  }

  function attachTerminal(ws: WebSocketConnection) {
    const c = controller;
    const pty = c?.pty;
    if (!c || !pty) {
      ws.send('\r\n(no shell yet: start a lab)\r\n');
      ws.close();
      return;
    }
    // The screen so far from the headless terminal, then live output. Output that arrives
    // before the headless terminal has parsed everything is held back, so nothing shows twice.
    const held: string[] = [];
    const hold = (d: string) => {
      held.push(d);
    };
    const live = { send: hold };
    const relay = { send: (d: string) => live.send(d), close: () => ws.close() } as unknown as WebSocketConnection;
    termSockets.add(relay);
    pty.term.write('', () => {
      if (ws.closed) return;
      let ser = serializers.get(pty.term);
      if (!ser) {
        ser = new SerializeAddon();
        pty.term.loadAddon(ser as never);
        serializers.set(pty.term, ser);
      }
      ws.send('\u001bc');
      ws.send(ser.serialize({ scrollback: 500 }));
      for (const d of held) ws.send(d);
      live.send = (d) => ws.send(d);
    });
    ws.on('message', (m: string | Buffer) => {
      const data = typeof m === 'string' ? m : m.toString('utf8');
      if (controller !== c) return;
      if (c.shellEnded) {
        if (data.includes('\r')) c.restartShell();
        return;
      }
      c.input(data);
    });
    ws.on('close', () => termSockets.delete(relay));
  }

  function attachState(ws: WebSocketConnection) {
    stateSockets.add(ws);
    ws.send(viewJson());
    ws.on('message', (m: string | Buffer) => {
      // The only message in: the terminal's size, from xterm.js's fit addon.
      try {
        const v = JSON.parse(String(m));
        if (v?.type === 'resize' && Number.isInteger(v.cols) && Number.isInteger(v.rows)) {
          size = { cols: Math.max(20, Math.min(500, v.cols)), rows: Math.max(5, Math.min(200, v.rows)) };
          controller?.resize(size.cols, size.rows);
        }
      } catch {
        /* not JSON: ignored */
      }
    });
    ws.on('close', () => stateSockets.delete(ws));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return res.end();
      if (e instanceof HttpError) return fail(res, e.status, e.message);
      fail(res, 500, `internal error: ${(e as Error).message}`);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    if (!gate.hostAllowed(req) || !gate.originAllowed(req) || !gate.hasSession(req))
      return refuseUpgrade(socket, 403, 'Forbidden');
    if (p !== '/ws/state' && p !== '/ws/term') return refuseUpgrade(socket, 404, 'Not Found');
    const ws = acceptUpgrade(req, socket, head, { maxMessage: MAX_MESSAGE });
    if (!ws) return;
    (socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    if (p === '/ws/state') attachState(ws);
    else attachTerminal(ws);
  });
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  gate.port = port;
  return {
    port,
    token: gate.token,
    url: `http://127.0.0.1:${port}/#token=${gate.token}`,
    async close() {
      for (const s of [...stateSockets, ...termSockets]) s.close();
      await stopLab();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
