// Keypress to repaint in the course, p50 and p95 over many presses in a real pty
// (80x24): moving the selection on the course map, and a character typed into the
// embedded shell until its echo is on screen (pty → bash → headless xterm → Ink frame).
// Keys come about every 50 ms after the previous repaint (fast typing). Baseline in the same run: a character typed into `cat` in a bare pty, echoed by the
// terminal driver, until it is on screen.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pty = require('@lydell/node-pty');
const { Terminal } = require('@xterm/headless');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PRESSES = Number(process.env.BENCH_PRESSES ?? 60);
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

function session(cmd, args) {
  const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-bench-'));
  const p = pty.spawn(cmd, args, {
    cols: 80,
    rows: 24,
    cwd: root,
    env: { ...process.env, VAULT_LAB_DATA_DIR: data, TERM: 'xterm-256color', NO_COLOR: '1' },
  });
  let waiting = null;
  const screen = () => {
    const b = term.buffer.active;
    let s = '';
    for (let y = 0; y < 24; y++) s += (b.getLine(b.viewportY + y)?.translateToString(true) ?? '') + '\n';
    return s;
  };
  p.onData((d) =>
    term.write(d, () => {
      if (waiting?.ok(screen())) {
        const w = waiting;
        waiting = null;
        w.resolve(performance.now() - w.t0);
      }
    }),
  );
  /** Sends keys and resolves with the ms until the screen satisfies `ok`. */
  const press = (keys, ok, timeout = 20000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting = null;
        reject(new Error('timed out:\n' + screen()));
      }, timeout);
      waiting = {
        ok,
        t0: performance.now(),
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      };
      p.write(keys);
    });
  const until = async (ok, timeout = 30000) => {
    const t0 = Date.now();
    while (!ok(screen())) {
      if (Date.now() - t0 > timeout) throw new Error('timed out:\n' + screen());
      await pause(20);
    }
  };
  return {
    p,
    press,
    until,
    screen,
    done: () => {
      try {
        p.kill();
      } catch {}
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}

function cpuMs(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(parts[11]) + Number(parts[12])) * 10; // utime + stime, USER_HZ 100
}
const pct = (a, q) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const fmt = (a) => `p50 ${pct(a, 0.5).toFixed(1)} ms, p95 ${pct(a, 0.95).toFixed(1)} ms`;

/**
 * Types PRESSES letters, timing each until `echoed(screen, lineSoFar)` holds; after
 * `maxLine` characters `clear()` starts a fresh line.
 */
async function typeAndTime(s, echoed, maxLine, clear, gapMs) {
  const out = [];
  let line = '';
  for (let i = 0; i < PRESSES; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    line += ch;
    const want = line;
    out.push(await s.press(ch, (sc) => echoed(sc, want)));
    if (gapMs) await pause(gapMs);
    if (line.length > maxLine) {
      await clear();
      line = '';
    }
  }
  return out;
}

// Baseline: echo from the terminal driver, no program in between.
let base;
{
  const s = session('cat', []);
  await pause(300);
  base = await typeAndTime(
    s,
    (sc, want) => sc.includes(want),
    60,
    async () => {
      await s.press('\r', () => true).catch(() => 0);
      await pause(30);
    },
    0,
  );
  s.done();
}

// The course map: ↓ and ↑ move the selection.
const map = [];
const shell = [];
{
  const s = session(process.execPath, [path.join(root, 'bin', 'vault-lab.js')]);
  await s.until((sc) => sc.includes('Enter start/resume'));
  await pause(1500); // let the background preload of the lab runtime finish
  const selected = (sc) => sc.split('\n').find((l) => l.includes('› ')) ?? '';
  var mapCpu0 = cpuMs(s.p.pid);
  for (let i = 0; i < PRESSES; i++) {
    const before = selected(s.screen());
    map.push(await s.press(i % 2 ? '\u001b[A' : '\u001b[B', (sc) => selected(sc) !== before));
    await pause(50);
  }
  var mapCpu = (cpuMs(s.p.pid) - mapCpu0) / PRESSES;
  // Open the selected lab and type into its shell.
  s.p.write('\r');
  await s.until((sc) => /vault-lab:\S+[#$] /.test(sc));
  await pause(1000);
  var shellCpu0 = cpuMs(s.p.pid);
  const atPrompt = (sc, want) =>
    sc.split('\n').some((l) => /^vault-lab:\S+[#$] /.test(l) && l.trimEnd().endsWith(want));
  shell.push(
    ...(await typeAndTime(
      s,
      atPrompt,
      40,
      async () => {
        s.p.write('\u0015');
        await pause(200);
      },
      50,
    )),
  ); // Ctrl-U clears the line
  var shellCpu = (cpuMs(s.p.pid) - shellCpu0) / PRESSES;
  s.p.write('\u001d');
  s.p.write('q');
  await pause(500);
  s.done();
}

console.log(
  `keypress to repaint (${PRESSES} presses each, 80x24 pty, load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
);
console.log(`  baseline: echo by the terminal driver (cat)  ${fmt(base)}`);
console.log(
  `  course map, ↓/↑ moves the selection         ${fmt(map)}  (p95 ${(pct(map, 0.95) / pct(base, 0.95)).toFixed(1)}x baseline)   target p95 <= 50 ms; ${mapCpu.toFixed(1)} ms CPU per press`,
);
console.log(
  `  embedded shell, a typed character's echo    ${fmt(shell)}  (p95 ${(pct(shell, 0.95) / pct(base, 0.95)).toFixed(1)}x baseline)   target p95 <= 50 ms; ${shellCpu.toFixed(1)} ms CPU per key (TUI process)`,
);
