/**
 * A whole database lab (30) walked by `vault-lab test` with VAULT_LAB_POSTGRES=docker over
 * the fake Docker Engine API: every walk (the solutions, each alternative, the anti-solutions
 * and their resets, the retrying learner) starts its own "container" through testcontainers,
 * and each step begins with a snapshot. Ryuk is disabled (TESTCONTAINERS_RYUK_DISABLED=true):
 * the fake runs one image only. Prove: a credential made before a step can still be revoked
 * in it (step-grants.ts), and the resets restore what the step found.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';
import { startFakeDocker, type FakeDocker } from '../support/fake-docker.js';

const run = promisify(execFile);
let docker: FakeDocker;
beforeAll(async () => {
  docker = await startFakeDocker();
});
afterAll(async () => {
  await docker?.close();
});

describe('lab 30 in containers over a fake Docker API', () => {
  it('passes every walk, each step starting from a snapshot', async () => {
    const r = await run(
      process.execPath,
      [VAULT_LAB_JS, 'test', path.join(ROOT, 'content', 'labs', '30-dynamic-db-credentials.yaml'), '--jobs', '2'],
      {
        env: {
          ...process.env,
          DOCKER_HOST: docker.dockerHost,
          TESTCONTAINERS_RYUK_DISABLED: 'true',
          VAULT_LAB_POSTGRES: 'docker',
        },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 240_000,
      },
    ).catch((e: { stdout: string; stderr: string }) => e);
    expect(r.stdout, r.stderr).toMatch(/\n\d+ passed, 0 failed\n?$/);
    const calls = docker.calls.map((c) => c.replace(/[0-9a-f]{64}/, '<id>'));
    const created = calls.filter((c) => c === 'POST /containers/create').length;
    expect(created).toBeGreaterThan(1);
    expect(calls.filter((c) => c === 'DELETE /containers/<id>').length).toBe(created);
    expect(calls.filter((c) => c.includes('unknown'))).toEqual([]);
    const sql = docker.execs.map((cmd) => cmd[cmd.indexOf('-c') + 1]);
    expect(sql.filter((q) => q.startsWith('CREATE DATABASE "vault_lab_step"')).length).toBeGreaterThan(created);
    expect(sql.filter((q) => q === 'DROP DATABASE "lab" WITH (FORCE)').length).toBeGreaterThan(0);
  }, 240_000);
});
