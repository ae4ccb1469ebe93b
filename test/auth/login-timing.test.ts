/**
 * An unknown user and a wrong password must cost the same: both run the full scrypt
 * derivation. Measured in the same run, interleaved in back-to-back pairs over HTTP; the
 * median of the paired ratios must be within 10 % (plain medians are printed too).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine, http } from '../support/engine.js';

let engine: Engine;
const USERS = 10;
beforeAll(async () => {
  engine = await devEngine();
  await http(engine, 'POST', 'sys/auth/userpass', { body: { type: 'userpass' } });
  // Enough users that no one reaches the lockout threshold (at most 4 failures each).
  for (let i = 0; i < USERS; i++) await http(engine, 'POST', `auth/userpass/users/user${i}`, { body: { password: `right-${i}` } });
});
afterAll(async () => { await engine.stop(); });

const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

async function timeLogin(user: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await http(engine, 'POST', `auth/userpass/login/${user}`, { token: null, body: { password: 'definitely-wrong' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ errors: ['invalid username or password'] });
  return ms;
}

it('unknown-user and wrong-password logins take the same time (medians within 10 %)', async () => {
  const unknown: number[] = [];
  const wrong: number[] = [];
  await timeLogin('warmup-nobody');
  for (let i = 0; i < 3 * USERS + 1; i++) {
    // Alternate which kind goes first so drift in machine load hits both equally.
    if (i % 2) { unknown.push(await timeLogin(`ghost${i}`)); wrong.push(await timeLogin(`user${i % USERS}`)); }
    else { wrong.push(await timeLogin(`user${i % USERS}`)); unknown.push(await timeLogin(`ghost${i}`)); }
  }
  const mu = median(unknown), mw = median(wrong);
  // Each pair ran back to back, so its ratio cancels the machine's load drift; the median
  // of those ratios is the relative cost of a wrong password vs an unknown user.
  const pairRatio = median(wrong.map((w, i) => w / unknown[i]));
  console.log(`login timing: unknown user median ${mu.toFixed(1)} ms, wrong password median ${mw.toFixed(1)} ms, ratio of medians ${(mw / mu).toFixed(3)}, median paired ratio ${pairRatio.toFixed(3)} (n=${unknown.length} each)`);
  // Both do a real key derivation (tens of ms), so neither can be a fast path.
  expect(Math.min(mu, mw)).toBeGreaterThan(5);
  expect(pairRatio).toBeGreaterThanOrEqual(1 / 1.10);
  expect(pairRatio).toBeLessThanOrEqual(1.10);
}, 60_000);
