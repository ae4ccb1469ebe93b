/**
 * Lab 40's retire-v1 step: a refused decrypt only counts when the engine refused it for the
 * reason the step teaches (`error:` on a request check), not any failed decrypt.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSession } from '../../labs/runtime/session.js';
import { ONE_STEP, session } from './helpers.js';

let s: LabSession | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

async function after(cmds: string[]) {
  for (const c of cmds) await s!.runCommand(c, undefined, { record: true });
  await s!.settle();
  return s!.evaluate();
}

const SETUP = `setup:
  - vault secrets enable transit
  - vault write -f transit/keys/orders
  - vault write -field=ciphertext transit/encrypt/orders plaintext=aGk= > v1.enc
  - vault write -f transit/keys/orders/rotate
  - vault write transit/keys/orders/config min_decryption_version=2
`;
const CHECK = "- request: { path: transit/decrypt/orders, status: 400, error: 'too old' }";

describe('request check error:', () => {
  it('a decrypt refused for another reason does not pass, and says what the error was', async () => {
    s = await session(ONE_STEP(CHECK, SETUP));
    const [r] = await after(['vault write transit/decrypt/orders ciphertext=vault:v2:Z2FyYmFnZQ== || true']);
    expect(r.pass).toBe(false);
    expect(r.message).toContain('the step wants an error matching /too old/');
  });

  it('the retired version refused for min_decryption_version passes', async () => {
    s = await session(ONE_STEP(CHECK, SETUP));
    const [r] = await after(['vault write transit/decrypt/orders ciphertext=$(cat v1.enc) || true']);
    expect(r.pass).toBe(true);
  });
});
