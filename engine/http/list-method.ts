/**
 * Node's HTTP parser rejects unknown methods, and Vault clients (node-vault, curl -X LIST)
 * send `LIST`. This shim sits between the TCP socket and node:http: it tracks request
 * framing (start line, headers, Content-Length or chunked body) and rewrites a request
 * line `LIST ` to `LINK ` (same length, a method Node accepts), which the adapter maps
 * back to a list operation. Body bytes are never touched.
 */
import type http from 'node:http';
import { createRequire } from 'node:module';
import type net from 'node:net';

type State = 'start' | 'headers' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers';

export class ListMethodRewriter {
  private state: State = 'start';
  private pending = Buffer.alloc(0);
  private remaining = 0;
  private chunked = false;
  private contentLength = 0;

  /** Feeds raw bytes; returns the bytes to hand to the HTTP parser. */
  push(chunk: Buffer): Buffer {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    const out: Buffer[] = [];
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case 'start': {
          // Skip stray CRLFs between requests, then inspect the method.
          if (buf[i] === 13 || buf[i] === 10) { out.push(buf.subarray(i, i + 1)); i++; continue; }
          if (buf.length - i < 5) { this.pending = Buffer.from(buf.subarray(i)); return Buffer.concat(out); }
          if (buf.subarray(i, i + 5).toString('latin1') === 'LIST ') {
            out.push(Buffer.from('LINK '));
            i += 5;
          }
          this.state = 'headers';
          this.chunked = false;
          this.contentLength = 0;
          continue;
        }
        case 'headers': {
          const end = buf.indexOf('\r\n\r\n', i, 'latin1');
          if (end === -1) {
            // Keep the tail in case the terminator straddles chunks; pass the rest.
            const keep = Math.max(i, buf.length - 3);
            out.push(buf.subarray(i, keep));
            this.scanHeaders(buf.subarray(i, keep));
            this.pending = Buffer.from(buf.subarray(keep));
            return Buffer.concat(out);
          }
          this.scanHeaders(buf.subarray(i, end + 4));
          out.push(buf.subarray(i, end + 4));
          i = end + 4;
          if (this.chunked) this.state = 'chunk-size';
          else if (this.contentLength > 0) { this.state = 'body'; this.remaining = this.contentLength; }
          else this.state = 'start';
          continue;
        }
        case 'body': {
          const n = Math.min(this.remaining, buf.length - i);
          out.push(buf.subarray(i, i + n));
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'start';
          continue;
        }
        case 'chunk-size': case 'trailers': {
          const nl = buf.indexOf('\r\n', i, 'latin1');
          if (nl === -1) { this.pending = Buffer.from(buf.subarray(i)); return Buffer.concat(out); }
          const line = buf.subarray(i, nl).toString('latin1');
          out.push(buf.subarray(i, nl + 2));
          i = nl + 2;
          if (this.state === 'trailers') { if (line === '') this.state = 'start'; continue; }
          const size = parseInt(line.split(';')[0].trim(), 16);
          if (!Number.isFinite(size)) { this.state = 'start'; continue; } // the parser will reject it
          if (size === 0) this.state = 'trailers';
          else { this.remaining = size; this.state = 'chunk-data'; }
          continue;
        }
        case 'chunk-data': {
          const n = Math.min(this.remaining, buf.length - i);
          out.push(buf.subarray(i, i + n));
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'chunk-crlf';
          continue;
        }
        case 'chunk-crlf': {
          if (buf.length - i < 2) { this.pending = Buffer.from(buf.subarray(i)); return Buffer.concat(out); }
          out.push(buf.subarray(i, i + 2));
          i += 2;
          this.state = 'chunk-size';
          continue;
        }
      }
    }
    buf = Buffer.alloc(0);
    return Buffer.concat(out);
  }

  private headerText = '';
  private scanHeaders(part: Buffer) {
    this.headerText += part.toString('latin1');
    const done = this.headerText.includes('\r\n\r\n');
    for (const line of this.headerText.split('\r\n')) {
      const m = /^([^:]+):\s*(.*)$/.exec(line);
      if (!m) continue;
      const k = m[1].trim().toLowerCase();
      if (k === 'content-length') this.contentLength = parseInt(m[2], 10) || 0;
      if (k === 'transfer-encoding' && /chunked/i.test(m[2])) this.chunked = true;
    }
    if (done) this.headerText = '';
  }
}

/**
 * Rewrites `LIST` on a TCP socket in place, before node:http parses it. The socket itself is
 * handed to the HTTP server, so responses are written to it directly (corked, one syscall)
 * rather than through a wrapper stream; only the read side passes through the rewriter.
 */
export function interceptListMethod(socket: net.Socket): net.Socket {
  const rw = new ListMethodRewriter();
  // node:http would otherwise read the handle natively, bypassing push(); keep it in JS.
  const handle = (socket as unknown as { _handle?: { _consumed?: boolean } })._handle;
  if (handle) handle._consumed = true;
  const push = socket.push.bind(socket) as (chunk: unknown, encoding?: BufferEncoding) => boolean;
  (socket as unknown as { push: typeof push }).push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk === null || !Buffer.isBuffer(chunk)) return push(chunk, encoding);
    return push(rw.push(chunk));
  };
  return socket;
}

