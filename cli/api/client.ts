/**
 * The CLI's HTTP client: talks to a server only over HTTP, like HashiCorp's CLI,
 * with `X-Vault-Token`, `X-Vault-Request` and wrap headers; API errors keep status,
 * URL and the server's `errors` for rendering.
 */
import http from 'node:http';
import https from 'node:https';
import { CaptureSignal } from './capture.js';

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errors: string[] | null,
    readonly raw: string,
    readonly body?: Record<string, unknown>,
  ) {
    super(`Code: ${status}`);
  }
  /** The real CLI's rendering: `Error making API request.` + URL, Code, Errors. */
  render(): string {
    const head = `Error making API request.\n\nURL: ${this.method} ${this.url}\n`;
    if (this.errors === null) return `${head}Code: ${this.status}. Raw Message:\n\n${this.raw}`;
    return `${head}Code: ${this.status}. Errors:\n\n${this.errors.map((e) => `* ${e}`).join('\n')}`;
  }
}

/** The server could not be reached at all (exit 1 / 2 per command). */
export class ConnectError extends Error {}

export interface ClientResponse {
  status: number;
  body: Record<string, unknown> | null;
  raw: string;
  /** The body's bytes (a raft snapshot is binary). */
  bytes?: Buffer;
}

export class VaultClient {
  /** -output-curl-string / -output-policy: capture the request instead of sending it. */
  capture?: 'curl' | 'policy';
  /** Capabilities the command also needs besides the captured request's (e.g. `read` for a read-then-write). */
  captureExtra: string[] = [];
  constructor(
    readonly address: string,
    public token: string | undefined,
    readonly opts: { wrapTTL?: string; headers?: Record<string, string>; namespace?: string } = {},
  ) {}

  url(path: string) {
    return `${this.address.replace(/\/+$/, '')}/v1/${path.replace(/^\/+/, '')}`;
  }

  /**
   * Sends one request. 2xx returns; 404 returns `null` body with status (callers decide);
   * other statuses throw ApiError.
   */
  async request(
    method: string,
    path: string,
    body?: unknown,
    extra: {
      headers?: Record<string, string>;
      query?: Record<string, string>;
      allow404?: boolean;
      noWrap?: boolean;
      noCapture?: boolean;
      /** Bytes to send as they are (a raft snapshot restore) instead of a JSON body. */
      rawBody?: Buffer;
    } = {},
  ): Promise<ClientResponse> {
    let url = this.url(path);
    if (extra.query && Object.keys(extra.query).length) url += '?' + new URLSearchParams(extra.query).toString();
    const headers: Record<string, string> = {
      'X-Vault-Request': 'true',
      ...(this.opts.headers ?? {}),
      ...(extra.headers ?? {}),
    };
    if (this.token) headers['X-Vault-Token'] = this.token;
    if (this.opts.wrapTTL && !extra.noWrap) headers['X-Vault-Wrap-TTL'] = this.opts.wrapTTL;
    if (this.opts.namespace) headers['X-Vault-Namespace'] = this.opts.namespace;
    const payload = extra.rawBody ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
    if (this.capture && !extra.noCapture && !path.startsWith('sys/internal/ui/mounts'))
      throw new CaptureSignal(method, url, path, body, headers, this.captureExtra);
    if (payload) {
      headers['Content-Type'] =
        headers['Content-Type'] ?? (extra.rawBody ? 'application/octet-stream' : 'application/json');
      headers['Content-Length'] = String(payload.length);
    }
    const res = await send(method, url, headers, payload);
    let json: Record<string, unknown> | null = null;
    if (res.raw.trim()) {
      try {
        json = JSON.parse(res.raw);
      } catch {
        json = null;
      }
    }
    if (res.status >= 200 && res.status < 300)
      return { status: res.status, body: json, raw: res.raw, bytes: res.bytes };
    if (res.status === 404 && extra.allow404) return { status: 404, body: json, raw: res.raw };
    const errs = json && Array.isArray(json.errors) ? (json.errors as string[]) : null;
    throw new ApiError(method, url, res.status, errs, res.raw, json ?? undefined);
  }
}

function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  payload?: Buffer,
): Promise<{ status: number; raw: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new ConnectError(`parse "${url}": invalid URL`));
      return;
    }
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, raw: bytes.toString('utf8'), bytes });
      });
      res.on('error', reject);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const hostPort = `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
      // Go's net/http names the verb like this: `Put "http://…": dial tcp …`.
      const verb = method === 'LIST' ? 'Get' : method.charAt(0) + method.slice(1).toLowerCase();
      if (e.code === 'ECONNREFUSED')
        reject(new ConnectError(`${verb} "${url}": dial tcp ${hostPort}: connect: connection refused`));
      else if (e.code === 'EPROTO' || /wrong version number|packet length too long/i.test(e.message))
        reject(new ConnectError(`${verb} "${url}": http: server gave HTTP response to HTTPS client`));
      else reject(new ConnectError(`${method} "${url}": ${e.message}`));
    });
    req.setTimeout(60_000, () => req.destroy(new Error('request timed out')));
    if (payload) req.write(payload);
    req.end();
  });
}
