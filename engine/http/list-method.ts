/**
 * Node's HTTP parser rejects unknown methods, and Vault clients (node-vault, curl -X LIST)
 * send `LIST`. This shim sits between the TCP socket and node:http: it tracks request
 * framing (start line, headers, Content-Length or chunked body) and rewrites a request
 * line `LIST ` to `LINK ` (same length, a method Node accepts), which the adapter maps
 * back to a list operation. Body bytes are never touched.
 */
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
