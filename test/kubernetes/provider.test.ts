/**
 * The Kubernetes provider: the simulated way end to end (kubeconfig, kube-sim, a pod's
 * token), the choice between ways, and the kind way against fake `docker`/`kind`
 * commands on PATH that record their calls.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRunner, kubernetesProvider, plan } from '../../labs/providers/kubernetes/index.js';
import { ProviderError } from '../../labs/providers/types.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vl-kube-'));
const ctxFor = (workspace: string, env: NodeJS.ProcessEnv = {}, prefer?: string) => ({
  workspace,
  progress: () => undefined,
  env: { ...process.env, ...env },
  prefer,
});
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** Fake commands that append their argv to a log and behave like a healthy docker/kind. */
function fakeBin(): { dir: string; log: string } {
  const dir = tmp();
  const log = path.join(dir, 'calls.log');
  const kubeconfig =
    'apiVersion: v1\nkind: Config\ncurrent-context: kind-x\nclusters:\n- name: kind-x\n  cluster:\n    server: https://127.0.0.1:6443\ncontexts:\n- name: kind-x\n  context:\n    cluster: kind-x\n    user: kind-x\nusers:\n- name: kind-x\n  user: {}\n';
  fs.writeFileSync(path.join(dir, 'docker'), `#!/bin/sh\necho "docker $*" >> "${log}"\necho 27.0.0\n`, { mode: 0o755 });
  fs.writeFileSync(
    path.join(dir, 'kind'),
    `#!/bin/sh\necho "kind $*" >> "${log}"\nif [ "$1 $2" = "get kubeconfig" ]; then printf '%s' '${kubeconfig}'; fi\n`,
    { mode: 0o755 },
  );
  return { dir, log };
}

describe('kubernetes provider', () => {
  it('simulated: writes a kubeconfig, puts kube-sim on PATH, and a pod gets a verifiable token', async () => {
    const ws = tmp();
    const sys = await kubernetesProvider.start(ctxFor(ws, {}, 'simulated'));
    stops.push(() => sys.stop());
    expect(sys.via).toBe('simulated');
    expect(sys.label).toContain('simulated');
    expect(sys.label).toContain('not a real cluster');
    expect(fs.statSync(sys.env.KUBECONFIG).mode & 0o777).toBe(0o600);
    const env = { ...process.env, ...sys.env, VAULT_LAB_WORKSPACE: ws, PATH: `${sys.path![0]}:${process.env.PATH}` };
    // Async: the simulated API server lives in this process and must keep answering.
    const run = async (args: string[]) =>
      (await promisify(execFile)('kube-sim', args, { env, cwd: ws, encoding: 'utf8' })).stdout;
    expect(await run(['create', 'serviceaccount', 'myapp-sa'])).toBe('serviceaccount/myapp-sa created\n');
    expect(await run(['get', 'serviceaccounts'])).toContain('myapp-sa');
    expect(
      await run([
        'create',
        'clusterrolebinding',
        'vault-tokenreview',
        '--clusterrole=system:auth-delegator',
        '--serviceaccount=default:myapp-sa',
      ]),
    ).toContain('created');
    expect(await run(['run', 'myapp-test', '--serviceaccount=myapp-sa'])).toContain('pod/myapp-test created');
    const token = fs.readFileSync(
      path.join(ws, 'pods', 'myapp-test', 'var', 'run', 'secrets', 'kubernetes.io', 'serviceaccount', 'token'),
      'utf8',
    );
    const review = await fetch(`${sys.env.K8S_HOST}/apis/authentication.k8s.io/v1/tokenreviews`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ spec: { token } }),
    });
    expect(review.status).toBe(201);
    expect(((await review.json()) as any).status.user.username).toBe('system:serviceaccount:default:myapp-sa');
    expect(
      await run(['exec', 'myapp-test', '--', 'sh', '-c', 'cat var/run/secrets/kubernetes.io/serviceaccount/namespace']),
    ).toBe('default');
    await sys.stop();
    stops.length = 0;
    expect(fs.existsSync(sys.env.KUBECONFIG)).toBe(false);
    expect(fs.existsSync(sys.path![0])).toBe(false);
  });

  it('chooses kind only when docker answers and kind is on PATH; otherwise the simulation', () => {
    const fake = fakeBin();
    const withFake = (cmd: string, args: string[]) =>
      defaultRunner(cmd, args, { env: { ...process.env, PATH: `${fake.dir}:${process.env.PATH}` } });
    expect(plan(ctxFor(tmp()), withFake).ways).toEqual(['kind', 'simulated']);
    const none = (cmd: string, args: string[]) => defaultRunner(cmd, args, { env: { ...process.env, PATH: tmp() } });
    const p = plan(ctxFor(tmp()), none);
    expect(p.ways).toEqual(['simulated']);
    expect(p.skipped.join(' ')).toContain('no Docker engine answers');
    expect(plan(ctxFor(tmp(), { VAULT_LAB_KUBECONFIG: '/x' }), none).ways).toEqual(['kubeconfig', 'simulated']);
    expect(() => plan(ctxFor(tmp(), {}, 'minikube'), none)).toThrow(ProviderError);
  });

  it('kind: creates a named cluster, reads its kubeconfig, and deletes it on stop', async () => {
    const fake = fakeBin();
    const run = (cmd: string, args: string[], o?: { timeoutMs?: number }) =>
      defaultRunner(cmd, args, { ...o, env: { ...process.env, PATH: `${fake.dir}:${process.env.PATH}` } });
    const ws = tmp();
    const sys = await kubernetesProvider.start(ctxFor(ws, {}, 'kind'), run);
    expect(sys.via).toBe('kind');
    expect(sys.host).toBe('https://127.0.0.1:6443');
    await sys.stop();
    const calls = fs.readFileSync(fake.log, 'utf8').trim().split('\n');
    const name = /kind create cluster --name (vault-lab-[0-9a-f]+) --wait 120s/.exec(calls.join('\n'))![1];
    expect(calls).toEqual([
      `kind create cluster --name ${name} --wait 120s`,
      `kind get kubeconfig --name ${name}`,
      `kind delete cluster --name ${name}`,
    ]);
  });

  it('names every way it tried when none works', async () => {
    await expect(
      kubernetesProvider.start(ctxFor(tmp(), { VAULT_LAB_KUBECONFIG: '/nowhere/config' }, 'kubeconfig')),
    ).rejects.toThrow(/Tried:\n {2}- kubeconfig: no kubeconfig at \/nowhere\/config\nChoose a way with --kubernetes=/);
  });
});
