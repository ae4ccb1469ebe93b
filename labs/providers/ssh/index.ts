/**
 * A real OpenSSH server for labs (`needs: [sshd]`): Debian's `sshd` on a free loopback port,
 * run as an unprivileged account, trusting only the user CA keys the learner installs.
 *
 * An sshd that is not root can only log its own account in. So it runs as ourselves, or
 * when we are root as `vault-lab-ssh` (created by `.ci/run`; `VAULT_LAB_SSH_USER` names
 * another), and `AuthorizedPrincipalsFile` maps the certificate's principal to that
 * account: a certificate for `learner` logs in, any other principal is refused. There are
 * no authorized_keys and no passwords: a certificate from a trusted CA is the only way in.
 *
 * The lab shell gets `LAB_SSH_CONFIG` (an ssh client config with the host `lab`),
 * `LAB_SSH_HOST`, `LAB_SSH_PORT`, `LAB_SSH_USER`, `LAB_SSH_PRINCIPAL`, `LAB_SSH_TRUSTED_CA`
 * (the file sshd reads as `TrustedUserCAKeys`, empty at first), `LAB_SSH_LOG` and
 * `LAB_SSH_KNOWN_HOSTS` (the server's host key, for ssh without the config).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ProviderError, registerProvider, type ProvidedSystem, type ProviderContext } from '../types.js';

/** The principal the lab's sshd lets in (as its one account). */
export const LAB_PRINCIPAL = 'learner';

export interface SshdSystem extends ProvidedSystem {
  kind: 'sshd';
  port: number;
  user: string;
  trustedCaFile: string;
  logFile: string;
  clientConfig: string;
}

/** A program on PATH or in the sbin folders (sshd lives in /usr/sbin, often off a user's PATH). */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

const INSTALL = 'install OpenSSH (Debian/Ubuntu: `apt-get install openssh-server openssh-client`)';

interface Account {
  name: string;
  uid: number;
  gid: number;
  root: boolean;
}

function account(env: NodeJS.ProcessEnv): Account {
  const me = os.userInfo();
  if (me.uid !== 0) return { name: me.username, uid: me.uid, gid: me.gid, root: false };
  const name = env.VAULT_LAB_SSH_USER || 'vault-lab-ssh';
  const u = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (u.status !== 0 || g.status !== 0)
    throw new ProviderError(
      `this lab starts an OpenSSH server, and as root it runs it as an unprivileged account, but ${name} does not exist: create it with \`useradd --system --no-create-home --home-dir /tmp --shell /bin/sh ${name}\` (or set VAULT_LAB_SSH_USER to an existing account with a shell)`,
    );
  return { name, uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()), root: true };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

