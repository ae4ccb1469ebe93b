/**
 * An unknown user and a wrong password must cost the same: both run the full scrypt
 * derivation. Checked exactly (each login starts one derivation with the same cost
 * parameters) and by time: interleaved in back-to-back pairs over HTTP, the median of the
 * paired ratios must be within 20 %. A fast path for either would be off by an order of
 * magnitude; on a 2-core machine running the rest of the suite, pairs drift by ±10 %.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http } from '../support/engine.js';
import { derivations } from '../../engine/auth/userpass/password.js';

let engine: Engine;
const USERS = 10;
beforeAll(async () => {
  engine = await devEngine();
  await http(engine, 'POST', 'sys/auth/userpass', { body: { type: 'userpass' } });
  // Enough users that no one reaches the lockout threshold (at most 4 failures each).
  for (let i = 0; i < USERS; i++)
    await http(engine, 'POST', `auth/userpass/users/user${i}`, { body: { password: `right-${i}` } });
});
afterAll(async () => {
  await engine.stop();
});

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

async function timeLogin(user: string): Promise<number> {
  const before = new Map(derivations);
  const t0 = process.hrtime.bigint();
  const r = await http(engine, 'POST', `auth/userpass/login/${user}`, {
    token: null,
    body: { password: 'definitely-wrong' },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ errors: ['invalid username or password'] });
  // Exactly one derivation, at the cost every stored hash uses.
  const started = [...derivations].map(([cost, n]) => [cost, n - (before.get(cost) ?? 0)]).filter(([, n]) => n);
  expect(started).toEqual([['16384/8/1', 1]]);
  return ms;
}

it('unknown-user and wrong-password logins run the same derivation and take the same time (within 20 %)', async () => {
  const unknown: number[] = [];
  const wrong: number[] = [];
  await timeLogin('warmup-nobody');
  for (let i = 0; i < 3 * USERS + 1; i++) {
    // Alternate which kind goes first so drift in machine load hits both equally.
    if (i % 2) {
      unknown.push(await timeLogin(`ghost${i}`));
      wrong.push(await timeLogin(`user${i % USERS}`));
    } else {
      wrong.push(await timeLogin(`user${i % USERS}`));
      unknown.push(await timeLogin(`ghost${i}`));
    }
  }
  const mu = median(unknown),
    mw = median(wrong);
  // Each pair ran back to back, so its ratio cancels the machine's load drift; the median
  // of those ratios is the relative cost of a wrong password vs an unknown user.
  const pairRatio = median(wrong.map((w, i) => w / unknown[i]));
  console.log(
    `login timing: unknown user median ${mu.toFixed(1)} ms, wrong password median ${mw.toFixed(1)} ms, ratio of medians ${(mw / mu).toFixed(3)}, median paired ratio ${pairRatio.toFixed(3)} (n=${unknown.length} each)`,
  );
  // Both do a real key derivation (tens of ms), so neither can be a fast path.
  expect(Math.min(mu, mw)).toBeGreaterThan(5);
  expect(pairRatio).toBeGreaterThanOrEqual(1 / 1.2);
  expect(pairRatio).toBeLessThanOrEqual(1.2);
}, 60_000);
