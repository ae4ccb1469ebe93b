// Durable write rate of the file storage against the disk's raw append+fsync ceiling,
// both measured in this run on the same folder.
//
// Run: node bench/storage-write.bench.mjs   (re-runs itself under tsx to load the engine sources)
//
// Phases (N writes each, 1 writer then 8 concurrent writers):
//   ceiling   append 256 bytes to one file + fdatasync/fsync, back to back — the disk's limit
//   storage   FileStorage.put: temp file, fsync, rename, fsync folder (what a durable put costs)
//   barrier   the same through AES-256-GCM (what the engine stores)
//   http      KV v1 writes over HTTP to a sealed-mode engine on file storage (acknowledged = on disk)
// Each round runs every phase (rounds interleave, so disk noise hits all phases alike); prints
// the median writes/s and median latency per phase and each rate as a ratio of the ceiling.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

if (!process.execArgv.some((a) => a.includes('tsx'))) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { FileStorage } = await import('../engine/physical/file.ts');
const { BarrierStorage, Keyring } = await import('../engine/physical/barrier.ts');
const { startEngine } = await import('../engine/index.ts');

const N = Number(process.env.WRITES ?? 300);
const base = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'vl-bench-storage-'));
const value = Buffer.alloc(256, 'v');
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

/** Runs `n` calls of fn(i) with `conc` in flight; returns writes/s and median latency (ms). */
async function measure(conc, n, fn) {
  const lat = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await fn(i);
        lat.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  return { rate: n / secs, p50: median(lat) };
}

async function ceiling(conc) {
  const fh = await fs.promises.open(path.join(base, `append-${conc}.log`), 'a', 0o600);
  const r = await measure(conc, N, async () => {
    await fh.write(value);
    await fh.sync();
  });
  await fh.close();
  return r;
}

const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** phase name → writers → rates and p50s over the rounds; every round runs every phase, interleaved. */
const results = new Map();
const record = (name, conc, r) => {
  const k = `${name}|${conc}`;
  if (!results.has(k)) results.set(k, { name, conc, rates: [], p50s: [] });
  results.get(k).rates.push(r.rate);
  results.get(k).p50s.push(r.p50);
};
let seq = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const conc of [1, 8]) {
    const tag = `${round}-${conc}-${seq++}`;
    record('ceiling: append+fsync', conc, await ceiling(conc));
    const st = await FileStorage.open(path.join(base, `storage-${tag}`));
    record('FileStorage.put', conc, await measure(conc, N, (i) => st.put(`bench/k${i}`, value)));
    const bar = new BarrierStorage(await FileStorage.open(path.join(base, `barrier-${tag}`)));
    bar.unseal(Keyring.fresh(Date.now()));
    record('barrier over file', conc, await measure(conc, N, (i) => bar.put(`bench/k${i}`, value)));

    const engine = await startEngine({
      storage: { kind: 'file', path: path.join(base, `engine-${tag}`) },
      listen: '127.0.0.1:0',
    });
    const call = async (method, p, token, body) => {
      const r = await fetch(`${engine.url}/v1/${p}`, {
        method,
        headers: token ? { 'X-Vault-Token': token } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const t = await r.text();
      if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${t}`);
      return t ? JSON.parse(t) : null;
    };
    const init = await call('PUT', 'sys/init', '', { secret_shares: 1, secret_threshold: 1 });
    await call('PUT', 'sys/unseal', '', { key: init.keys[0] });
    await call('POST', 'sys/mounts/kv', init.root_token, { type: 'kv' });
    record(
      'HTTP KV v1 write (durable)',
      conc,
      await measure(conc, N, (i) => call('PUT', `kv/k${i}`, init.root_token, { v: value.toString() })),
    );
    await engine.stop();
  }
}
const rows = [...results.values()].map((x) => [
  x.name,
  x.conc,
  { rate: median(x.rates), p50: median(x.p50s) },
  median(results.get(`ceiling: append+fsync|${x.conc}`).rates),
]);

console.log(
  `disk: ${base} — ${N} writes of 256 bytes per phase, ${ROUNDS} interleaved rounds, medians; UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}`,
);
console.log(
  ['phase'.padEnd(28), 'writers', 'writes/s'.padStart(9), 'p50 ms'.padStart(8), 'vs ceiling'.padStart(11)].join('  '),
);
for (const [name, conc, r, ceil] of rows) {
  console.log(
    [
      name.padEnd(28),
      String(conc).padStart(7),
      r.rate.toFixed(0).padStart(9),
      r.p50.toFixed(2).padStart(8),
      (r.rate / ceil).toFixed(2).padStart(10) + 'x',
    ].join('  '),
  );
}
fs.rmSync(base, { recursive: true, force: true });