function sshdConfig(dir: string, port: number, user: string): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_ed25519')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    // Certificates only: no authorized_keys, no passwords, and only this one account.
    'AuthorizedKeysFile none',
    `TrustedUserCAKeys ${path.join(dir, 'trusted-user-ca-keys.pub')}`,
    `AuthorizedPrincipalsFile ${path.join(dir, 'principals')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    'UsePAM no',
    `AllowUsers ${user}`,
    `PermitRootLogin ${user === 'root' ? 'prohibit-password' : 'no'}`,
    // The lab's files live under the temp folder (world-writable), which StrictModes refuses.
    'StrictModes no',
    'AllowTcpForwarding no',
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'PermitUserEnvironment no',
    'PrintMotd no',
    'LogLevel VERBOSE',
    'MaxStartups 50',
    '',
  ].join('\n');
}

/** Starts sshd for a lab. @throws ProviderError naming what is missing and how to install it. */
export async function startSshd(ctx: ProviderContext): Promise<SshdSystem> {
  const sshd = findProgram('sshd', ctx.env);
  const keygen = findProgram('ssh-keygen', ctx.env);
  const client = findProgram('ssh', ctx.env);
  const missing = [!sshd && 'sshd (the server)', !client && 'ssh (the client)', !keygen && 'ssh-keygen'].filter(
    Boolean,
  );
  if (missing.length)
    throw new ProviderError(
      `this lab needs OpenSSH, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed: ${INSTALL}`,
    );
  const acct = account(ctx.env);
  ctx.progress('starting OpenSSH sshd…');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-sshd-'));
  fs.chmodSync(dir, 0o755);
  const hostKey = path.join(dir, 'host_ed25519');
  const kg = spawnSync(keygen!, ['-q', '-t', 'ed25519', '-N', '', '-C', 'vault-lab-sshd', '-f', hostKey], {
    encoding: 'utf8',
  });
  if (kg.status !== 0) throw new ProviderError(`ssh-keygen could not make the lab's host key: ${kg.stderr.trim()}`);
  const trusted = path.join(dir, 'trusted-user-ca-keys.pub');
  const principals = path.join(dir, 'principals');
  const log = path.join(dir, 'sshd.log');
  const pid = path.join(dir, 'sshd.pid');
  fs.writeFileSync(pid, '', { mode: 0o644 });
  fs.writeFileSync(trusted, '', { mode: 0o644 });
  fs.writeFileSync(principals, `${LAB_PRINCIPAL}\n`, { mode: 0o644 });
  fs.writeFileSync(log, '', { mode: 0o644 });
  if (acct.root)
    for (const f of [hostKey, `${hostKey}.pub`, trusted, principals, log, pid]) fs.chownSync(f, acct.uid, acct.gid);
  const hostPub = fs.readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');

  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    const conf = path.join(dir, 'sshd_config');
    fs.writeFileSync(conf, sshdConfig(dir, port, acct.name), { mode: 0o644 });
    const c = spawn(sshd!, ['-D', '-f', conf, '-E', log], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(acct.root ? { uid: acct.uid, gid: acct.gid } : {}),
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    });
    let stderr = '';
    c.stderr!.setEncoding('utf8');
    c.stderr!.on('data', (s: string) => {
      stderr += s;
    });
    let exited = false;
    c.once('exit', () => {
      exited = true;
    });
    c.once('error', (e) => {
      stderr += e.message;
      exited = true;
    });
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline && !(await connects(port))) await new Promise((r) => setTimeout(r, 20));
    if (!exited && Date.now() < deadline) {
      child = c;
      break;
    }
    c.kill('SIGKILL');
    const why = `${stderr}\n${fs.readFileSync(log, 'utf8')}`.trim().split('\n').slice(-3).join(' ');
    if (attempt === 2 || !/Address already in use|Bind to port/.test(why)) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new ProviderError(`sshd did not start${acct.root ? ` as ${acct.name}` : ''}: ${why || 'no output'}`);
    }
  }

  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`, { mode: 0o644 });
  const clientConfig = path.join(dir, 'ssh_config');
  fs.writeFileSync(
    clientConfig,
    [
      'Host lab',
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${acct.name}`,
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  IdentitiesOnly yes',
      '  BatchMode yes',
      '  PasswordAuthentication no',
      '  ConnectTimeout 10',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const running = child!;
  const version = /OpenSSH_[\w.]+/.exec(spawnSync(client!, ['-V'], { encoding: 'utf8' }).stderr)?.[0] ?? 'OpenSSH';
  let stopped = false;
  return {
    kind: 'sshd',
    via: 'system',
    label: `${version} sshd on 127.0.0.1:${port} (logs in ${acct.name} with a certificate for principal ${LAB_PRINCIPAL})`,
    port,
    user: acct.name,
    trustedCaFile: trusted,
    logFile: log,
    clientConfig,
    env: {
      LAB_SSH_CONFIG: clientConfig,
      LAB_SSH_HOST: '127.0.0.1',
      LAB_SSH_PORT: String(port),
      LAB_SSH_USER: acct.name,
      LAB_SSH_PRINCIPAL: LAB_PRINCIPAL,
      LAB_SSH_TRUSTED_CA: trusted,
      LAB_SSH_LOG: log,
      LAB_SSH_KNOWN_HOSTS: knownHosts,
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (running.exitCode === null && running.signalCode === null) {
        const gone = new Promise((r) => running.once('exit', r));
        running.kill('SIGTERM');
        const t = setTimeout(() => running.kill('SIGKILL'), 3000);
        await gone;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

registerProvider({ kind: 'sshd', start: startSshd });
