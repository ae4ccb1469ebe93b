// `vault-lab web`: process start to first paint of the course map, against a static page from
// node:http started and loaded the same way (same run, same headless Chromium); then keystroke
// to echo in the xterm.js terminal, measured in the page (keydown → the row's DOM changed).
// Budgets (issue 23): start-to-map ≤ 300 ms, echo p95 ≤ 30 ms. Needs `npm run build` and
// /usr/bin/chromium. Usage: node bench/web-start.bench.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 5;
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-web-bench-'));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
});

const STATIC = `
const http = require('node:http');
const page = '<!doctype html><html><head><title>map</title></head><body><main id="map"><h2>Course map</h2><ul>' +
  Array.from({ length: 30 }, (_, i) => '<li>Lab ' + i + '</li>').join('') + '</ul></main></body></html>';
const s = http.createServer((q, r) => { r.writeHead(200, { 'content-type': 'text/html' }); r.end(page); });
s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port + '/'));
`;

/** Spawns a server, waits for its link, loads it, waits for the map's heading; ms from spawn. */
async function startToMap(args, selector) {
  const t0 = performance.now();
  const p = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, VAULT_LAB_DATA_DIR: data, DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    p.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(url);
  await page.locator(selector).first().waitFor();
  const ms = performance.now() - t0;
  await ctx.close();
  p.kill('SIGTERM');
  await new Promise((r) => p.on('exit', r));
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

const base = [];
const web = [];
for (let i = 0; i < RUNS; i++) {
  base.push(await startToMap(['-e', STATIC], '#map h2'));
  web.push(await startToMap([path.join(root, 'bin/vault-lab.js'), 'web', '--no-open', '--port', '0'], '#map h2'));
}
console.log(
  `start → course map painted: median ${median(web).toFixed(0)} ms (static node:http page: ${median(base).toFixed(0)} ms; budget 300 ms)`,
);

// Keystroke to echo.
const p = spawn(process.execPath, [path.join(root, 'bin/vault-lab.js'), 'web', '--no-open', '--port', '0'], {
  cwd: root,
  env: { ...process.env, VAULT_LAB_DATA_DIR: data, DISPLAY: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve) => {
  let out = '';
  p.stdout.on('data', (d) => {
    out += d;
    const m = /^(http:\/\/\S+)$/m.exec(out);
    if (m) resolve(m[1]);
  });
});
const ctx = await browser.newContext({ reducedMotion: 'reduce' });
const page = await ctx.newPage();
await page.goto(url);
await page.locator('button[data-start="getting-started"]').click();
await page.waitForFunction(
  () => document.querySelector('#term .xterm-rows')?.textContent?.includes('vault-lab:'),
  null,
  {
    timeout: 30_000,
  },
);
await page.locator('#term').click();
await page.evaluate(() => {
  const w = window;
  w.__lat = [];
  w.__t0 = 0;
  document.addEventListener(
    'keydown',
    () => {
      w.__t0 = performance.now();
    },
    true,
  );
  new MutationObserver(() => {
    if (w.__t0) {
      w.__lat.push(performance.now() - w.__t0);
      w.__t0 = 0;
    }
  }).observe(document.querySelector('#term .xterm-rows'), { childList: true, subtree: true, characterData: true });
});
for (let i = 0; i < 60; i++) {
  await page.keyboard.type(i % 2 ? 'x' : 'y');
  await page.waitForTimeout(40);
}
const lat = await page.evaluate(() => window.__lat);
console.log(
  `keystroke → echo in xterm.js: p50 ${pct(lat, 0.5).toFixed(1)} ms, p95 ${pct(lat, 0.95).toFixed(1)} ms over ${lat.length} keys (budget p95 30 ms)`,
);
await ctx.close();
p.kill('SIGTERM');
await browser.close();
fs.rmSync(data, { recursive: true, force: true });