// ------------------------------------------------------------------ fast path with fallback
//
// Reading every connection through the rewriter costs about 25 µs of CPU per request: node:http
// can no longer parse straight from the socket's handle in C++. Most requests are not `LIST`
// (HashiCorp's Go client lists with `GET ?list=true`; curl -X LIST, node-vault and our CLI
// send `LIST`), so connections start on node's native path, and only when its parser rejects
// a request that starts with `LIST ` is that connection moved, from that request on, onto
// the rewriter. Moving it means undoing what node:http's connection listener attached (the
// same steps node takes to hand a socket to an `upgrade` listener) and attaching it afresh;
// the bytes the parser rejected are fed back first. Should node's internals ever not look as
// expected, the request gets node's own 400 — and the contract tests fail loudly.

type Listener = (...args: unknown[]) => void;
const HTTP_EVENTS = ['data', 'end', 'close', 'drain', 'error', 'timeout', 'pause', 'resume'] as const;
const attached = new WeakMap<net.Socket, Array<[string, Listener]>>();
const require = createRequire(import.meta.url);

/** Hands a fresh TCP connection to the HTTP server, remembering which listeners node:http adds. */
export function handOff(server: http.Server, socket: net.Socket) {
  const before = new Map(HTTP_EVENTS.map((ev) => [ev, new Set(socket.listeners(ev))]));
  server.emit('connection', socket);
  const added: Array<[string, Listener]> = [];
  for (const ev of HTTP_EVENTS) for (const fn of socket.listeners(ev)) if (!before.get(ev)!.has(fn)) added.push([ev, fn as Listener]);
  attached.set(socket, added);
}

/** The responses node:http writes on a parse error when nobody listens for `clientError`. */
function defaultClientError(err: NodeJS.ErrnoException, socket: net.Socket) {
  const msg = (socket as unknown as { _httpMessage?: { _headerSent?: boolean } })._httpMessage;
  if (socket.writable && (!msg || !msg._headerSent)) {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
      : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? '413 Payload Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy(err);
}

/**
 * The rejected `LIST` request's bytes from its first byte on, or null if the rejected request
 * was not a `LIST`. When the method was split across reads, the parser has already taken
 * the leading `L` or `LI` from an earlier one (both could still become `LINK`), so they are
 * put back. A request line still shorter than `LIST ` is completed by the rewriter as more arrives.
 */
export function rejectedList(raw: Buffer | undefined, at: number | undefined): Buffer | null {
  if (!raw || typeof at !== 'number' || at < 0) return null;
  let start = Math.min(at, raw.length);
  while (start > 0 && raw[start - 1] !== 10) start--;
  let head = raw.subarray(start);
  if (start === 0 && head[0] === 0x49 /* I */) head = Buffer.concat([Buffer.from('L'), head]);
  else if (start === 0 && head[0] === 0x53 /* S */) head = Buffer.concat([Buffer.from('LI'), head]);
  const n = Math.min(5, head.length);
  return n > 0 && head.toString('latin1', 0, n) === 'LIST '.slice(0, n) ? Buffer.from(head) : null;
}

/** `clientError` listener: moves a connection that sent `LIST` onto the rewriter; otherwise node's own answer. */
export function recoverListMethod(server: http.Server, err: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number }, socket: net.Socket) {
  const rest = err.code === 'HPE_INVALID_METHOD' ? rejectedList(err.rawPacket, err.bytesParsed) : null;
  const added = attached.get(socket);
  const s = socket as unknown as { parser?: { unconsume?: () => void; finish?: () => void; _consumed?: boolean } | null };
  if (!rest || !added || !s.parser || socket.destroyed) return defaultClientError(err, socket);
  let freeParser: ((p: unknown, req: unknown, socket: unknown) => void) | undefined;
  try { freeParser = (require('_http_common') as { freeParser?: typeof freeParser }).freeParser; } catch { /* not there */ }
  if (typeof freeParser !== 'function') return defaultClientError(err, socket);
  // Detach node:http from the socket as its upgrade path does.
  for (const [ev, fn] of added) socket.removeListener(ev, fn);
  const parser = s.parser;
  try { parser.finish?.(); } catch { /* the parser is in its error state */ }
  freeParser(parser, null, socket);
  for (const k of ['on', 'addListener', 'prependListener', 'setEncoding'] as const) delete (socket as unknown as Record<string, unknown>)[k];
  // From here on this connection is read through the rewriter. Held paused until responses
  // to requests pipelined before the `LIST` are written: they belong to the old listener.
  socket.pause();
  interceptListMethod(socket);
  socket.push(rest);
  const resume = () => {
    const inflight = (socket as unknown as { _httpMessage?: http.ServerResponse | null })._httpMessage;
    if (inflight && !socket.destroyed) { inflight.once('finish', resume); return; }
    handOff(server, socket);
    socket.resume();
  };
  resume();
}
