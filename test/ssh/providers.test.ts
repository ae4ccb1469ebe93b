/** The sshd and oathtool lab providers say what is missing and how to install it, never a stack trace. */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../labs/providers/index.js';
import { checkOathtool } from '../../labs/providers/oathtool/index.js';
import { startSshd } from '../../labs/providers/ssh/index.js';

const ctx = (env: NodeJS.ProcessEnv) => ({ workspace: os.tmpdir(), progress: () => undefined, env });

describe('lab providers for the SSH and TOTP labs', () => {
  it('oathtool: found, or named with the package that brings it', async () => {
    expect((await checkOathtool(ctx(process.env))).label).toMatch(/^oathtool \d+\.\d+/);
    const e = await checkOathtool(ctx({ PATH: '/nonexistent' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as Error).message).toMatch(/this lab needs oathtool .*`apt-get install oathtool`/);
  });

  it('sshd: a missing OpenSSH client is named with the packages to install', async () => {
    const e = await startSshd(ctx({ PATH: '/nonexistent' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as Error).message).toMatch(/ssh \(the client\), ssh-keygen are not installed: install OpenSSH/);
  });

  it('sshd as root: an account that does not exist is refused with how to create one', async () => {
    const env = { ...process.env, VAULT_LAB_SSH_USER: 'no-such-account-vl' };
    if (process.getuid?.() === 0) {
      const e = await startSshd(ctx(env)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ProviderError);
      expect((e as Error).message).toMatch(/no-such-account-vl does not exist: create it with `useradd --system/);
    } else {
      // not root: sshd runs as ourselves and the variable does not matter
      const s = await startSshd(ctx(env));
      expect(s.user).toBe(os.userInfo().username);
      await s.stop();
    }
  });
});
