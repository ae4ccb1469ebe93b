/** A short crash-durability run for every test pass; test/soak/storage-crash.test.ts runs 50 cycles. */
import { expect, it } from 'vitest';
import { runCrashCycles, seeded } from './crash-harness.js';

it('loses no acknowledged write and leaves no torn entry across SIGKILLs of the server', async () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
  const r = await runCrashCycles(5, seeded(seed));
  expect(r.acknowledged, `seed ${seed}`).toBeGreaterThan(20);
  expect(r.lost, `seed ${seed}`).toEqual([]);
  expect(r.wrong, `seed ${seed}`).toEqual([]);
  expect(r.torn, `seed ${seed}`).toEqual([]);
}, 120_000);
