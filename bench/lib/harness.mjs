// Shared harness for the HTTP benchmarks: start a child server, send requests with a
// keep-alive agent, drive CONCURRENCY requests in flight, and read a process's CPU time.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

export function start(args, ready) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const v = ready(buf);
      if (v) resolve({ child, value: v });
    });
    child.on('exit', (c) => reject(new Error(`child exited ${c}: ${buf}`)));
  });
}

export const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
export function request(base, method, p, body, token) {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/v1/${p}`,
      {
        method,
        agent,
        headers: {
          'X-Vault-Token': token ?? '',
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode >= 300) reject(new Error(`${method} ${p}: ${res.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : null);
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/**
 * Requests per second for `seconds`, with CONCURRENCY requests in flight, and requests
 * per CPU-second of the serving process: on a shared, busy machine the second figure
 * says what the server itself costs, whatever else competes for the cores.
 */
export async function load(seconds, fire, pid) {
  const c0 = pid ? cpuSeconds(pid) : NaN;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await fire();
        n++;
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = pid ? cpuSeconds(pid) - c0 : NaN;
  return { rate: n / wall, perCpu: n / cpu };
}

export const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
