// Engine benchmarks, all as ratios against a bare node:http JSON endpoint measured in the
// same run on the same machine: KV v2 read and write with audit off and on, token create,
// latency percentiles at 50 connections, cold start (import → listening) and idle RSS.
// The engine is bundled with esbuild first, as the published binaries are.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { rawLoad } from './lib/raw-client.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
// Each later slice reconnects its 50 sockets; requests in this window are not measured.
const SLICE_WARMUP_MS = Number(process.env.BENCH_SLICE_WARMUP_MS ?? 100);
// BENCH_ONLY=read,list runs only the scenarios whose names contain one of these words.
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-bench-'));
await build({
  absWorkingDir: root,
  entryPoints: { engine: 'engine/index.ts' },
  outdir: outDir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  outExtension: { '.js': '.mjs' },
});
// Bare specifiers must resolve from the project's node_modules.
const enginePath = path.join(root, 'bench', `.engine-build-${process.pid}.mjs`);
fs.copyFileSync(path.join(outDir, 'engine.mjs'), enginePath);
const engineURL = pathToFileURL(enginePath).href;
process.on('exit', () => {
  try {
    fs.unlinkSync(enginePath);
  } catch {
    /* gone */
  }
  fs.rmSync(outDir, { recursive: true, force: true });
});

function startServer(mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'engine-server.mjs'), mode, engineURL], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      const m = /READY (\S+) ([\d.]+)/.exec(buf);
      if (m) resolve({ child, url: m[1], readyMs: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}
const stop = (s) =>
  new Promise((r) => {
    s.child.removeAllListeners('exit');
    s.child.once('exit', r);
    s.child.kill('SIGTERM');
  });

/** CPU seconds a process has used (user + system), from /proc: robust to other load on the machine. */
function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
}

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/**
 * Closed-loop load: CONNECTIONS keep-alive clients, each sending its next request when the
 * last answers. `client` is `raw` (bench/lib/raw-client.mjs, the default: cheap enough that
 * the latency measured is the server's) or `node` (node:http's own client and Agent, which
 * costs about as much CPU per request as a small server and so inflates every latency on a
 * 2-core machine; kept for comparison with earlier runs).
 */
async function load(url, makeRequest, seconds = SECONDS, warm = true, pid = 0, client = 'raw') {
  let measuring = false;
  const run = (client === 'raw' ? rawLoad : nodeLoad)(url, CONNECTIONS, makeRequest, () => measuring);
  await new Promise((r) => setTimeout(r, warm ? 1000 : SLICE_WARMUP_MS)); // warm-up
  const errors0 = run.errors();
  measuring = true;
  const cpu0 = pid ? cpuSeconds(pid) : 0;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const cpu = pid ? cpuSeconds(pid) - cpu0 : 0;
  const elapsed = (performance.now() - t0) / 1000;
  const errors = run.errors() - errors0;
  await run.stop();
  return { lat: run.lat, elapsed, errors, cpu };
}

/** node:http's own client and Agent, with the same interface as rawLoad. */
function nodeLoad(url, connections, makeRequest, measuring) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const u = new URL(url);
  const lat = [];
  let errors = 0,
    n = 0,
    running = true;
  const one = () =>
    new Promise((resolve) => {
      const { method, path: p, body, headers } = makeRequest(n++);
      const t = performance.now();
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          method,
          path: p,
          agent,
          headers: {
            ...headers,
            ...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (measuring()) {
              lat.push(performance.now() - t);
              if (res.statusCode >= 300) errors++;
            }
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const workers = Array.from({ length: connections }, async () => {
    while (running) await one();
  });
  return {
    lat,
    errors: () => errors,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      agent.destroy();
    },
  };
}

const TOKEN = { 'X-Vault-Token': 'root' };
const scenarios = {
  read: () => ({ method: 'GET', path: '/v1/secret/data/bench', headers: TOKEN }),
  write: (i) => ({
    method: 'POST',
    path: `/v1/secret/data/bench-w/${i % 200}`,
    headers: TOKEN,
    body: JSON.stringify({ data: { user: 'app', password: `pw-${i}` } }),
  }),
  list: () => ({ method: 'LIST', path: '/v1/secret/metadata/', headers: TOKEN }),
  token: () => ({
    method: 'POST',
    path: '/v1/auth/token/create',
    headers: TOKEN,
    body: JSON.stringify({ policies: ['default'], ttl: '1h' }),
  }),
};

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const merge = (parts) => {
  const lat = parts.flatMap((p) => p.lat).sort((a, b) => a - b);
  const pct = (q) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))];
  const secs = parts.reduce((a, p) => a + p.elapsed, 0);
  const cpu = parts.reduce((a, p) => a + p.cpu, 0);
  return {
    rps: lat.length / secs,
    p50: pct(0.5),
    p99: pct(0.99),
    errors: parts.reduce((a, p) => a + p.errors, 0),
    cpuUs: (cpu * 1e6) / lat.length,
  };
};

