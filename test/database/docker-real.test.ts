/**
 * The docker way against this machine's Docker, whichever it is: where a Docker daemon
 * answers (DOCKER_HOST or the default socket), a real `postgres:17-alpine` container with
 * the lab fixture; where none answers, the learner is told so in one clear sentence.
 * Either way the test asserts something (no skipped test).
 */
import { describe, expect, it } from 'vitest';
import { pingDocker } from '../../labs/providers/postgres/docker.js';
import { startPostgres } from '../../labs/providers/postgres/index.js';
import { ProviderError } from '../../labs/providers/types.js';

const dockerAnswers = await pingDocker(process.env).then(
  () => true,
  () => false,
);
const ctx = () => ({
  workspace: process.cwd(),
  progress: () => undefined,
  env: { ...process.env, VAULT_LAB_POSTGRES: 'docker' },
});

describe(`VAULT_LAB_POSTGRES=docker on this machine (${dockerAnswers ? 'Docker answers' : 'no Docker'})`, () => {
  it('starts postgres:17-alpine with the lab fixture, or says that Docker is not reachable', async () => {
    if (dockerAnswers) {
      const pgs = await startPostgres(ctx());
      try {
        expect(pgs.via).toBe('docker');
        expect((await pgs.query('SELECT count(*)::int AS n FROM products')).rows[0].n).toBe(3);
        expect(await pgs.tryLogin('vaultadmin', pgs.env.LAB_PG_ADMIN_PASSWORD)).toBeNull();
        await pgs.snapshot!();
        await pgs.query('DELETE FROM orders');
        await pgs.restore!();
        expect((await pgs.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(2);
      } finally {
        await pgs.stop();
      }
      return;
    }
    const err = (await startPostgres(ctx()).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(
      /^PostgreSQL could not be started\. Tried:\n {2}- docker: Docker is not reachable: \S.+\n/,
    );
    expect(err.message).not.toMatch(/\n\s+at /); // no stack trace in what the learner reads
    expect(err.message).toContain('Other ways (choose one with VAULT_LAB_POSTGRES=<way>)');
  }, 180_000);

  it('names a DOCKER_HOST it cannot use', async () => {
    const err = (await pingDocker({ DOCKER_HOST: 'ssh://somewhere' }).catch((e) => e)) as Error;
    expect(err.message).toBe('Docker is not reachable: DOCKER_HOST=ssh://somewhere is not a unix:// or tcp:// address');
    const gone = (await pingDocker({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }).catch((e) => e)) as Error;
    expect(gone.message).toBe(
      'Docker is not reachable: nothing answers at unix:///nonexistent/docker.sock (start Docker, or point DOCKER_HOST at it)',
    );
  });
});
