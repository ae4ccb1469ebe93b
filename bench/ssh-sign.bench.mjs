// SSH certificate signing over HTTP: ssh/sign/<role> with an Ed25519 CA and an Ed25519 user
// key, from a dev engine in its own process, in certificates/s (target >= 1,000/s), and as
// a ratio of a bare node:http endpoint measured in the same run that does only the
// signature: crypto.sign(ed25519) over a certificate body of the same size, answered in a
// Vault-sized envelope. Medians of alternating rounds. Needs `npm run build`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agent, CONCURRENCY, load, median, request, root, start } from './lib/harness.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

// The bare endpoint: parse the JSON body, sign a certificate-sized body with Ed25519, answer.
const BARE = `
const http = require('node:http');
const crypto = require('node:crypto');
const ca = crypto.generateKeyPairSync('ed25519').privateKey;
const s = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    const tbs = Buffer.concat([Buffer.from(body.public_key), crypto.randomBytes(32), Buffer.alloc(180, 1)]);
    const sig = crypto.sign(null, tbs, ca);
    const out = JSON.stringify({ request_id: '00000000-0000-0000-0000-000000000000', lease_id: '', renewable: false, lease_duration: 0,
      data: { serial_number: crypto.randomBytes(8).toString('hex'), signed_key: 'ssh-ed25519-cert-v01@openssh.com ' + Buffer.concat([tbs, sig]).toString('base64') + '\\n' },
      wrap_info: null, warnings: null, auth: null, mount_type: 'ssh' });
    res.setHeader('Content-Type', 'application/json');
    res.end(out);
  });
});
s.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-bench-'));
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'k')]);
const publicKey = fs.readFileSync(path.join(dir, 'k.pub'), 'utf8');

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
  await request(url, 'POST', 'sys/mounts/ssh', { type: 'ssh' }, 'root');
  await request(url, 'POST', 'ssh/config/ca', { key_type: 'ed25519' }, 'root');
  await request(
    url,
    'POST',
    'ssh/roles/r',
    {
      key_type: 'ca',
      allow_user_certificates: true,
      allowed_users: '*',
      default_extensions: { 'permit-pty': '' },
      ttl: '1h',
    },
    'root',
  );
  const body = { public_key: publicKey, valid_principals: 'alice' };
  const base = [],
    sign = [];
  await load(1, () => request(bareUrl, 'POST', 'v1/x', body, 'root')); // warm-up
  await load(1, () => request(url, 'POST', 'ssh/sign/r', body, 'root'));
  for (let i = 0; i < ROUNDS; i++) {
    base.push(await load(SECONDS, () => request(bareUrl, 'POST', 'v1/x', body, 'root'), bare.child.pid));
    sign.push(await load(SECONDS, () => request(url, 'POST', 'ssh/sign/r', body, 'root'), engine.child.pid));
  }
  const m = (xs, k) => median(xs.map((x) => x[k]));
  console.log(
    `ssh/sign over HTTP, Ed25519 CA, Ed25519 user key (medians of ${ROUNDS} rounds x ${SECONDS}s, ${CONCURRENCY} in flight; target >= 1000 certs/s)`,
  );
  console.log(
    `  ${'baseline: bare node:http + crypto.sign'.padEnd(40)} ${String(Math.round(m(base, 'rate'))).padStart(6)} certs/s          ${String(Math.round(m(base, 'perCpu'))).padStart(6)} per server CPU-s`,
  );
  const r = m(sign, 'rate'),
    c = m(sign, 'perCpu');
  console.log(
    `  ${'ssh/sign/<role>'.padEnd(40)} ${String(Math.round(r)).padStart(6)} certs/s (${(r / m(base, 'rate')).toFixed(2)}x)   ${String(Math.round(c)).padStart(6)} per server CPU-s (${(c / m(base, 'perCpu')).toFixed(2)}x)`,
  );
} finally {
  agent.destroy();
  bare.child.kill();
  engine.child.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
