/**
 * Kubernetes for labs (`needs: [kubernetes]`), three ways:
 *  1. kubeconfig — an existing cluster the learner names (`VAULT_LAB_KUBECONFIG`, or `--kubernetes=kubeconfig` with `KUBECONFIG`);
 *  2. kind — when `docker` answers and `kind` is on PATH: a named cluster created for the lab and deleted after it;
 *  3. simulated (default when neither is there) — a loopback control plane that issues real
 *     service-account JWTs and answers TokenReview. It is always labelled "simulated".
 * The lab shell gets `KUBECONFIG` and `K8S_HOST` (the API address to give `kubernetes_host`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { packageRoot } from '../../runtime/paths.js';
import { ProviderError, registerProvider, type ProvidedSystem, type ProviderContext } from '../types.js';
import { readKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { startSimulatedCluster, type SimulatedCluster } from './simulated.js';

export const WAYS = ['kubeconfig', 'kind', 'simulated'] as const;
export type KubeWay = (typeof WAYS)[number];

export interface KubernetesSystem extends ProvidedSystem {
  kind: 'kubernetes';
  via: KubeWay;
  /** The API address the engine should call (`kubernetes_host`). */
  host: string;
  /** Only for the simulated cluster: issue a service-account JWT directly (tests, checks). */
  simulated?: SimulatedCluster;
}

/** Runs a command; returns status and output (never throws). */
export type Runner = (
  cmd: string,
  args: string[],
  opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv },
) => { status: number | null; stdout: string; stderr: string; error?: string };

export const defaultRunner: Runner = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000, env: opts.env ?? process.env });
  return {
    status: r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    error: r.error ? ((r.error as NodeJS.ErrnoException).code ?? r.error.message) : undefined,
  };
};

