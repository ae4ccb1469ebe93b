/** `vault-lab test --watch`: the tests run again on every save of the lab file. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VAULT_LAB_JS } from '../support/engine.js';
import { runVaultLab } from '../support/vault-lab.js';

let dir: string | undefined;
let child: ReturnType<typeof spawn> | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('vault-lab test --watch', () => {
  it('re-runs on save: green, then red after a broken solution, then green again; SIGINT ends it with 0', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-watch-'));
    expect((await runVaultLab(['new', 'watched', '--dir', '.'], { cwd: dir })).code).toBe(0);
    const file = path.join(dir, 'watched.yaml');
    const good = fs.readFileSync(file, 'utf8');
    child = spawn(process.execPath, [VAULT_LAB_JS, 'test', 'watched.yaml', '--watch'], {
      cwd: dir,
      env: { ...process.env, VAULT_LAB_DATA_DIR: path.join(dir, 'data') },
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    const waitFor = async (re: RegExp, from: number) => {
      const t0 = Date.now();
      while (!re.test(out.slice(from))) {
        if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${re}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return out.length;
    };
    let at = await waitFor(/\d+ passed, 0 failed[\s\S]*watching/, 0);
    fs.writeFileSync(file, good.replace(/solution:\n(\s+)- /, 'solution:\n$1- "true" # '));
    at = await waitFor(/\d+ passed, [1-9]\d* failed[\s\S]*watching/, at);
    fs.writeFileSync(file, good);
    await waitFor(/\d+ passed, 0 failed[\s\S]*watching/, at);
    child.kill('SIGINT');
    const code = await new Promise((r) => child!.on('exit', r));
    expect(code).toBe(0);
  }, 120_000);
});
