// Transit encrypt and decrypt throughput over HTTP against a dev engine in its own
// process, as a ratio of a bare node:http JSON endpoint (same payload shape, its own
// process) measured in the same run. Medians of alternating rounds. Needs `npm run build`.
import path from 'node:path';
import { agent, CONCURRENCY, load, median, request, root, start } from './lib/harness.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

// A bare endpoint: parse the JSON body, answer a Vault-sized JSON envelope.
const BARE = `
const http = require('node:http');
const s = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
    const out = JSON.stringify({ request_id: '00000000-0000-0000-0000-000000000000', lease_id: '', renewable: false, lease_duration: 0,
      data: { ciphertext: 'vault:v1:' + Buffer.from(String(body.plaintext ?? body.ciphertext ?? '')).toString('base64'), key_version: 1 },
      wrap_info: null, warnings: null, auth: null, mount_type: 'transit' });
    res.setHeader('Content-Type', 'application/json');
    res.end(out);
  });
});
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));
`;

const bare = await start(['-e', BARE], (b) => /PORT (\d+)/.exec(b)?.[1]);
const bareUrl = `http://127.0.0.1:${bare.value}`;
const engine = await start(
  [
    path.join(root, 'bin', 'vault-lab.js'),
    'server',
    '-dev',
    '-dev-root-token-id=root',
    '-dev-listen-address=127.0.0.1:0',
  ],
  (b) =>
    /Api Address: (http:\/\/\S+)/.exec(b)?.[1] && /Root Token:/.test(b)
      ? /Api Address: (http:\/\/\S+)/.exec(b)[1]
      : undefined,
);
const url = engine.value;
try {
  await request(url, 'POST', 'sys/mounts/transit', { type: 'transit' }, 'root');
  await request(url, 'POST', 'transit/keys/bench', {}, 'root');
  const plaintext = Buffer.from('4111-1111-1111-1111 exp 12/29').toString('base64');
  const {
    data: { ciphertext },
  } = await request(url, 'POST', 'transit/encrypt/bench', { plaintext }, 'root');

  const base = [],
    enc = [],
    dec = [];
  await load(1, () => request(bareUrl, 'POST', 'v1/x', { plaintext }, 'root')); // warm-up
  await load(1, () => request(url, 'POST', 'transit/encrypt/bench', { plaintext }, 'root'));
  for (let i = 0; i < ROUNDS; i++) {
    base.push(await load(SECONDS, () => request(bareUrl, 'POST', 'v1/x', { plaintext }, 'root'), bare.child.pid));
    enc.push(
      await load(SECONDS, () => request(url, 'POST', 'transit/encrypt/bench', { plaintext }, 'root'), engine.child.pid),
    );
    dec.push(
      await load(
        SECONDS,
        () => request(url, 'POST', 'transit/decrypt/bench', { ciphertext }, 'root'),
        engine.child.pid,
      ),
    );
  }
  const m = (xs, k) => median(xs.map((x) => x[k]));
  const row = (label, xs) => {
    const r = m(xs, 'rate'),
      c = m(xs, 'perCpu');
    const br = m(base, 'rate'),
      bc = m(base, 'perCpu');
    return `  ${label.padEnd(32)} ${String(Math.round(r)).padStart(6)} req/s (${(r / br).toFixed(2)}x)   ${String(Math.round(c)).padStart(6)} req per server CPU-s (${(c / bc).toFixed(2)}x)`;
  };
  console.log(
    `transit over HTTP (medians of ${ROUNDS} rounds x ${SECONDS}s, ${CONCURRENCY} in flight, keep-alive; target >= 0.45x the bare endpoint)`,
  );
  console.log(
    `  ${'baseline: bare node:http endpoint'.padEnd(32)} ${String(Math.round(m(base, 'rate'))).padStart(6)} req/s          ${String(Math.round(m(base, 'perCpu'))).padStart(6)} req per server CPU-s`,
  );
  console.log(row('transit/encrypt (aes256-gcm96)', enc));
  console.log(row('transit/decrypt (aes256-gcm96)', dec));
} finally {
  agent.destroy();
  bare.child.kill();
  engine.child.kill();
}
