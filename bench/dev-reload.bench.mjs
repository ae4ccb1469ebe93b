// `vault-lab dev`: a save of the lab file to the reloaded lab on screen, in a real pty
// (100x40), for the 10-step fixture lab (test/tui/fixtures/dev/ten-steps.yaml) with the
// author at step 8 — the 7 earlier steps' solutions are replayed in a fresh engine on every
// reload. Timed from writing the file until the screen shows the edited step title and the
// "reloaded" line. Baseline in the same run and process: the same save at step 1 (no replay).
// Target: at step 8, every save <= 500 ms.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pty = require('@lydell/node-pty');
const { Terminal } = require('@xterm/headless');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAVES = Number(process.env.BENCH_SAVES ?? 5);
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const COLS = 100,
  ROWS = 40;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-bench-dev-'));
const file = path.join(dir, 'lab.yaml');
const original = fs.readFileSync(path.join(root, 'test', 'tui', 'fixtures', 'dev', 'ten-steps.yaml'), 'utf8');
fs.writeFileSync(file, original);

const term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
const p = pty.spawn(process.execPath, [path.join(root, 'bin', 'vault-lab.js'), 'dev', 'lab.yaml'], {
  cols: COLS,
  rows: ROWS,
  cwd: dir,
  env: { ...process.env, VAULT_LAB_DATA_DIR: path.join(dir, 'data'), TERM: 'xterm-256color', NO_COLOR: '1' },
});
const screen = () => {
  const b = term.buffer.active;
  let s = '';
  for (let y = 0; y < ROWS; y++) s += (b.getLine(b.viewportY + y)?.translateToString(true) ?? '') + '\n';
  return s;
};
let waiting = null;
p.onData((d) =>
  term.write(d, () => {
    if (waiting?.ok(screen())) {
      const w = waiting;
      waiting = null;
      w.resolve(performance.now() - w.t0);
    }
  }),
);
const until = async (ok, timeout = 60000) => {
  const t0 = Date.now();
  while (!ok(screen())) {
    if (Date.now() - t0 > timeout) throw new Error('timed out:\n' + screen());
    await pause(20);
  }
};
let reloads = 0;
/** Saves the lab with step `step`'s title edited; ms until the reloaded lab shows it. */
function save(step) {
  const n = ++reloads;
  const title = `Edited title ${n}`;
  const text = original.replace(`title: Write secret ${step}\n`, `title: ${title}\n`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out:\n' + screen())), 20000);
    waiting = {
      ok: (sc) => sc.includes(title) && sc.includes(`(reload #${n})`) && sc.includes(`step ${step}/10`),
      t0: performance.now(),
      resolve: (v) => {
        clearTimeout(timer);
        resolve(v);
      },
    };
    fs.writeFileSync(file, text);
  });
}
const fmt = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return `p50 ${s[Math.floor(s.length / 2)].toFixed(0)} ms, max ${s.at(-1).toFixed(0)} ms`;
};

try {
  await until((sc) => /step 1\/10[\s\S]*vault-lab:\S+[#$] /.test(sc));
  await pause(500);
  const base = [];
  for (let i = 0; i < SAVES; i++) {
    base.push(await save(1));
    await pause(300);
  }
  fs.writeFileSync(file, original);
  const restored = ++reloads;
  await until((sc) => sc.includes(`(reload #${restored})`) && /vault-lab:\S+[#$] /.test(sc));
  await pause(500);
  p.write(Array.from({ length: 7 }, (_, i) => `vault kv put secret/s${i + 1} v=${i + 1}`).join('; ') + '\r');
  await until((sc) => sc.includes('step 8/10'));
  await pause(500);
  const at8 = [];
  for (let i = 0; i < SAVES; i++) {
    at8.push(await save(8));
    await pause(300);
  }
  console.log(
    `vault-lab dev: save to the reloaded lab on screen (${SAVES} saves each, ${COLS}x${ROWS} pty, load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
  );
  console.log(`  baseline: at step 1 (nothing to replay)        ${fmt(base)}`);
  console.log(
    `  at step 8 of 10 (7 steps replayed)            ${fmt(at8)}  (p50 ${(at8.sort((a, b) => a - b)[Math.floor(SAVES / 2)] / base.sort((a, b) => a - b)[Math.floor(SAVES / 2)]).toFixed(1)}x baseline)   target: every save <= 500 ms${Math.max(...at8) <= 500 ? ' — met' : ' — NOT met'}`,
  );
} finally {
  try {
    p.kill();
  } catch {}
  await pause(300);
  fs.rmSync(dir, { recursive: true, force: true });
}
