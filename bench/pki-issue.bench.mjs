// PKI issuance throughput over HTTP: EC P-256 leaf certificates from a dev engine in its
// own process, with no_store and stored, in certificates/s (target >= 1,000/s with
// no_store) and as a ratio of a bare node:http JSON endpoint measured in the same run.
// Medians of alternating rounds. Needs `npm run build`.
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
      data: { certificate: 'x'.repeat(900), issuing_ca: 'x'.repeat(700), ca_chain: ['x'.repeat(700)], private_key: 'x'.repeat(227), private_key_type: 'ec', serial_number: String(body.common_name), expiration: 0 },
      wrap_info: null, warnings: null, auth: null, mount_type: 'pki' });
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
  await request(url, 'POST', 'sys/mounts/pki', { type: 'pki', config: { max_lease_ttl: '87600h' } }, 'root');
  await request(
    url,
    'POST',
    'pki/root/generate/internal',
    { common_name: 'bench.example', ttl: '87600h', key_type: 'ec' },
    'root',
  );
  const role = {
    allowed_domains: 'example.com',
    allow_subdomains: true,
    key_type: 'ec',
    key_bits: 256,
    max_ttl: '72h',
  };
  await request(url, 'POST', 'pki/roles/nostore', { ...role, no_store: true }, 'root');
  await request(url, 'POST', 'pki/roles/stored', role, 'root');
  const body = { common_name: 'svc.example.com', ttl: '24h' };

  const base = [],
    nostore = [],
    stored = [];
  await load(1, () => request(bareUrl, 'POST', 'v1/x', body, 'root')); // warm-up
  await load(1, () => request(url, 'POST', 'pki/issue/nostore', body, 'root'));
  for (let i = 0; i < ROUNDS; i++) {
    base.push(await load(SECONDS, () => request(bareUrl, 'POST', 'v1/x', body, 'root'), bare.child.pid));
    nostore.push(await load(SECONDS, () => request(url, 'POST', 'pki/issue/nostore', body, 'root'), engine.child.pid));
    stored.push(await load(SECONDS, () => request(url, 'POST', 'pki/issue/stored', body, 'root'), engine.child.pid));
  }
  const m = (xs, k) => median(xs.map((x) => x[k]));
  const row = (label, xs) => {
    const r = m(xs, 'rate'),
      c = m(xs, 'perCpu');
    return `  ${label.padEnd(32)} ${String(Math.round(r)).padStart(6)} certs/s (${(r / m(base, 'rate')).toFixed(2)}x)   ${String(Math.round(c)).padStart(6)} certs per server CPU-s (${(c / m(base, 'perCpu')).toFixed(2)}x)`;
  };
  console.log(
    `pki/issue over HTTP, a new EC P-256 key per certificate (medians of ${ROUNDS} rounds x ${SECONDS}s, ${CONCURRENCY} in flight; target >= 1000 certs/s with no_store)`,
  );
  console.log(
    `  ${'baseline: bare node:http endpoint'.padEnd(32)} ${String(Math.round(m(base, 'rate'))).padStart(6)} req/s            ${String(Math.round(m(base, 'perCpu'))).padStart(6)} req per server CPU-s`,
  );
  console.log(row('issue, no_store', nostore));
  console.log(row('issue, stored', stored));
} finally {
  agent.destroy();
  bare.child.kill();
  engine.child.kill();
}
