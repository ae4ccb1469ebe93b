/**
 * Node's HTTP parser (llhttp) rejects methods it does not know, and Vault clients (curl -X LIST,
 * node-vault, our CLI) send `LIST`; HashiCorp's Go client lists with `GET ?list=true` instead.
 * Public API only, and no cost to connections that never send `LIST`:
 *
 * - Every connection starts on node:http's native path (node parses straight from the socket in
 *   C++). Reading every connection in JS instead (a `data` listener in front of node's parser)
 *   measured 24 µs of server CPU per KV read against 12 for bare node:http (0.53×; 1.05× native).
 * - When node's parser rejects a request that starts with `LIST ` (its documented `clientError`,
 *   with `rawPacket` and `bytesParsed`), that connection moves, from that request on, to a fresh
 *   node:http parser reading a `Duplex` (`server.emit('connection', duplex)`, node's documented
 *   way to serve any stream). Node's listeners that fed the rejected parser are removed and the
 *   socket is read in JS from then on; the rejected bytes are fed first, after responses to
 *   requests pipelined before the `LIST` have been written.
 * - In front of that parser, `ListMethodRewriter` tracks request framing (request line, headers,
 *   Content-Length or chunked body) and rewrites a request line's `LIST ` to `LINK ` in place:
 *   same length, a method node accepts. Body bytes are never touched; a method split across
 *   reads (`L` | `IST`) is rewritten byte by byte.
 *
 * A real `LINK` must not list. The rewriter remembers, for each request that reaches node as
 * `LINK`, whether it was `LIST` on the wire; the request listener asks (`beforeRequest`) in the
 * order node parses them, and a real `LINK` stays `LINK` (405, as Vault answers a method it does
 * not serve). Any other method node does not know gets node's own 400, written as node writes it.
 */
import http from 'node:http';
import type net from 'node:net';
import { Duplex } from 'node:stream';

type State = 'start' | 'method' | 'headers' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers';

const CR = 13,
  LF = 10,
  SP = 32,
  N = 0x4e,
  K = 0x4b,
  L = 0x4c;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** The headers that frame a body; header names are case-insensitive, no space before the colon. */
const BODY_HEADER = /\n(content-length|transfer-encoding):[ \t]*([^\r\n]*)/gi;

export class ListMethodRewriter {
  private state: State = 'start';
  /** The current request's method as it came off the wire, while it may still be `LIST ` or `LINK `. */
  private method = '';
  /** Header text carried over when the header block spans reads. */
  private head = '';
  /** A chunk-size or trailer line carried over when it spans reads. */
  private line = '';
  private remaining = 0;
  /** For each request that reaches node as `LINK`, in order: was it `LIST` on the wire? */
  private readonly wasList: boolean[] = [];

