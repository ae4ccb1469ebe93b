/**
 * Limits: a body over 32 MiB is refused with 413 before it is read (declared length)
 * or as soon as it passes the limit (chunked), without a memory spike; a storm of
 * logins (scrypt off the event loop) does not stall the loop. Figures are printed;
 * the latency targets themselves are tracked by the benchmarks in bench/.
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http as api } from '../support/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await devEngine();
});
afterAll(async () => {
  await engine.stop();
});

function oversized(chunked: boolean): Promise<{ status: number; ms: number; body: string }> {
  const u = new URL(engine.url);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const headers: Record<string, string> = { 'X-Vault-Token': 'root', 'Content-Type': 'application/json' };
    if (!chunked) headers['Content-Length'] = String(40 * 1024 * 1024);
    const req = http.request(
      { host: u.hostname, port: Number(u.port), method: 'PUT', path: '/v1/secret/data/big', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    // A write error after the answer arrived is expected (the server stops reading);
    // before it, the client never saw the 413 — a failure, not a hang.
    let answered = false;
    req.on('response', () => {
      answered = true;
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (!answered || (e.code !== 'EPIPE' && e.code !== 'ECONNRESET')) reject(e);
    });
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < 40) {
        sent++;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('request limits', () => {
  it('refuses a declared 40 MiB body with 413 before reading it, and a chunked one once it passes 32 MiB', async () => {
    const rss0 = process.memoryUsage().rss;
    const declared = await oversized(false);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).errors[0]).toContain('too large');
    const chunked = await oversized(true);
    expect(chunked.status).toBe(413);
    const growth = (process.memoryUsage().rss - rss0) / 1024 / 1024;
    console.log(
      `limits: declared 40 MiB → 413 in ${declared.ms.toFixed(1)} ms; chunked 40 MiB → 413 in ${chunked.ms.toFixed(1)} ms; RSS growth ${growth.toFixed(1)} MB (client buffers included)`,
    );
    expect((await api(engine, 'GET', 'secret/data/big')).status).toBe(404);
    expect((await api(engine, 'GET', 'sys/health')).status).toBe(200);
  }, 60_000);

  it('50 concurrent userpass logins keep the event loop responsive (scrypt runs off the loop)', async () => {
    await api(engine, 'POST', 'sys/auth/userpass', { body: { type: 'userpass' } });
    await api(engine, 'POST', 'auth/userpass/users/alice', {
      body: { password: 'correct horse', token_policies: 'default' },
    });
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api(engine, 'POST', 'auth/userpass/login/alice', {
          token: null,
          body: { password: i % 5 ? 'correct horse' : 'wrong' },
        }),
      ),
    );
    h.disable();
    expect(results.filter((r) => r.status === 200).length).toBe(40);
    expect(results.filter((r) => r.status === 400).length).toBe(10);
    const p99 = h.percentile(99) / 1e6;
    console.log(
      `login storm: 50 logins, event-loop delay p50 ${(h.percentile(50) / 1e6).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`,
    );
    // The engine shares this process, so a synchronous KDF would block for ~50 × its cost.
    expect(p99).toBeLessThan(200);
  }, 60_000);
});