// All servers run side by side; each engine scenario alternates short slices with its baseline
// so that load from anything else on the machine hits both alike.
const servers = {
  bare: await startServer('bare'),
  engine: await startServer('engine'),
  'engine-audit': await startServer('engine-audit'),
};
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const pairs = [
  ['KV v2 read, audit off', 'engine', scenarios.read, scenarios.read],
  ['KV v2 read, audit on (file device)', 'engine-audit', scenarios.read, scenarios.read],
  ['KV v2 write, audit off', 'engine', scenarios.write, scenarios.write],
  ['KV v2 write, audit on (file device)', 'engine-audit', scenarios.write, scenarios.write],
  ['token create, audit off', 'engine', scenarios.token, scenarios.write],
  // LIST moves a connection off node's native parser onto the rewriter (engine/http/list-method.ts).
  ['KV v2 LIST verb, audit off', 'engine', scenarios.list, scenarios.read],
];
const results = [];
for (const [name, mode, scenario, baseline] of pairs.filter(([n]) => !ONLY || ONLY.some((w) => n.includes(w)))) {
  const eng = [],
    base = [];
  for (let i = 0; i < ROUNDS; i++) {
    base.push(await load(servers.bare.url, baseline, SECONDS / ROUNDS, i === 0, servers.bare.child.pid));
    eng.push(await load(servers[mode].url, scenario, SECONDS / ROUNDS, i === 0, servers[mode].child.pid));
  }
  results.push({ name, ...merge(eng), base: merge(base) });
}
if (!ONLY || ONLY.includes('node:http')) {
  // The headline read once more through node:http's own client, as earlier runs measured it.
  const eng = [],
    base = [];
  for (let i = 0; i < ROUNDS; i++) {
    base.push(await load(servers.bare.url, scenarios.read, SECONDS / ROUNDS, i === 0, servers.bare.child.pid, 'node'));
    eng.push(
      await load(servers.engine.url, scenarios.read, SECONDS / ROUNDS, i === 0, servers.engine.child.pid, 'node'),
    );
  }
  results.push({ name: 'KV v2 read, audit off, node:http client', ...merge(eng), base: merge(base) });
}
for (const s of Object.values(servers)) await stop(s);

console.log(
  `\nThroughput and latency, ${CONNECTIONS} connections (lean raw-socket client unless named), ${SECONDS}s per scenario in ${ROUNDS} slices alternating with the baseline (node ${process.version}, ${os.cpus().length} CPUs, load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}):`,
);
console.log(
  'scenario'.padEnd(42) +
    'req/s'.padStart(8) +
    'base req/s'.padStart(12) +
    'ratio'.padStart(7) +
    'p50 ms'.padStart(8) +
    'p99 ms'.padStart(8) +
    'base p99'.padStart(10) +
    'CPU µs/req'.padStart(12) +
    'base'.padStart(7) +
    'CPU ratio'.padStart(11) +
    'non-2xx'.padStart(9),
);
for (const r of results) {
  console.log(
    r.name.padEnd(42) +
      fmt(r.rps, 0).padStart(8) +
      fmt(r.base.rps, 0).padStart(12) +
      fmt(r.rps / r.base.rps).padStart(7) +
      fmt(r.p50).padStart(8) +
      fmt(r.p99).padStart(8) +
      fmt(r.base.p99).padStart(10) +
      fmt(r.cpuUs, 0).padStart(12) +
      fmt(r.base.cpuUs, 0).padStart(7) +
      fmt(r.base.cpuUs / r.cpuUs).padStart(11) +
      String(r.errors).padStart(9),
  );
}
console.log(
  'CPU ratio = baseline server CPU per request ÷ engine server CPU per request: the throughput ratio one core would give, unaffected by other load.',
);

// Cold start (script start → listening, the engine import included) and idle RSS.
const cold = { bare: [], engine: [] };
const rss = { bare: [], engine: [] };
for (let i = 0; i < COLD_RUNS; i++) {
  for (const mode of ['bare', 'engine']) {
    const s = await startServer(mode);
    cold[mode].push(s.readyMs);
    if (i < 3) {
      await new Promise((r) => setTimeout(r, 1500));
      rss[mode].push(rssKiB(s.child.pid));
    }
    await stop(s);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(
  `\nCold start, import → listening, median of ${COLD_RUNS}: engine ${fmt(median(cold.engine), 1)} ms, bare node:http ${fmt(median(cold.bare), 1)} ms (engine − bare = ${fmt(median(cold.engine) - median(cold.bare), 1)} ms)`,
);
console.log(
  `Idle RSS 1.5s after listening, median of 3: engine ${fmt(median(rss.engine) / 1024, 1)} MiB, bare node:http ${fmt(median(rss.bare) / 1024, 1)} MiB (ratio ${fmt(median(rss.engine) / median(rss.bare))})`,
);

const read = results.find((r) => r.name === 'KV v2 read, audit off');
if (read)
  console.log(
    `\nTargets: KV v2 read ≥ 0.5× bare → ${fmt(read.rps / read.base.rps)}× by wall clock, ${fmt(read.base.cpuUs / read.cpuUs)}× by CPU per request ${read.base.cpuUs / read.cpuUs >= 0.5 ? 'met' : 'NOT met'}; p99 ≤ 5 ms → ${fmt(read.p99)} ms ${read.p99 <= 5 ? 'met' : 'NOT met'}; cold start ≤ 150 ms → ${median(cold.engine) <= 150 ? 'met' : 'NOT met'}; idle RSS ≤ 100 MB → ${median(rss.engine) / 1024 <= 100 ? 'met' : 'NOT met'}`,
  );
