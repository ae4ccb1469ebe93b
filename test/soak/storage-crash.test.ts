/**
 * Crash durability, the long run: 50 SIGKILLs of the server at random moments while four
 * writers put keys. 0 acknowledged writes lost, 0 torn entries. Run with
 * `npx vitest run --config test/soak/vitest.config.ts` (excluded from `npm test`).
 */
import { expect, it } from 'vitest';
import { runCrashCycles, seeded } from '../storage/crash-harness.js';

it('50 kill -9 cycles: 0 acknowledged writes lost, 0 torn entries', async () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
  const r = await runCrashCycles(50, seeded(seed));
  console.log(
    `crash soak (seed ${seed}): ${r.cycles} cycles, ${r.acknowledged} acknowledged writes, ${r.inFlightAtKill} requests in flight at the kills, ${r.lost.length} lost, ${r.torn.length} torn`,
  );
  expect(r.lost).toEqual([]);
  expect(r.wrong).toEqual([]);
  expect(r.torn).toEqual([]);
  expect(r.acknowledged).toBeGreaterThan(500);
}, 900_000);