  /** Rewrites `LIST ` at the start of each request in `buf`, in place, before node's parser sees it. */
  push(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case 'start': {
          // Stray CRLFs between requests are skipped by the parser too.
          const c = buf[i];
          if (c === CR || c === LF) {
            i++;
            continue;
          }
          if (c === L) {
            this.state = 'method';
            this.method = '';
          } else this.state = 'headers';
          continue;
        }
        case 'method': {
          // Byte by byte: an earlier read may already be in the parser, so decide as each byte comes.
          const c = buf[i];
          const seen = this.method + String.fromCharCode(c);
          this.method = seen;
          let done = false;
          switch (seen.length) {
            case 1:
              break; // `L`
            case 2:
              done = seen !== 'LI';
              break;
            case 3:
              if (seen === 'LIS')
                buf[i] = N; // `LIS…` is no method node knows: it may become `LINK`
              else done = seen !== 'LIN';
              break;
            case 4:
              // After `LIS` became `LIN`, anything but `T` must not complete a `LINK`.
              if (seen === 'LIST') buf[i] = K;
              else if (seen.startsWith('LIS') && c === K) buf[i] = 0x58; // `LISK` → `LINX`: still rejected
              done = seen !== 'LIST' && seen !== 'LINK';
              break;
            default:
              if (c === SP) this.wasList.push(seen === 'LIST ');
              done = true;
          }
          i++;
          if (done) {
            this.state = 'headers';
            this.head = seen;
          }
          continue;
        }
        case 'headers': {
          let end: number;
          let text: string;
          if (this.head === '') {
            end = buf.indexOf(HEAD_END, i);
            if (end === -1) {
              this.head = buf.toString('latin1', i);
              return;
            }
            text = buf.toString('latin1', i, end + 2);
            end += 4;
          } else {
            // The header block spans reads: search the carried text and this chunk together.
            const carried = this.head.length;
            this.head += buf.toString('latin1', i);
            const at = this.head.indexOf('\r\n\r\n', Math.max(0, carried - 3));
            if (at === -1) return;
            text = this.head.slice(0, at + 2);
            end = i + at + 4 - carried;
          }
          this.head = '';
          i = end;
          this.frame(text);
          continue;
        }
        case 'body':
        case 'chunk-data': {
          const n = Math.min(this.remaining, buf.length - i);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            if (this.state === 'body') this.state = 'start';
            else {
              this.state = 'chunk-crlf';
              this.remaining = 2;
            }
          }
          continue;
        }
        case 'chunk-crlf': {
          const n = Math.min(this.remaining, buf.length - i);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'chunk-size';
          continue;
        }
        case 'chunk-size':
        case 'trailers': {
          const nl = buf.indexOf(LF, i);
          if (nl === -1) {
            this.line += buf.toString('latin1', i);
            return;
          }
          const line = (this.line + buf.toString('latin1', i, nl)).replace(/\r$/, '');
          this.line = '';
          i = nl + 1;
          if (this.state === 'trailers') {
            if (line === '') this.state = 'start';
            continue;
          }
          const size = parseInt(line.split(';')[0].trim(), 16);
          if (!Number.isFinite(size)) {
            this.state = 'start';
            continue;
          } // the parser will reject it
          if (size === 0) this.state = 'trailers';
          else {
            this.remaining = size;
            this.state = 'chunk-data';
          }
          continue;
        }
      }
    }
  }

  /** Called once for each request node parsed as `LINK`: true if it was a `LIST` on the wire. */
  takeWasList(): boolean {
    return this.wasList.shift() ?? false;
  }

  /** Reads the framing headers of a complete header block and picks the state after it. */
  private frame(text: string) {
    let length = 0,
      chunked = false;
    BODY_HEADER.lastIndex = 0;
    for (let m = BODY_HEADER.exec(text); m; m = BODY_HEADER.exec(text)) {
      if (m[1].toLowerCase() === 'content-length') length = parseInt(m[2], 10) || 0;
      else if (/chunked/i.test(m[2])) chunked = true;
    }
    if (chunked) this.state = 'chunk-size';
    else if (length > 0) {
      this.state = 'body';
      this.remaining = length;
    } else this.state = 'start';
  }
}

/** The connection a moved socket is served on: reads come through the rewriter, writes go to the socket. */
class ListConnection extends Duplex {
  constructor(readonly socket: net.Socket) {
    super({ allowHalfOpen: true }); // node:http ends its side itself, as on a socket
    socket.on('close', () => this.destroy());
    socket.on('error', (e) => this.destroy(e));
  }
  get remoteAddress() {
    return this.socket.remoteAddress;
  }
  get remotePort() {
    return this.socket.remotePort;
  }
  get localAddress() {
    return this.socket.localAddress;
  }
  get localPort() {
    return this.socket.localPort;
  }
  override _read() {
    this.socket.resume();
  }
  override _write(chunk: Buffer, encoding: BufferEncoding, cb: (e?: Error | null) => void) {
    this.socket.write(chunk, encoding, cb);
  }
  /** A corked response's parts leave in one write, as they would from node:http on the socket. */
  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, cb: (e?: Error | null) => void) {
    this.socket.cork();
    const lastIndex = chunks.length - 1;
    chunks.forEach(({ chunk, encoding }, i) => this.socket.write(chunk, encoding, i === lastIndex ? cb : undefined));
    this.socket.uncork();
  }
  override _final(cb: (e?: Error | null) => void) {
    this.socket.end();
    cb();
  }
  override _destroy(e: Error | null, cb: (e?: Error | null) => void) {
    this.socket.destroy(e ?? undefined);
    cb(e);
  }
}

/** Per moved connection (keyed by its `ListConnection`): the rewriter, which knows which `LINK`s were `LIST`s. */
const rewriters = new WeakMap<object, ListMethodRewriter>();
/** Per connection: the response to its latest request, to know when earlier responses are all written. */
const lastResponse = new WeakMap<object, http.ServerResponse>();
/** Sockets whose first parser was left behind; its later complaints are not the client's. */
const moved = new WeakSet<object>();

