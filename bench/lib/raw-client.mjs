// A lean closed-loop HTTP/1.1 load client for latency benchmarks. node:http's client spends
// about as much CPU per request as a small server does, and on a 2-core machine that cost
// lands in the measured latency of whatever server is under test. This client writes
// pre-serialised requests on keep-alive TCP sockets and frames responses by Content-Length
// (or the chunked terminator) without building objects per response, so what it measures
// is mostly the server.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const CRLF2 = Buffer.from('\r\n\r\n');
const CHUNK_END = Buffer.from('\r\n0\r\n\r\n');

/** `{ method, path, headers, body }` → the bytes of one HTTP/1.1 request. */
export function serialise(host, { method, path, headers = {}, body }) {
  const b = body === undefined ? undefined : Buffer.from(body);
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  if (b) head += `Content-Type: application/json\r\nContent-Length: ${b.length}\r\n`;
  head += '\r\n';
  return b ? Buffer.concat([Buffer.from(head, 'latin1'), b]) : Buffer.from(head, 'latin1');
}

/** Splits one response off the front of `buf`: its status and length in bytes, or null if incomplete. */
export function frame(buf) {
  const end = buf.indexOf(CRLF2);
  if (end === -1) return null;
  const head = buf.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (cl) {
    const total = end + 4 + Number(cl[1]);
    return buf.length >= total ? { status, length: total } : null;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const t = buf.indexOf(CHUNK_END, end + 2);
    return t === -1 ? null : { status, length: t + CHUNK_END.length };
  }
  return { status, length: end + 4 }; // 204, 304: no body
}

/**
 * Runs `connections` keep-alive sockets against `url` until stopped. Each sends its next
 * request (from `makeRequest(n)`) when the previous response is complete. Latencies are
 * recorded only while `measuring()` is true.
 */
export function rawLoad(url, connections, makeRequest, measuring) {
  const u = new URL(url);
  const host = u.host;
  const lat = [];
  let errors = 0,
    n = 0,
    running = true;
  const cache = new Map();
  const bytesFor = (r) => {
    if (r.body !== undefined) return serialise(host, r);
    const k = r.method + ' ' + r.path;
    let b = cache.get(k);
    if (!b) {
      b = serialise(host, r);
      cache.set(k, b);
    }
    return b;
  };
  const done = [];
  for (let c = 0; c < connections; c++) {
    done.push(
      new Promise((resolve) => {
        const sock = net.connect({ host: u.hostname, port: Number(u.port), noDelay: true });
        let buf = Buffer.alloc(0);
        let t = 0;
        const send = () => {
          if (!running) {
            sock.end();
            return;
          }
          t = performance.now();
          sock.write(bytesFor(makeRequest(n++)));
        };
        sock.on('connect', send);
        sock.on('data', (d) => {
          buf = buf.length ? Buffer.concat([buf, d]) : d;
          const f = frame(buf);
          if (!f) return;
          if (measuring()) {
            lat.push(performance.now() - t);
            if (f.status >= 300) errors++;
          }
          buf = buf.subarray(f.length);
          send();
        });
        sock.on('error', () => {
          errors++;
        });
        sock.on('close', resolve);
      }),
    );
  }
  return {
    lat,
    errors: () => errors,
    stop: async () => {
      running = false;
      await Promise.all(done);
    },
  };
}
