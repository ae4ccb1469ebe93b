// Benchmark: 20 concurrent userpass logins must not stall the engine's other requests.
//
// Run: node --import tsx bench/auth-login.bench.mjs
//
// In one process (engine + clients share the event loop) it measures, in the same run:
//   1. baseline: latency of cheap requests (token lookup-self, one every 5 ms) with nothing
//      else going on;
//   2. load: the same stream of cheap requests while 20 logins run concurrently;
//   3. control: the same stream while 20 *synchronous* scrypt calls run, to show the
//      monitor does catch a blocked loop.
// For each phase it prints event-loop delay p50/p99/max and request latency p50/p99, and
// the ratios against the baseline, and how busy the loop itself was (event-loop utilization:
// time spent running JS, which excludes the OS descheduling the process on a loaded host).
// Pass: event-loop delay p99 <= 10 ms during the logins.
import { scryptSync, randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import os from 'node:os';
import { startEngine } from '../engine/index.ts';

// On a host busy with other work the OS scheduler, not our code, dominates loop delay.
// BENCH_NICE=-10 (needs privileges) raises this process's priority to take that out.
if (process.env.BENCH_NICE) {
  try {
    os.setPriority(Number(process.env.BENCH_NICE));
    console.log(`priority set to ${os.getPriority()}`);
  } catch (e) {
    console.log(`could not set priority: ${e.message}`);
  }
}

const LOGINS = Number(process.env.LOGINS ?? 20);
const sleep = (t) => new Promise((r) => setTimeout(r, t));
const ms = (ns) => ns / 1e6;
const pct = (arr, p) => {
  const s = [...arr].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const engine = await startEngine({ dev: true, rootTokenId: 'root', listen: '127.0.0.1:0' });
const call = async (method, path, body, token = 'root') => {
  const r = await fetch(`${engine.url}/v1/${path}`, {
    method,
    headers: token ? { 'X-Vault-Token': token } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
};
await call('POST', 'sys/auth/userpass', { type: 'userpass' });
for (let i = 0; i < LOGINS; i++) await call('POST', `auth/userpass/users/u${i}`, { password: `pw-${i}` });

/** Fires a cheap request every 5 ms until `done` resolves; returns their latencies (ms). */
async function probe(done) {
  const lat = [];
  let stop = false;
  done.then(() => {
    stop = true;
  });
  while (!stop) {
    await sleep(5);
    const t0 = process.hrtime.bigint();
    const r = await call('GET', 'auth/token/lookup-self');
    if (r.status !== 200) throw new Error(`probe failed: ${r.status}`);
    lat.push(ms(Number(process.hrtime.bigint() - t0)));
  }
  return lat;
}

async function phase(name, work) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const elu0 = performance.eventLoopUtilization();
  const t0 = Date.now();
  const w = work();
  const lat = await probe(w);
  await w;
  h.disable();
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const res = {
    elu,
    name,
    wallMs: Date.now() - t0,
    probes: lat.length,
    loopP50: ms(h.percentile(50)),
    loopP99: ms(h.percentile(99)),
    loopMax: ms(h.max),
    reqP50: pct(lat, 50),
    reqP99: pct(lat, 99),
  };
  return res;
}

// Warm up JIT and the thread pool.
await Promise.all(
  Array.from({ length: 4 }, (_, i) => call('POST', `auth/userpass/login/u${i}`, { password: `pw-${i}` }, null)),
);

const baseline = await phase('baseline (no logins)', () => sleep(1500));
const load = await phase(`${LOGINS} concurrent logins`, async () => {
  const rs = await Promise.all(
    Array.from({ length: LOGINS }, (_, i) => call('POST', `auth/userpass/login/u${i}`, { password: `pw-${i}` }, null)),
  );
  if (rs.some((r) => r.status !== 200)) throw new Error('a login failed');
});
const control = await phase(`control: ${LOGINS} synchronous scrypt calls`, async () => {
  for (let i = 0; i < LOGINS; i++) {
    await sleep(0);
    scryptSync(`pw-${i}`, randomBytes(16), 32, { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  }
});
await engine.stop();

const f = (x) => x.toFixed(2).padStart(8);
console.log(
  'phase                                       wall ms  probes  loop p50  loop p99  loop max   req p50   req p99  loop busy',
);
for (const p of [baseline, load, control]) {
  console.log(
    `${p.name.padEnd(42)}${String(p.wallMs).padStart(8)}${String(p.probes).padStart(8)}${f(p.loopP50)}${f(p.loopP99)}${f(p.loopMax)}${f(p.reqP50)}${f(p.reqP99)}${(p.elu * 100).toFixed(1).padStart(9)}%`,
  );
}
console.log(
  `ratios vs baseline — logins: loop p99 ×${(load.loopP99 / baseline.loopP99).toFixed(2)}, request p50 ×${(load.reqP50 / baseline.reqP50).toFixed(2)}, request p99 ×${(load.reqP99 / baseline.reqP99).toFixed(2)}; control: loop p99 ×${(control.loopP99 / baseline.loopP99).toFixed(2)}`,
);
const pass = load.loopP99 <= 10;
console.log(
  `${pass ? 'PASS' : 'FAIL'}: event-loop delay p99 during ${LOGINS} concurrent logins = ${load.loopP99.toFixed(2)} ms (limit 10 ms)`,
);
process.exitCode = pass ? 0 : 1;
