// The course from the published bundle (`npm pack` output, unpacked, with this
// project's node_modules): cold start to the first interactive frame (the course map),
// choosing a lab to its first step with a live shell prompt, and the idle memory of the
// TUI + engine process with a lab open. Medians over repeated runs, each against a
// baseline measured in the same run: `node -e` printing a line, and an idle `node`.
// Wall times suffer on a loaded machine; CPU time of the process (from /proc) is shown
// beside them because it does not.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pty = require('@lydell/node-pty');
const { Terminal } = require('@xterm/headless');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TICK_MS = 1000 / 100; // USER_HZ

// --- the published bundle ----------------------------------------------------------
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-pack-'));
const tgz = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], {
  cwd: root,
  encoding: 'utf8',
})
  .trim()
  .split('\n')
  .pop();
execFileSync('tar', ['xzf', path.join(work, tgz), '-C', work]);
const pkg = path.join(work, 'package');
fs.symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
const BIN = path.join(pkg, 'bin', 'vault-lab.js');

function cpuMs(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(parts[11]) + Number(parts[12])) * TICK_MS; // utime + stime
  } catch {
    return NaN;
  }
}
function rssMb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
}

function session(args, data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-bench-'))) {
  const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
  const p = pty.spawn(process.execPath, args, {
    cols: 80,
    rows: 24,
    cwd: work,
    env: { ...process.env, VAULT_LAB_DATA_DIR: data, TERM: 'xterm-256color', NO_COLOR: '1' },
  });
  let exited = false;
  let waiting = null;
  const screen = () => {
    const b = term.buffer.active;
    let s = '';
    for (let y = 0; y < 24; y++) s += (b.getLine(b.viewportY + y)?.translateToString(true) ?? '') + '\n';
    return s;
  };
  // Checked as each chunk lands, so the time is when the frame arrived, not a poll later.
  // The process's CPU time is read the moment a chunk arrives, before our own parsing.
  p.onData((d) => {
    const now = performance.now(),
      cpu = waiting ? cpuMs(p.pid) : NaN;
    term.write(d, () => {
      if (waiting?.re.test(screen())) {
        const w = waiting;
        waiting = null;
        w.resolve({ ms: now - w.t0, cpu });
      }
    });
  });
  p.onExit(() => {
    exited = true;
    if (waiting) waiting.reject(new Error('exited: ' + screen()));
  });
  const until = (re, t0) =>
    new Promise((resolve, reject) => {
      if (re.test(screen())) return resolve({ ms: performance.now() - t0, cpu: cpuMs(p.pid) });
      const timer = setTimeout(() => {
        waiting = null;
        reject(new Error('timed out: ' + screen()));
      }, 30000);
      waiting = {
        re,
        t0,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject,
      };
    });
  return {
    p,
    until,
    screen,
    data,
    done: (keep = false) => {
      try {
        p.kill();
      } catch {}
      if (!keep) fs.rmSync(data, { recursive: true, force: true });
    },
    exited: () => exited,
  };
}

const median = (a) => {
  const s = [...a].filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

const log = (m) => {
  if (process.env.BENCH_DEBUG) console.error(m);
};
const base = [],
  baseCpu = [],
  first = [],
  firstCpu = [],
  frame = [],
  frameCpu = [],
  lab = [],
  rss = [],
  shellRss = [],
  baseRss = [];
for (let i = 0; i < RUNS; i++) {
  const b = session(['-e', 'process.stdout.write("ready\\n"); setTimeout(() => {}, 1500)']);
  const bt = await b.until(/ready/, performance.now());
  base.push(bt.ms);
  baseCpu.push(bt.cpu);
  await pause(1000);
  baseRss.push(rssMb(b.p.pid));
  b.done();

  log('baseline done');
  // The very first start (nothing cached yet), then a usual one.
  const a = session([BIN]);
  const fa = await a.until(/Enter start\/resume/, performance.now());
  first.push(fa.ms);
  firstCpu.push(fa.cpu);
  a.p.write('q');
  await pause(500);
  a.done(true);
  const s = session([BIN], a.data);
  const f = await s.until(/Enter start\/resume/, performance.now());
  log('frame ' + f.ms);
  frame.push(f.ms);
  frameCpu.push(f.cpu);
  // Select "Policies and tokens" (the map groups labs by topic), then open it.
  const selected = () =>
    s
      .screen()
      .split('\n')
      .find((l) => l.includes('› ')) ?? '';
  for (let k = 0; k < 40 && !selected().includes('Policies and tokens'); k++) {
    const before = selected();
    s.p.write('\u001b[B');
    for (let w = 0; w < 400 && selected() === before; w++) await pause(25);
  }
  const t1 = performance.now();
  s.p.write('\r');
  lab.push((await s.until(/step 1\/\d+[\s\S]*vault-lab:\S+[#$] /, t1)).ms);
  await pause(3000); // idle with the lab open: engine, session, shell
  rss.push(rssMb(s.p.pid));
  const kids = (() => {
    try {
      return fs.readFileSync(`/proc/${s.p.pid}/task/${s.p.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return [];
    }
  })();
  shellRss.push(kids.reduce((a, k) => a + (rssMb(k) || 0), 0));
  s.p.write('\u001d');
  s.p.write('q');
  await pause(300);
  s.done();
}
fs.rmSync(work, { recursive: true, force: true });

const r = (x) => Math.round(x);
console.log(
  `TUI startup from the packed bundle (${tgz}; medians of ${RUNS} runs, 80x24 pty, load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
);
console.log(
  `  baseline: node -e to its first output          ${r(median(base))} ms wall, ${r(median(baseCpu))} ms CPU`,
);
console.log(
  `  first-ever start to the course map (no cache)   ${r(median(first))} ms wall (${(median(first) / median(base)).toFixed(1)}x), ${r(median(firstCpu))} ms CPU (${(median(firstCpu) / median(baseCpu)).toFixed(1)}x)`,
);
console.log(
  `  cold start to the course map (first frame)      ${r(median(frame))} ms wall (${(median(frame) / median(base)).toFixed(1)}x), ${r(median(frameCpu))} ms CPU (${(median(frameCpu) / median(baseCpu)).toFixed(1)}x)   target <= 250 ms`,
);
console.log(
  `  choosing a lab to its first step + shell prompt ${r(median(lab))} ms wall (${(median(lab) / median(base)).toFixed(1)}x baseline)`,
);
console.log(
  `  idle RSS, TUI + engine (one process), lab open  ${median(rss).toFixed(1)} MB (${(median(rss) / median(baseRss)).toFixed(1)}x an idle node at ${median(baseRss).toFixed(1)} MB)   target <= 200 MB`,
);
console.log(`  + the learner's bash in the embedded shell      ${median(shellRss).toFixed(1)} MB`);