/** Whether an executable `name` is on `PATH` (outside `skip`). */
export function onPath(name: string, pathVar: string | undefined, skip?: string): boolean {
  return (pathVar ?? '')
    .split(path.delimiter)
    .filter((d) => d && d !== skip)
    .some((d) => {
      try {
        fs.accessSync(path.join(d, name), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/**
 * Why the `kubectl` on PATH cannot serve the lab (missing, or older than 1.24, which
 * lacks `kubectl create token`), or undefined when it can.
 */
export function kubectlProblem(env: NodeJS.ProcessEnv, run: Runner = defaultRunner, skip?: string): string | undefined {
  if (env.VAULT_LAB_KUBECTL === 'kube-sim') return 'VAULT_LAB_KUBECTL=kube-sim asks for the stand-in';
  if (!onPath('kubectl', env.PATH, skip)) return 'kubectl is not installed';
  const r = run('kubectl', ['version', '--client', '-o', 'json'], { timeoutMs: 10_000, env });
  let minor = Number.NaN;
  try {
    minor = Number.parseInt(JSON.parse(r.stdout).clientVersion.minor, 10);
  } catch {
    /* an unreadable answer: judged below */
  }
  if (Number.isNaN(minor)) return `kubectl did not say its version (${(r.stderr || r.error || '').trim()})`;
  return minor < 24 ? `kubectl 1.${minor} is older than 1.24 and has no 'kubectl create token'` : undefined;
}

const INSTALL_KUBECTL =
  'Install kubectl 1.24 or later: https://kubernetes.io/docs/tasks/tools/ (macOS: brew install kubectl; ' +
  "Debian 12's kubernetes-client is 1.20, too old).";

/**
 * A folder for the lab shell's PATH: `kube-sim`, and — only when no real `kubectl` is on
 * PATH (or `VAULT_LAB_KUBECTL=kube-sim` asks for it) — a `kubectl` stand-in that says how
 * to install kubectl, then runs kube-sim with the same arguments.
 */
function kubeSimBinDir(env: NodeJS.ProcessEnv): { dir: string; stub: boolean } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-kube-'));
  const sim = `"${process.execPath}" "${path.join(packageRoot(), 'dist', 'kube-sim.js')}"`;
  fs.writeFileSync(path.join(dir, 'kube-sim'), `#!/bin/sh\nexec ${sim} "$@"\n`, { mode: 0o755 });
  const problem = kubectlProblem(env, defaultRunner, dir);
  if (problem)
    fs.writeFileSync(
      path.join(dir, 'kubectl'),
      `#!/bin/sh\n[ -n "$VAULT_LAB_KUBECTL_QUIET" ] || echo "vault-lab: ${problem}. ${INSTALL_KUBECTL} Meanwhile kube-sim answers for it (the simulated cluster only)." >&2\nexec ${sim} "$@"\n`,
      { mode: 0o755 },
    );
  return { dir, stub: !!problem };
}

/**
 * For kind or the learner's cluster: when kubectl is missing or too old, a `kubectl` that
 * only says so (kube-sim speaks to the simulated cluster alone), or undefined.
 */
function kubectlNotice(env: NodeJS.ProcessEnv): string | undefined {
  if (env.VAULT_LAB_KUBECTL === 'kube-sim') return undefined;
  const problem = kubectlProblem(env);
  if (!problem) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-kube-'));
  fs.writeFileSync(
    path.join(dir, 'kubectl'),
    `#!/bin/sh\necho "vault-lab: ${problem}. ${INSTALL_KUBECTL} (kube-sim stands in only on the simulated cluster: --kubernetes=simulated.)" >&2\nexit 127\n`,
    { mode: 0o755 },
  );
  return dir;
}

export async function startSimulated(ctx: ProviderContext): Promise<KubernetesSystem> {
  ctx.progress('starting the simulated Kubernetes cluster…');
  const cluster = await startSimulatedCluster();
  const kubeconfig = path.join(ctx.workspace, '.kube', 'config');
  writeKubeconfig(kubeconfig, {
    name: 'vault-lab-simulated',
    server: cluster.url,
    token: cluster.adminToken,
    caData: Buffer.from(cluster.caPem).toString('base64'),
  });
  const bin = kubeSimBinDir(ctx.env);
  return {
    kind: 'kubernetes',
    via: 'simulated',
    host: cluster.url,
    simulated: cluster,
    label:
      `simulated Kubernetes cluster on ${cluster.url} (not a real cluster: namespaces, service accounts, ` +
      `pods as records, RBAC bindings, tokens and TokenReview; ` +
      `${bin.stub ? 'kubectl is missing, kube-sim stands in for it' : 'use kubectl'})`,
    env: { KUBECONFIG: kubeconfig, K8S_HOST: cluster.url, VAULT_LAB_K8S: 'simulated' },
    path: [bin.dir],
    async stop() {
      await cluster.close();
      fs.rmSync(bin.dir, { recursive: true, force: true });
      fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
    },
  };
}

export async function startKind(ctx: ProviderContext, run: Runner = defaultRunner): Promise<KubernetesSystem> {
  const name = `vault-lab-${randomBytes(3).toString('hex')}`;
  ctx.progress(`creating the kind cluster ${name} (this takes a minute)…`);
  const created = run('kind', ['create', 'cluster', '--name', name, '--wait', '120s'], { timeoutMs: 300_000 });
  if (created.status !== 0)
    throw new Error(`kind create cluster failed: ${(created.stderr || created.error || '').trim().split('\n').pop()}`);
  const kc = run('kind', ['get', 'kubeconfig', '--name', name]);
  if (kc.status !== 0) {
    run('kind', ['delete', 'cluster', '--name', name], { timeoutMs: 120_000 });
    throw new Error(`kind get kubeconfig failed: ${kc.stderr.trim()}`);
  }
  const kubeconfig = path.join(ctx.workspace, '.kube', 'config');
  fs.mkdirSync(path.dirname(kubeconfig), { recursive: true, mode: 0o700 });
  fs.writeFileSync(kubeconfig, kc.stdout, { mode: 0o600 });
  const host = readKubeconfig(kubeconfig).server;
  const notice = kubectlNotice(ctx.env);
  return {
    kind: 'kubernetes',
    via: 'kind',
    host,
    label: `kind cluster ${name} (real Kubernetes in Docker) at ${host}`,
    env: { KUBECONFIG: kubeconfig, K8S_HOST: host, VAULT_LAB_K8S: 'kind' },
    ...(notice ? { path: [notice] } : {}),
    async stop() {
      run('kind', ['delete', 'cluster', '--name', name], { timeoutMs: 120_000 });
      fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
      if (notice) fs.rmSync(notice, { recursive: true, force: true });
    },
  };
}

export async function startFromKubeconfig(ctx: ProviderContext): Promise<KubernetesSystem> {
  const file = ctx.env.VAULT_LAB_KUBECONFIG || ctx.env.KUBECONFIG || path.join(os.homedir(), '.kube', 'config');
  if (!fs.existsSync(file)) throw new Error(`no kubeconfig at ${file}`);
  const t = readKubeconfig(file);
  const notice = kubectlNotice(ctx.env);
  return {
    kind: 'kubernetes',
    via: 'kubeconfig',
    host: t.server,
    label: `your cluster "${t.name}" at ${t.server} (from ${file})`,
    env: { KUBECONFIG: file, K8S_HOST: t.server, VAULT_LAB_K8S: 'kubeconfig' },
    ...(notice ? { path: [notice] } : {}),
    async stop() {
      // The learner's own cluster is left as it was.
      if (notice) fs.rmSync(notice, { recursive: true, force: true });
    },
  };
}

/** Which ways to try, in order, for the learner's choice and this machine. */
export function plan(ctx: ProviderContext, run: Runner = defaultRunner): { ways: KubeWay[]; skipped: string[] } {
  const choice = (ctx.prefer ?? ctx.env.VAULT_LAB_KUBERNETES ?? '').toLowerCase();
  if (choice) {
    if (!(WAYS as readonly string[]).includes(choice))
      throw new ProviderError(
        `unknown Kubernetes choice "${choice}": use one of ${WAYS.join(', ')} (--kubernetes=… or VAULT_LAB_KUBERNETES)`,
      );
    return { ways: [choice as KubeWay], skipped: [] };
  }
  const ways: KubeWay[] = [];
  const skipped: string[] = [];
  if (ctx.env.VAULT_LAB_KUBECONFIG) ways.push('kubeconfig');
  else skipped.push('kubeconfig: VAULT_LAB_KUBECONFIG is not set');
  const docker = run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 });
  const kind = run('kind', ['version'], { timeoutMs: 10_000 });
  if (docker.status === 0 && kind.status === 0) ways.push('kind');
  else skipped.push(`kind: ${docker.status !== 0 ? 'no Docker engine answers' : 'kind is not on PATH'}`);
  ways.push('simulated');
  return { ways, skipped };
}

export const kubernetesProvider = {
  kind: 'kubernetes' as const,
  async start(ctx: ProviderContext, run: Runner = defaultRunner): Promise<KubernetesSystem> {
    const { ways, skipped } = plan(ctx, run);
    const tried: string[] = [...skipped];
    for (const way of ways) {
      try {
        if (way === 'kubeconfig') return await startFromKubeconfig(ctx);
        if (way === 'kind') return await startKind(ctx, run);
        return await startSimulated(ctx);
      } catch (e) {
        tried.push(`${way}: ${(e as Error).message}`);
      }
    }
    throw new ProviderError(
      `could not provide a Kubernetes cluster. Tried:\n  - ${tried.join('\n  - ')}\nChoose a way with --kubernetes=simulated|kind|kubeconfig (or VAULT_LAB_KUBERNETES).`,
    );
  },
};

registerProvider(kubernetesProvider);
