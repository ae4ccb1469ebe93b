/**
 * The in-process `vault` of `vault-lab test` (labs/tools/cli-host.ts): the bash shim in a
 * real shell against a real engine, compared with the binary on the same commands.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index.js';
import { type CliHost, hostedShim, parseInvocation, startCliHost } from '../../labs/tools/cli-host.js';
import type { Engine } from '../../engine/index.js';
import { devEngine, VAULT_JS } from '../support/engine.js';

let engine: Engine;
let host: CliHost;
let dir: string;
let bin: string;

beforeAll(async () => {
  engine = await devEngine();
  host = await startCliHost(runCli);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-host-'));
  bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'vault'), hostedShim(host), { mode: 0o700 });
  fs.writeFileSync(path.join(bin, 'vault-real'), `#!/bin/sh\nexec "${process.execPath}" "${VAULT_JS}" "$@"\n`, {
    mode: 0o700,
  });
  fs.mkdirSync(path.join(dir, 'ws'));
  fs.writeFileSync(path.join(dir, 'ws', 'p.hcl'), 'path "secret/data/a" { capabilities = ["read"] }\n');
  fs.writeFileSync(path.join(dir, 'ws', 'v.txt'), 'from-a-file');
});
afterAll(async () => {
  await host.close();
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function sh(script: string, env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-c', script],
      {
        cwd: path.join(dir, 'ws'),
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          HOME: dir,
          VAULT_ADDR: engine.url,
          VAULT_TOKEN: engine.rootToken,
          ...env,
        },
      },
      (e, out, err) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err }),
    );
  });
}

describe('vault-lab test runs the lab shell’s vault in its own process', () => {
  it('answers as the binary does: output, errors, exit codes, stdin, relative files, pipes', async () => {
    const lines = [
      'kv put secret/a v=@v.txt',
      'kv get -field=v secret/a',
      'kv get secret/nothing-here',
      'policy write p p.hcl',
      'policy read p',
      'frobnicate',
      'token lookup -format=json',
    ];
    for (const line of lines) {
      const hosted = await sh(`vault ${line}`);
      const real = await sh(`vault-real ${line}`);
      const norm = (s: string) =>
        s
          .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')
          .replace(/"ttl": \d+/, '"ttl": N')
          .replace(/version( +)\d+/, 'version$1N')
          .replace(/"request_id": "[^"]+"/, '"request_id": "R"');
      expect({ line, code: hosted.code, out: norm(hosted.out), err: hosted.err }).toEqual({
        line,
        code: real.code,
        out: norm(real.out),
        err: real.err,
      });
    }
    const piped = await sh(
      `echo '{"data":{"x":"from-stdin"}}' | vault write secret/data/b - >/dev/null && vault kv get -field=x secret/b | tr a-z A-Z`,
    );
    expect(piped.out).toBe('FROM-STDIN');
    const inSub = await sh(
      'T=$(vault token create -policy=p -field=token) && VAULT_TOKEN=$T vault kv get -field=v secret/a',
    );
    expect(inSub.out).toBe('from-a-file');
  }, 60_000);

  it('refuses a request without the run’s key, and the shim says when nothing answers', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/`, { method: 'POST', body: 'wrong\x000\0/\x000\0\0' });
    expect(res.status).toBe(403);
    const gone = await sh(
      `printf '%s' "$(sed 's/${host.port}/1/' ${bin}/vault)" > ${bin}/vault-gone; chmod 700 ${bin}/vault-gone; vault-gone status`,
    );
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('the vault-lab test runner is not answering');
  });

  it('reads a request body field by field', () => {
    const inv = parseInvocation(Buffer.from('k\x001\0/ws\x002\0kv\0get\0A=1\0B=x=y\0\0stdin\0bytes'));
    expect(inv).toEqual({
      key: 'k',
      withStdin: true,
      cwd: '/ws',
      argv: ['kv', 'get'],
      env: { A: '1', B: 'x=y' },
      stdin: 'stdin\0bytes',
    });
    expect(parseInvocation(Buffer.from('k\x000\0/ws\x00three\0'))).toBeUndefined();
    expect(parseInvocation(Buffer.from('k\x002\0/ws\x000\0\0'))).toBeUndefined();
  });
});
