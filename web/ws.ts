/**
 * A small WebSocket server side (RFC 6455), enough for the page's two sockets: the handshake,
 * masked client frames (text, binary, continuation, ping, pong, close) and unmasked server
 * frames. Written here rather than taken from `ws` because it is small, the server needs
 * nothing else of a WebSocket library (no extensions, no client), and owning the frame reader
 * lets it refuse an oversized frame from its header, before a byte of the payload is buffered.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Close codes used here (RFC 6455 §7.4.1). */
export const CLOSE = { normal: 1000, protocol: 1002, tooBig: 1009 } as const;

export interface WebSocketOptions {
  /** The largest message (one frame or the sum of its fragments) accepted, in bytes. */
  maxMessage: number;
}

/**
 * One accepted connection. Events: `message` (string for text, Buffer for binary), `close`
 * (code). `send` takes a string (text frame) or a Buffer (binary frame).
 */
export class WebSocketConnection extends EventEmitter {
  private buf: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentsType = 0;
  private fragmentsSize = 0;
  closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly opts: WebSocketOptions,
  ) {
    super();
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => this.finish(1006));
    socket.on('error', () => this.finish(1006));
  }

  private finish(code: number) {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.emit('close', code);
  }

  private onData(d: Buffer) {
    if (this.closed) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      if (this.buf.length < 2) return;
      const b0 = this.buf[0];
      const b1 = this.buf[1];
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      if ((b0 & 0x70) !== 0 || (b1 & 0x80) === 0) return this.close(CLOSE.protocol, 'bad frame');
      let len = b1 & 0x7f;
      let at = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        const big = this.buf.readBigUInt64BE(2);
        len = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
        at = 10;
      }
      // Refused from the header alone: the payload is never buffered.
      const control = opcode >= 0x8;
      if ((control && len > 125) || (!control && this.fragmentsSize + len > this.opts.maxMessage))
        return this.close(CLOSE.tooBig, 'message too big');
      if (this.buf.length < at + 4 + len) return;
      const mask = this.buf.subarray(at, at + 4);
      const payload = Buffer.from(this.buf.subarray(at + 4, at + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      this.buf = this.buf.subarray(at + 4 + len);
      if (!this.frame(fin, opcode, payload)) return;
    }
  }

  /** Handles one frame; false once the connection is closing. */
  private frame(fin: boolean, opcode: number, payload: Buffer): boolean {
    switch (opcode) {
      case 0x0:
      case 0x1:
      case 0x2: {
        if (opcode === 0 ? !this.fragmentsType : !!this.fragmentsType) {
          this.close(CLOSE.protocol, opcode === 0 ? 'stray continuation' : 'expected continuation');
          return false;
        }
        if (opcode !== 0) this.fragmentsType = opcode;
        this.fragments.push(payload);
        this.fragmentsSize += payload.length;
        if (!fin) return true;
        const all = Buffer.concat(this.fragments);
        const type = this.fragmentsType;
        this.fragments = [];
        this.fragmentsType = 0;
        this.fragmentsSize = 0;
        this.emit('message', type === 1 ? all.toString('utf8') : all);
        return !this.closed;
      }
      case 0x8:
        this.close(payload.length >= 2 ? payload.readUInt16BE(0) : CLOSE.normal);
        return false;
      case 0x9:
        this.write(0xa, payload);
        return true;
      case 0xa:
        return true;
      default:
        this.close(CLOSE.protocol, 'unknown opcode');
        return false;
    }
  }

  private write(opcode: number, payload: Buffer) {
    if (this.closed) return;
    const n = payload.length;
    const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    if (n < 126) head[1] = n;
    else if (n < 65536) {
      head[1] = 126;
      head.writeUInt16BE(n, 2);
    } else {
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(n), 2);
    }
    this.socket.write(Buffer.concat([head, payload]));
  }

  send(data: string | Buffer) {
    if (typeof data === 'string') this.write(0x1, Buffer.from(data, 'utf8'));
    else this.write(0x2, data);
  }

  /** Sends a close frame and ends the connection. */
  close(code: number = CLOSE.normal, reason = '') {
    if (this.closed) return;
    const body = Buffer.alloc(2 + Buffer.byteLength(reason));
    body.writeUInt16BE(code, 0);
    body.write(reason, 2);
    this.write(0x8, body);
    this.socket.end();
    this.finish(code);
  }
}

/** Answers an HTTP request on an upgraded socket (a refused upgrade) and closes it. */
export function refuseUpgrade(socket: Duplex, status: number, text: string) {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/** Completes the handshake of an upgrade request; undefined (and the socket refused) when it is not one. */
export function acceptUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  opts: WebSocketOptions,
): WebSocketConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  if (
    req.method !== 'GET' ||
    String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket' ||
    req.headers['sec-websocket-version'] !== '13' ||
    typeof key !== 'string' ||
    Buffer.from(key, 'base64').length !== 16
  ) {
    refuseUpgrade(socket, 400, 'Bad Request');
    return undefined;
  }
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  const conn = new WebSocketConnection(socket, opts);
  if (head.length) socket.unshift(head);
  return conn;
}
