/**
 * Who runs the server and how we run its binaries as that account: ourselves, or when
 * we are root an unprivileged account (postgres refuses to run as root), with private
 * folders owned by it and, when it cannot reach our binaries, a staged copy of them.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The OS account the server runs as. */
export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/**
 * Who runs the server: ourselves, or when we are root a dedicated unprivileged account
 * (`VAULT_LAB_POSTGRES_USER`, else `vault-lab-pg` when `.ci/run` created it, else `nobody`).
 */
const accounts = new Map<string, RunAs>();
export function serverAccount(env: NodeJS.ProcessEnv = process.env): RunAs | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const cached = accounts.get(env.VAULT_LAB_POSTGRES_USER ?? '');
  if (cached) return cached;
  const candidates = env.VAULT_LAB_POSTGRES_USER ? [env.VAULT_LAB_POSTGRES_USER] : ['vault-lab-pg', 'nobody'];
  for (const name of candidates) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (r.status === 0 && g.status === 0) {
      const a = { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()), name };
      accounts.set(env.VAULT_LAB_POSTGRES_USER ?? '', a);
      return a;
    }
  }
  throw new Error(
    `running as root, and none of the accounts ${candidates.join(', ')} exists to run PostgreSQL as (PostgreSQL refuses to run as root); create one with \`useradd --system vault-lab-pg\` or set VAULT_LAB_POSTGRES_USER`,
  );
}

export function spawnOpts(runAs: RunAs | null) {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

/** A private folder (0700) owned by the server account. */
export function privateDir(prefix: string, runAs: RunAs | null): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o700);
  if (runAs) fs.chownSync(dir, runAs.uid, runAs.gid);
  return dir;
}

export function run(bin: string, args: string[], runAs: RunAs | null, what: string) {
  const r = spawnSync(bin, args, {
    encoding: 'utf8',
    ...spawnOpts(runAs),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
  });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`${what} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
  return r.stdout;
}

/** `postgres --version` → `17.6`; also proves the account may execute the binaries. */
const versions = new Map<string, string>();
export function serverVersion(bindir: string, runAs: RunAs | null): string {
  const key = `${bindir}\0${runAs?.uid ?? ''}`;
  const known = versions.get(key);
  if (known) return known;
  const out = run(
    path.join(bindir, 'postgres'),
    ['--version'],
    runAs,
    `${path.join(bindir, 'postgres')} --version${runAs ? ` (as ${runAs.name})` : ''}`,
  );
  const m = /(\d+(?:\.\d+)?)/.exec(out);
  if (!m) throw new Error(`cannot read the version from "${out.trim()}"`);
  versions.set(key, m[1]);
  return m[1];
}

export function chownTree(dir: string, runAs: RunAs) {
  const r = spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir]);
  if (r.status !== 0) throw new Error(`cannot give ${dir} to ${runAs.name}: ${r.stderr?.toString().trim()}`);
}

/**
 * The binaries as the server account can run them. Started as root from a private folder
 * (say node_modules under /root), the unprivileged account cannot reach them: a read-only
 * copy of the distribution (bin, lib, share) is staged once in a root-owned folder.
 */
export function reachableBindir(bindir: string, runAs: RunAs | null): string {
  if (!runAs) return bindir;
  try {
    serverVersion(bindir, runAs);
    return bindir;
  } catch (first) {
    const root = path.dirname(bindir);
    const tag = createHash('sha256')
      .update(root + String(fs.statSync(path.join(bindir, 'postgres')).mtimeMs))
      .digest('hex')
      .slice(0, 12);
    let stage = path.join(os.tmpdir(), `vault-lab-pgdist-${tag}`);
    const trusted = (d: string) => {
      try {
        const st = fs.lstatSync(d);
        return st.isDirectory() && st.uid === 0 && (st.mode & 0o022) === 0;
      } catch {
        return false;
      }
    };
    if (fs.existsSync(stage) && !trusted(stage)) stage = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-pgdist-'));
    if (!fs.existsSync(path.join(stage, 'bin', 'postgres'))) {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-pgdist-tmp-'));
      for (const part of ['bin', 'lib', 'share']) {
        if (fs.existsSync(path.join(root, part))) spawnSync('cp', ['-a', path.join(root, part), path.join(tmp, part)]);
      }
      spawnSync('chmod', ['-R', 'a+rX,go-w', tmp]);
      fs.chmodSync(tmp, 0o755);
      try {
        fs.renameSync(tmp, stage);
      } catch {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }
    const staged = path.join(stage, 'bin');
    try {
      serverVersion(staged, runAs);
    } catch (e) {
      throw new Error(
        `${runAs.name} cannot run the PostgreSQL binaries (${(first as Error).message}), not even a copy in ${stage} (${(e as Error).message})`,
      );
    }
    return staged;
  }
}
