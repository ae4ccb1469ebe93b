/**
 * `vault-lab clock [now | advance <duration>]`, run inside a lab shell: talks to the lab
 * session over its control channel, so a learner (or a step's solution) can move the
 * engine clock and watch TTLs and leases run out.
 */
import { parseDuration } from '../../engine/index.js';
import { controlRequest } from '../runtime/control.js';
import { CONTROL_ENV, CONTROL_KEY_ENV } from '../runtime/shell-integration.js';

const USAGE = 'Usage: vault-lab clock [now | advance <duration>]   (e.g. vault-lab clock advance 1h)\n';

export async function runClock(
  args: string[],
  out: { write(s: string): void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const address = env[CONTROL_ENV];
  const key = env[CONTROL_KEY_ENV];
  if (!address || !key) {
    process.stderr.write(
      'vault-lab clock: no lab session here. Run it in the shell of a lab (the course or `vault-lab test`), where VAULT_LAB_CONTROL is set.\n',
    );
    return 1;
  }
  let request: string;
  if (!args.length || (args.length === 1 && args[0] === 'now')) request = 'clock now';
  else if (args.length === 2 && args[0] === 'advance' && validDuration(args[1])) request = `clock advance ${args[1]}`;
  else {
    process.stderr.write(USAGE);
    return 2; // a usage error
  }
  try {
    const reply = await controlRequest(address, key, request);
    out.write(
      request === 'clock now' ? `Engine time: ${reply}\n` : `Engine clock advanced by ${args[1]}; it is now ${reply}\n`,
    );
    return 0;
  } catch (e) {
    process.stderr.write(`vault-lab clock: ${(e as Error).message}\n`);
    return 1;
  }
}

function validDuration(s: string): boolean {
  try {
    return parseDuration(s) > 0;
  } catch {
    return false;
  }
}