/**
 * Returns the connection handler for `server` that lets `LIST` through (each socket goes to
 * node:http as is), and installs the `clientError` listener that moves a connection when node
 * rejects a `LIST`. Also answers `Expect` values other than `100-continue` as node does (417),
 * after taking that request's place in the `LINK` queue.
 */
export function acceptListMethod(server: http.Server): (socket: net.Socket) => void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number }, socket) => {
    if (moved.has(socket)) return;
    const head =
      err.code === 'HPE_INVALID_METHOD' && !(socket instanceof ListConnection)
        ? rejectedList(err.rawPacket, err.bytesParsed)
        : null;
    if (!head || socket.destroyed) clientErrorAsNode(err, socket);
    else moveToRewriter(server, socket as net.Socket, head);
  });
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    beforeRequest(req, res);
    res.writeHead(417);
    res.end();
  });
  return (socket) => {
    server.emit('connection', socket);
  };
}

/** First thing in the request listener: notes the response; a `LIST` that node parsed as `LINK` gets its name back. */
export function beforeRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
  lastResponse.set(req.socket, res);
  if (req.method !== 'LINK') return;
  if (rewriters.get(req.socket)?.takeWasList()) req.method = 'LIST';
}

/**
 * The rejected `LIST` request's bytes from its first byte on, or null if the rejected request
 * was not a `LIST`. llhttp stops at the first byte no method continues with, the `S` two bytes
 * in; when the method was split across reads, the `L` or `LI` the parser took from an earlier
 * read is put back. A request line still shorter than `LIST ` is completed by the rewriter.
 */
export function rejectedList(raw: Buffer | undefined, at: number | undefined): Buffer | null {
  if (!raw || typeof at !== 'number' || at < 0 || at >= raw.length || raw[at] !== 0x53 /* S */) return null;
  const head =
    at >= 2 ? Buffer.from(raw.subarray(at - 2)) : Buffer.concat([Buffer.from('LI'.slice(0, 2 - at), 'latin1'), raw]);
  const n = Math.min(5, head.length);
  return head.toString('latin1', 0, n) === 'LIST '.slice(0, n) ? head : null;
}

/**
 * Serves the rest of a connection on a fresh node:http parser with the rewriter in front. The
 * socket's reads go to the rewriter from here on (adding a `data` listener is how node:http is
 * told to stop reading a socket natively); they wait until every response to an earlier request
 * on the socket is written, as those are written to the socket directly.
 */
function moveToRewriter(server: http.Server, socket: net.Socket, head: Buffer) {
  moved.add(socket);
  // Node's listeners for the rejected parser; its 'close' listener stays, to free that parser.
  for (const ev of ['data', 'end', 'drain'] as const) socket.removeAllListeners(ev);
  const conn = new ListConnection(socket);
  const rw = new ListMethodRewriter();
  rewriters.set(conn, rw);
  // Held here until the new parser starts (not by pausing the socket: node's pause listener
  // would stop the native read it is handing over).
  let held: Buffer[] | null = [head];
  let ended = false;
  const feed = (chunk: Buffer) => {
    if (held) {
      held.push(chunk);
      return;
    }
    rw.push(chunk);
    if (!conn.push(chunk)) socket.pause();
  };
  socket.on('data', feed);
  socket.on('end', () => {
    ended = true;
    if (!held) conn.push(null);
  });
  const start = () => {
    if (socket.destroyed || !held) return;
    const chunks = held;
    held = null;
    server.emit('connection', conn);
    for (const c of chunks) feed(c);
    if (ended) conn.push(null);
  };
  const last = lastResponse.get(socket);
  if (last && !last.writableFinished && !last.destroyed) last.once('close', start);
  else start();
}

/** What node:http does on a parse error when nobody listens for `clientError`. */
function clientErrorAsNode(err: NodeJS.ErrnoException, socket: Duplex) {
  // Node writes its answer unless a response on the connection has begun; ours are written whole.
  const last = lastResponse.get(socket);
  if (socket.writable && (!last || last.writableFinished || !last.headersSent)) {
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
          ? 413
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? 408
            : 400;
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy(err);
}
