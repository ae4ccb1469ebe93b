/** Every shipped lab passes `vault-lab test`: each step fails before its solution and passes after. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';

describe('shipped labs', () => {
  it('vault-lab test content/labs passes and ends with the summary line', async () => {
    const { code, stdout, results } = await new Promise<{ code: number; stdout: string; results: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [VAULT_LAB_JS, 'test', path.join('content', 'labs')],
          { cwd: ROOT, timeout: 600_000, maxBuffer: 32 * 1024 * 1024 },
          (err, out, errOut) => {
            // Progress ("starting PostgreSQL…") goes to stderr; the results and the summary to stdout.
            resolve({ code: err ? 1 : 0, stdout: out + errOut, results: out });
          },
        );
      },
    );
    const last = results.trim().split('\n').pop()!;
    expect(last).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(last.split(' ')[0])).toBeGreaterThanOrEqual(6);
    expect(stdout).not.toContain('✗');
    expect(code).toBe(0);
  }, 600_000);
});
