// Dynamic credential issue rate over HTTP: `GET database/creds/<role>` against the embedded
// PostgreSQL (each read runs CREATE ROLE + GRANT in the database), sequential and with 4 in
// flight, then the revocation rate (DROP ROLE) of every lease issued. Baseline in the same
// engine and run: KV v2 reads of one secret. Medians of rounds. Needs no build.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const { startEngine } = await import(path.join(root, 'engine/index.ts'));
const { startPostgres } = await import(path.join(root, 'labs/providers/postgres/index.ts'));

const pgs = await startPostgres({ workspace: root, progress: () => undefined, env: process.env });
const engine = await startEngine({ dev: true, rootTokenId: 'root', listen: '127.0.0.1:0' });
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
function call(method, p, body) {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${engine.url}/v1/${p}`,
      { method, agent, headers: { 'X-Vault-Token': 'root', ...(data ? { 'Content-Type': 'application/json' } : {}) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const t = Buffer.concat(chunks).toString();
          if (res.statusCode >= 300 && res.statusCode !== 202)
            reject(new Error(`${method} ${p}: ${res.statusCode} ${t}`));
          else resolve(t ? JSON.parse(t) : null);
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

await call('POST', 'sys/mounts/database', { type: 'database' });
await call('POST', 'database/config/labdb', {
  plugin_name: 'postgresql-database-plugin',
  allowed_roles: '*',
  max_open_connections: 4,
  connection_url: `postgresql://{{username}}:{{password}}@${pgs.host}:${pgs.port}/${pgs.database}?sslmode=disable`,
  username: pgs.env.LAB_PG_ADMIN_USER,
  password: pgs.env.LAB_PG_ADMIN_PASSWORD,
});
await call('POST', 'database/roles/readonly', {
  db_name: 'labdb',
  default_ttl: '1h',
  creation_statements: `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`,
});
await call('POST', 'secret/data/app', { data: { user: 'u', password: 'p' } });

const leases = [];
async function rate(fn, inFlight) {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await fn();
        n++;
      }
    }),
  );
  return n / SECONDS;
}
const creds = async () => {
  const r = await call('GET', 'database/creds/readonly');
  leases.push(r.lease_id);
};
const kv = () => call('GET', 'secret/data/app');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

// Revoke each round's leases before the next round, so the tables' ACLs (one entry per
// live user) do not grow from round to round and slow later rounds down.
const revRates = [];
let issued = 0;
async function revokeAll() {
  const ids = leases.splice(0);
  issued += ids.length;
  const t0 = performance.now();
  for (const id of ids) await call('PUT', 'sys/leases/revoke', { lease_id: id });
  revRates.push(ids.length / ((performance.now() - t0) / 1000));
}
const r = { kv1: [], c1: [], kv4: [], c4: [] };
for (let i = 0; i < ROUNDS; i++) {
  r.kv1.push(await rate(kv, 1));
  r.c1.push(await rate(creds, 1));
  await revokeAll();
  r.kv4.push(await rate(kv, 4));
  r.c4.push(await rate(creds, 4));
  await revokeAll();
}
const revokeRate = median(revRates);
const left = (await pgs.query("SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE 'v-%'")).rows[0].n;

const f = (x) => `${x.toFixed(0)}/s`;
console.log(`${pgs.label}; ${SECONDS}s x ${ROUNDS} rounds`);
console.log(
  `creds, 1 in flight    ${f(median(r.c1)).padStart(8)}   kv read baseline ${f(median(r.kv1)).padStart(8)}   ratio ${(median(r.c1) / median(r.kv1)).toFixed(3)}`,
);
console.log(
  `creds, 4 in flight    ${f(median(r.c4)).padStart(8)}   kv read baseline ${f(median(r.kv4)).padStart(8)}   ratio ${(median(r.c4) / median(r.kv4)).toFixed(3)}`,
);
console.log(
  `revocations (sync)    ${f(revokeRate).padStart(8)}   median of ${revRates.length} batches, ${issued} leases in all; generated roles left afterwards: ${left}`,
);
await engine.stop();
await pgs.stop();
process.exit(left === 0 ? 0 : 1);
