// Time from `vault-lab` to the first interactive frame (the course map), and from
// choosing a lab to its first step with a live shell prompt — medians over repeated
// runs, against `node -e 0` in a pty measured in the same run as the baseline.
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

function session(args) {
  const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-bench-'));
  const p = pty.spawn(process.execPath, args, {
    cols: 80,
    rows: 24,
    cwd: root,
    env: { ...process.env, VAULT_LAB_DATA_DIR: data, TERM: 'xterm-256color' },
  });
  let exited = false;
  p.onData((d) => term.write(d));
  p.onExit(() => {
    exited = true;
  });
  const screen = () => {
    const b = term.buffer.active;
    let s = '';
    for (let y = 0; y < 24; y++) s += (b.getLine(b.viewportY + y)?.translateToString(true) ?? '') + '\n';
    return s;
  };
  const until = async (re, t0) => {
    for (;;) {
      await new Promise((r) => term.write('', r));
      if (re.test(screen())) return performance.now() - t0;
      if (exited || performance.now() - t0 > 20000) throw new Error('timed out: ' + screen());
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  return {
    p,
    until,
    done: () => {
      try {
        p.kill();
      } catch {}
      fs.rmSync(data, { recursive: true, force: true });
    },
    exited: () => exited,
  };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

const base = [],
  frame = [],
  lab = [];
for (let i = 0; i < RUNS; i++) {
  const b = session(['-e', 'process.stdout.write("ready\\n"); setTimeout(() => {}, 200)']);
  base.push(await b.until(/ready/, performance.now()));
  b.done();
  const s = session([path.join(root, 'bin', 'vault-lab.js')]);
  const t0 = performance.now();
  frame.push(await s.until(/Policies and tokens/, t0));
  s.p.write('\r');
  const t1 = performance.now();
  lab.push(await s.until(/step 1\/\d+[\s\S]*vault-lab:\S+[#$] /, t1));
  s.p.write('\u001d');
  s.p.write('q');
  await new Promise((r) => setTimeout(r, 300));
  s.done();
}
const r = (x) => Math.round(x);
console.log(`course start (medians of ${RUNS} runs, 80x24 pty)`);
console.log(`  baseline: node -e 0 to first output      ${r(median(base))} ms`);
console.log(
  `  vault-lab to the course map (first frame) ${r(median(frame))} ms  (${(median(frame) / median(base)).toFixed(1)}x baseline)`,
);
console.log(
  `  choosing a lab to its first step + prompt ${r(median(lab))} ms  (${(median(lab) / median(base)).toFixed(1)}x baseline)`,
);
