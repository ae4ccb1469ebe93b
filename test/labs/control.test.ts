/**
 * The session's control channel: `vault-lab clock advance` from the lab shell moves the
 * engine clock, and the bash shell integration reports each command line (redacted)
 * with its exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSession } from '../../labs/runtime/session.js';
import { controlRequest } from '../../labs/runtime/control.js';
import { session, ONE_STEP } from './helpers.js';

let s: LabSession | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

describe('clock from the lab shell', () => {
  it('vault-lab clock advance 2h moves the engine clock and expires a token', async () => {
    s = await session(ONE_STEP('- request: { path: auth/token/lookup-self }'));
    const before = s.engine.clock.nowMs();
    await s.runCommand('export T=$(vault token create -ttl=1h -field=token)');
    const r = await s.runCommand('vault-lab clock advance 2h');
    expect(r.code).toBe(0);
    expect(r.output).toContain('Engine clock advanced by 2h');
    expect(s.engine.clock.nowMs() - before).toBeGreaterThanOrEqual(7200_000);
    const look = await s.runCommand('VAULT_TOKEN=$T vault token lookup');
    expect(look.code).toBe(2);
    expect(look.output).toContain('permission denied');
  });

  it('refuses a wrong key and an unknown request, and explains outside a lab', async () => {
    s = await session(ONE_STEP('- request: { path: auth/token/lookup-self }'));
    const env = s.env();
    await expect(controlRequest(env.VAULT_LAB_CONTROL, 'nope', 'clock now')).rejects.toThrow('not allowed');
    await expect(controlRequest(env.VAULT_LAB_CONTROL, env.VAULT_LAB_CONTROL_KEY, 'rm -rf /')).rejects.toThrow(
      'unknown request',
    );
    await expect(
      controlRequest(env.VAULT_LAB_CONTROL, env.VAULT_LAB_CONTROL_KEY, 'clock advance soon'),
    ).rejects.toThrow('invalid duration');
    const r = await s.runCommand('env -u VAULT_LAB_CONTROL vault-lab clock advance 1h');
    expect(r.code).toBe(1);
    expect(r.output).toContain('no lab session here');
  });
});

describe('shell integration', () => {
  it('an interactive bash with the rc reports each command, its exit code, redacted; checks re-run', async () => {
    s = await session(ONE_STEP('- command: { matches: "^vault kv put secret/app", exit: 0 }'));
    const rc = path.join(s.workspace, '.rc');
    fs.writeFileSync(rc, s.shellRc());
    const seen: string[] = [];
    s.on('command', (c: { line: string; exit: number }) => seen.push(`${c.exit} ${c.line}`));
    const bash = spawn('bash', ['--noprofile', '--rcfile', rc, '-i'], {
      cwd: s.workspace,
      env: s.env(),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    bash.stdin.write(
      "vault kv put secret/app password='S3cret!' user=$USER\nfalse\n\nvault kv get secret/app >/dev/null\nexit\n",
    );
    await new Promise((r) => bash.on('exit', r));
    await new Promise((r) => setTimeout(r, 200));
    await s.settle();
    expect(seen.filter((l) => l !== '0 exit')).toEqual([
      '0 vault kv put secret/app password=*** user=$USER',
      '1 false',
      '0 vault kv get secret/app >/dev/null',
    ]);
    expect(JSON.stringify(s.commands)).not.toContain('S3cret');
    expect(s.results[0].pass).toBe(true);
  });
});

describe('stopping', () => {
  it('a client that never closes its connection does not keep the session from stopping', async () => {
    const net = await import('node:net');
    s = await session(ONE_STEP('- request: { path: auth/token/lookup-self }'));
    const [host, port] = s.env().VAULT_LAB_CONTROL.split(':');
    const sock = net.connect({ host, port: Number(port) });
    await new Promise((r) => sock.on('connect', r));
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    sock.destroy();
    s = undefined;
  });
});
