/**
 * Crash durability harness: the server runs as a child process on file storage while
 * writers put unique keys over HTTP; the child is SIGKILLed at a random moment, then
 * restarted and unsealed. Every write that was acknowledged (2xx) before the kill must
 * read back exactly, and every file in the storage folder must decode (no torn entry).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileStorage } from '../../engine/physical/file.js';
import { VAULT_LAB_JS } from '../support/engine.js';

export interface CrashReport {
  cycles: number;
  acknowledged: number;
  lost: string[];
  torn: string[];
  inFlightAtKill: number;
  wrong: string[];
}

interface Server {
  child: ChildProcess;
  url: string;
}

async function startServer(config: string): Promise<Server> {
  const child = spawn(process.execPath, [VAULT_LAB_JS, 'server', `-config=${config}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    const on = (d: Buffer) => {
      out += d.toString();
      const m = /Api Address: (http:\/\/\S+)/.exec(out);
      if (m && out.includes('Log data will stream in below')) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${c}: ${out}`));
    });
  });
  child.removeAllListeners('exit');
  return { child, url };
}

async function call(url: string, method: string, p: string, token?: string, body?: unknown) {
  const r = await fetch(`${url}/v1/${p}`, {
    method,
    headers: token ? { 'X-Vault-Token': token } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const t = await r.text();
  return { status: r.status, body: t ? JSON.parse(t) : null };
}

const killed = (c: ChildProcess) =>
  new Promise<void>((r) => {
    if (c.exitCode !== null || c.signalCode !== null) r();
    else c.once('exit', () => r());
  });

/** Runs `cycles` kill/restart cycles; `rand` drives the kill moments (seeded for repeatability). */
export async function runCrashCycles(cycles: number, rand: () => number, writers = 4): Promise<CrashReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-crash-'));
  const data = path.join(dir, 'data');
  const config = path.join(dir, 'server.hcl');
  fs.writeFileSync(
    config,
    `storage "file" { path = "${data}" }\nlistener "tcp" {\n  address = "127.0.0.1:0"\n  tls_disable = true\n}\n`,
  );
  const acked = new Map<string, string>();
  const report: CrashReport = { cycles, acknowledged: 0, lost: [], torn: [], inFlightAtKill: 0, wrong: [] };
  let key = '';
  let root = '';
  try {
    for (let c = 0; c < cycles; c++) {
      const s = await startServer(config);
      if (c === 0) {
        const init = (await call(s.url, 'PUT', 'sys/init', undefined, { secret_shares: 1, secret_threshold: 1 })).body;
        key = init.keys[0];
        root = init.root_token;
      }
      const u = await call(s.url, 'PUT', 'sys/unseal', undefined, { key });
      if (u.body?.sealed !== false) throw new Error(`cycle ${c}: unseal failed: ${JSON.stringify(u.body)}`);
      if (c === 0) await call(s.url, 'POST', 'sys/mounts/kv', root, { type: 'kv' });

      // Everything acknowledged so far must be back, exactly.
      for (const [k, v] of acked) {
        const r = await call(s.url, 'GET', `kv/${k}`, root);
        if (r.status === 404) report.lost.push(k);
        else if (r.status !== 200 || r.body?.data?.v !== v)
          report.wrong.push(`${k}: ${r.status} ${JSON.stringify(r.body)}`);
      }

      // Writers run until the kill; only 2xx answers count as acknowledged.
      let stop = false;
      let inFlight = 0;
      let n = 0;
      const writer = async (w: number) => {
        while (!stop) {
          const k = `c${c}-w${w}-${n++}`;
          const v = `value-${k}-${'x'.repeat(n % 50)}`;
          inFlight++;
          try {
            const r = await call(s.url, 'PUT', `kv/${k}`, root, { v });
            if (r.status >= 200 && r.status < 300) acked.set(k, v);
          } catch {
            /* the server died mid-request: not acknowledged */
          }
          inFlight--;
        }
      };
      const running = Array.from({ length: writers }, (_, w) => writer(w));
      await new Promise((r) => setTimeout(r, 30 + Math.floor(rand() * 250)));
      report.inFlightAtKill += inFlight;
      s.child.kill('SIGKILL');
      await killed(s.child);
      stop = true;
      await Promise.all(running);

      // No torn entry: every file left in the folder decodes as a whole record.
      try {
        const st = await FileStorage.open(data);
        for (const [k] of await st.entries()) if (!(await st.get(k))) report.torn.push(k);
      } catch (e) {
        report.torn.push((e as Error).message);
      }
    }
    // A final start checks the writes of the last cycle.
    const s = await startServer(config);
    await call(s.url, 'PUT', 'sys/unseal', undefined, { key });
    for (const [k, v] of acked) {
      const r = await call(s.url, 'GET', `kv/${k}`, root);
      if (r.status === 404) report.lost.push(k);
      else if (r.status !== 200 || r.body?.data?.v !== v) report.wrong.push(`${k}: ${r.status}`);
    }
    s.child.kill('SIGKILL');
    await killed(s.child);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report.acknowledged = acked.size;
  return report;
}

/** A small seeded generator (mulberry32) so a failing run can be repeated. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
