/**
 * Node's HTTP parser (llhttp) rejects methods it does not know, and Vault clients (curl -X LIST,
 * node-vault, our CLI) send `LIST`; HashiCorp's Go client lists with `GET ?list=true` instead.
 *
 * Public API only: after node:http has set up a connection, a `data` listener is put in front of
 * its own (`socket.prependListener`). Adding a `data` listener is node's documented-by-tests way
 * to read a connection node:http already parses (node then reads it in JS rather than natively in
 * C++), and the listener sees each chunk before node's parser does. It tracks request framing
 * (request line, headers, Content-Length or chunked body) and rewrites a request line's `LIST `
 * to `LINK ` in place: same length, a method node accepts. Body bytes are never touched, nothing
 * is copied or held back, and a method split across reads (`L` | `IST`) is rewritten byte by byte.
 *
 * A real `LINK` must not list. The rewriter remembers, for every request that reaches node as
 * `LINK`, whether it was a `LIST` on the wire; the request listener asks (`restoreListMethod`) in
 * the order node parses them, and a real `LINK` stays `LINK` (405, as Vault answers a method it
 * does not serve). Any other method node does not know gets node's own 400.
 */
import type http from 'node:http';
import type net from 'node:net';

type State = 'start' | 'method' | 'headers' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers';

const CR = 13, LF = 10, SP = 32, N = 0x4e, K = 0x4b, L = 0x4c;
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
          if (c === CR || c === LF) { i++; continue; }
          if (c === L) { this.state = 'method'; this.method = ''; } else this.state = 'headers';
          continue;
        }
        case 'method': {
          // Byte by byte: an earlier read may already be in the parser, so decide as each byte comes.
          const c = buf[i];
          const seen = this.method + String.fromCharCode(c);
          this.method = seen;
          let done = false;
          switch (seen.length) {
            case 1: break; // `L`
            case 2: done = seen !== 'LI'; break;
            case 3:
              if (seen === 'LIS') buf[i] = N; // `LIS…` is no method node knows: it may become `LINK`
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
          if (done) { this.state = 'headers'; this.head = seen; }
          continue;
        }
        case 'headers': {
          let end: number;
          let text: string;
          if (this.head === '') {
            end = buf.indexOf(HEAD_END, i);
            if (end === -1) { this.head = buf.toString('latin1', i); return; }
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
        case 'body': case 'chunk-data': {
          const n = Math.min(this.remaining, buf.length - i);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            if (this.state === 'body') this.state = 'start';
            else { this.state = 'chunk-crlf'; this.remaining = 2; }
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
        case 'chunk-size': case 'trailers': {
          const nl = buf.indexOf(LF, i);
          if (nl === -1) { this.line += buf.toString('latin1', i); return; }
          const line = (this.line + buf.toString('latin1', i, nl)).replace(/\r$/, '');
          this.line = '';
          i = nl + 1;
          if (this.state === 'trailers') { if (line === '') this.state = 'start'; continue; }
          const size = parseInt(line.split(';')[0].trim(), 16);
          if (!Number.isFinite(size)) { this.state = 'start'; continue; } // the parser will reject it
          if (size === 0) this.state = 'trailers';
          else { this.remaining = size; this.state = 'chunk-data'; }
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
    let length = 0, chunked = false;
    BODY_HEADER.lastIndex = 0;
    for (let m = BODY_HEADER.exec(text); m; m = BODY_HEADER.exec(text)) {
      if (m[1].toLowerCase() === 'content-length') length = parseInt(m[2], 10) || 0;
      else if (/chunked/i.test(m[2])) chunked = true;
    }
    if (chunked) this.state = 'chunk-size';
    else if (length > 0) { this.state = 'body'; this.remaining = length; } else this.state = 'start';
  }
}

const rewriters = new WeakMap<net.Socket, ListMethodRewriter>();

/**
 * Returns the connection handler for `server` that lets `LIST` through: it hands each socket to
 * node:http, then puts the rewriter in front of node's parser. Also answers `Expect` values other
 * than `100-continue` as node does (417), after taking that request's place in the `LINK` queue.
 */
export function acceptListMethod(server: http.Server): (socket: net.Socket) => void {
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    restoreListMethod(req);
    res.writeHead(417);
    res.end();
  });
  return (socket) => {
    server.emit('connection', socket);
    const rw = new ListMethodRewriter();
    rewriters.set(socket, rw);
    socket.prependListener('data', (chunk: Buffer) => rw.push(chunk));
  };
}

/** First thing in the request listener: a `LIST` that node parsed as `LINK` gets its name back. */
export function restoreListMethod(req: http.IncomingMessage): void {
  if (req.method !== 'LINK') return;
  if (rewriters.get(req.socket as net.Socket)?.takeWasList()) req.method = 'LIST';
}
