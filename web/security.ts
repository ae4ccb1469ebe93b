/**
 * Who may talk to the server: a WebSocket to a shell is code execution for whoever reaches it.
 * A random capability token (256 bits) travels in the URL fragment, which browsers never send;
 * the page posts it once and gets an HttpOnly, SameSite=Strict session cookie (another random
 * value, so the token itself is never stored by the browser nor sent again). Every request
 * must name this server by its loopback address (a DNS-rebinding name is refused) and carry
 * the cookie; state-changing requests and WebSocket upgrades must come from our own origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const COOKIE = 'vault_lab_session';

/** The page's Content-Security-Policy: scripts and connections from this server only. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // xterm.js's DOM renderer writes its colours into a <style> element it creates; no
  // script can come in this way, and lesson HTML never carries a style (web/markdown.ts).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Gate {
  /** The capability token printed in the URL. */
  readonly token = randomBytes(32).toString('base64url');
  private readonly session = randomBytes(32).toString('base64url');
  port = 0;

  /** The hosts this server answers to: its loopback address and `localhost`, with its port. */
  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${this.port}` || host === `localhost:${this.port}`;
  }

  /** An Origin header naming this server (absent counts as not ours). */
  originAllowed(req: IncomingMessage): boolean {
    const o = req.headers.origin;
    return o === `http://127.0.0.1:${this.port}` || o === `http://localhost:${this.port}`;
  }

  tokenMatches(candidate: unknown): boolean {
    return typeof candidate === 'string' && same(candidate, this.token);
  }

  hasSession(req: IncomingMessage): boolean {
    for (const part of String(req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === COOKIE && same(v.join('='), this.session)) return true;
    }
    return false;
  }

  setSession(res: ServerResponse) {
    res.setHeader('Set-Cookie', `${COOKIE}=${this.session}; HttpOnly; SameSite=Strict; Path=/`);
  }
}
