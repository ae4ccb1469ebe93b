// What re-running a step's checks on every engine event costs. Baseline: KV writes on a
// bare in-process engine. Then the same writes with a lab session watching (it
// re-evaluates a request, a state, a capabilities and a command check after each event,
// coalescing bursts), and the cost of one full evaluation of those checks. Medians over
// batches, measured in the same run.
import { startEngine } from '../engine/index.ts';
import { parseLab } from '../labs/format/load.ts';
import { LabSession } from '../labs/runtime/session.ts';

const N = Number(process.env.BENCH_N ?? 200);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 7);
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

const lab = parseLab(
  `
id: bench
title: Bench
minutes: 1
setup:
  - api: { method: PUT, path: sys/policies/acl/ro, data: { policy: 'path "secret/data/app" { capabilities = ["read"] }' } }
steps:
  - id: s
    title: S
    body: b
    hints: [h]
    solution: ["true"]
    check:
      - request: { path: secret/data/app, operation: read, status: 200, policies: { includes: ro } }
      - state: { path: secret/data/app, expect: [ { at: data.data.n, equals: "-1" } ] }
      - capabilities: { path: secret/data/app, policy: ro, includes: [read], excludes: [update] }
      - command: { matches: "^vault kv get", exit: 0 }
`,
  'bench.yaml',
);

async function writes(engine) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++)
    await engine.request({
      operation: 'write',
      path: 'secret/data/app',
      token: engine.rootToken,
      data: { data: { n: String(i) } },
    });
  return (performance.now() - t0) / N;
}

const bare = await startEngine({ dev: true, listen: false });
const session = new LabSession({ lab, autoAdvance: false, engine: { listen: false } });
await session.start();

const base = [],
  watched = [],
  evals = [];
for (let b = 0; b < BATCHES; b++) {
  base.push(await writes(bare));
  const t0 = performance.now();
  const per = await writes(session.engine);
  await session.settle();
  watched.push(Math.max(per, (performance.now() - t0) / N));
  const t1 = performance.now();
  for (let i = 0; i < 50; i++) await session.evaluate();
  evals.push((performance.now() - t1) / 50);
}
const mb = median(base),
  mw = median(watched),
  me = median(evals);
console.log(`KV write, bare engine:               ${(mb * 1000).toFixed(0)} µs/request (median of ${BATCHES}×${N})`);
console.log(
  `KV write, lab session re-checking:    ${(mw * 1000).toFixed(0)} µs/request → ${(mw / mb).toFixed(2)}× the bare engine`,
);
console.log(
  `one evaluation of the 4 checks:       ${(me * 1000).toFixed(0)} µs (${(me / mb).toFixed(2)}× one bare write)`,
);
await session.stop();
await bare.stop();
