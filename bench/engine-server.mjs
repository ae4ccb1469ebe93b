// A server process for the engine benchmarks: `bare` (a plain node:http JSON endpoint, the
// baseline), `engine` (dev engine, audit devices off) or `engine-audit` (a file audit device on).
// Prints `READY <url> <ms from script start to listening>` and serves until killed.
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

const t0 = performance.now();
const [mode, enginePath] = process.argv.slice(2);

if (mode === 'bare') {
  const payload = JSON.stringify({
    request_id: '',
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: { data: { user: 'app', password: 'pw' } },
    wrap_info: null,
    warnings: null,
    auth: null,
    mount_type: 'kv',
  });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (chunks.length) JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.setHeader('Content-Type', 'application/json');
      res.end(payload);
    });
  });
  server.keepAliveTimeout = 5000;
  process.on('SIGTERM', () => process.exit(0)); // so a --cpu-prof run writes its profile
  server.listen(0, '127.0.0.1', () => {
    console.log(`READY http://127.0.0.1:${server.address().port} ${(performance.now() - t0).toFixed(1)}`);
  });
} else {
  const { startEngine } = await import(enginePath);
  const engine = await startEngine({ dev: true, rootTokenId: 'root', listen: '127.0.0.1:0' });
  const ready = performance.now() - t0;
  await engine.request({
    operation: 'write',
    path: 'secret/data/bench',
    token: 'root',
    data: { data: { user: 'app', password: 'pw' } },
  });
  if (mode === 'engine-audit') {
    const file = path.join(os.tmpdir(), `vault-lab-bench-audit-${process.pid}.log`);
    const r = await engine.request({
      operation: 'write',
      path: 'sys/audit/file',
      token: 'root',
      data: { type: 'file', options: { file_path: file } },
    });
    if (r.status >= 300) throw new Error(`enabling the file audit device failed: ${JSON.stringify(r.body)}`);
    process.on('exit', () => {
      try {
        fs.unlinkSync(file);
      } catch {
        /* gone */
      }
    });
    process.on('SIGTERM', () => process.exit(0));
  }
  console.log(`READY ${engine.url} ${ready.toFixed(1)}`);
  process.on('SIGTERM', () => process.exit(0));
}
