/**
 * The Kubernetes provider: the simulated way (a kubeconfig with the cluster's CA, and the
 * kubectl stand-in when kubectl is missing, run end to end), the choice between ways, and the kind way against fake `docker`/`kind`
 * commands on PATH that record their calls.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRunner, kubectlProblem, kubernetesProvider, plan } from '../../labs/providers/kubernetes/index.js';
import { ProviderError } from '../../labs/providers/types.js';
import { readKubeconfig } from '../../labs/providers/kubernetes/kubeconfig.js';
import { k8sRequest } from './https.js';

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
  it('simulated: a kubeconfig with the CA and token; real kubectl is left alone on PATH', async () => {
    const ws = tmp();
    const sys = await kubernetesProvider.start(ctxFor(ws, {}, 'simulated'));
    stops.push(() => sys.stop());
    expect(sys.via).toBe('simulated');
    expect(sys.label).toContain('not a real cluster');
    expect(sys.env.K8S_HOST).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fs.statSync(sys.env.KUBECONFIG).mode & 0o777).toBe(0o600);
    const kc = readKubeconfig(sys.env.KUBECONFIG);
    expect(Buffer.from(kc.caData!, 'base64').toString()).toBe(sys.simulated!.caPem);
    expect(kc.token).toBe(sys.simulated!.adminToken);
    // kubectl is installed here, so the folder holds kube-sim only (no stand-in shadows kubectl).
    expect(fs.readdirSync(sys.path![0])).toEqual(['kube-sim']);
    await sys.stop();
    stops.length = 0;
    expect(fs.existsSync(sys.env.KUBECONFIG)).toBe(false);
    expect(fs.existsSync(sys.path![0])).toBe(false);
  });

  it('simulated without kubectl: a kubectl stand-in says how to install it and runs kube-sim over TLS', async () => {
    const ws = tmp();
    const sys = await kubernetesProvider.start(ctxFor(ws, { VAULT_LAB_KUBECTL: 'kube-sim' }, 'simulated'));
    stops.push(() => sys.stop());
    expect(sys.label).toContain('kubectl is missing, kube-sim stands in for it');
    expect(fs.readdirSync(sys.path![0]).sort()).toEqual(['kube-sim', 'kubectl']);
    const env = { ...process.env, ...sys.env, HOME: ws, PATH: `${sys.path![0]}:${process.env.PATH}` };
    // Async: the simulated API server lives in this process and must keep answering.
    const run = async (line: string) => {
      try {
        const r = await promisify(execFile)('bash', ['-c', line], { env, cwd: ws, encoding: 'utf8' });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (e) {
        const x = e as { code: number; stdout: string; stderr: string };
        return { code: x.code, stdout: x.stdout, stderr: x.stderr };
      }
    };
    const created = await run('kubectl create serviceaccount myapp-sa');
    expect(created.stdout).toBe('serviceaccount/myapp-sa created\n');
    expect(created.stderr).toContain(
      'vault-lab: VAULT_LAB_KUBECTL=kube-sim asks for the stand-in. Install kubectl 1.24 or later',
    );
    expect(created.stderr).toContain('kube-sim answers for it');
    expect((await run('kubectl get sa 2>/dev/null')).stdout).toMatch(
      /^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+\d+s\nmyapp-sa\s+0/,
    );
    expect((await run('kubectl create sa myapp-sa 2>&1')).stdout).toContain(
      'serviceaccounts "myapp-sa" already exists',
    );
    expect(
      (
        await run(
          'kubectl create clusterrolebinding vault-tokenreview --clusterrole=system:auth-delegator --serviceaccount=default:myapp-sa',
        )
      ).stdout,
    ).toBe('clusterrolebinding.rbac.authorization.k8s.io/vault-tokenreview created\n');
    const canI = await run('kubectl auth can-i create tokenreviews --as=system:serviceaccount:default:myapp-sa');
    expect(canI).toMatchObject({ code: 0, stdout: 'yes\n' });
    const ca = await run(
      "kubectl config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d",
    );
    expect(ca.stdout).toBe(sys.simulated!.caPem);
    const applied = await run(
      "kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: myapp-test\nspec:\n" +
        '  serviceAccountName: myapp-sa\n  containers:\n  - name: myapp\n    image: curlimages/curl:latest\nEOF',
    );
    expect(applied.stdout).toBe('pod/myapp-test created\n');
    expect((await run("kubectl get pod myapp-test -o jsonpath='{.spec.serviceAccountName}'")).stdout).toBe('myapp-sa');
    const token = (await run('kubectl create token myapp-sa --audience vault --duration 1h')).stdout.trim();
    const review = await k8sRequest(
      sys.simulated!,
      'POST',
      '/apis/authentication.k8s.io/v1/tokenreviews',
      { spec: { token, audiences: ['vault'] } },
      token,
    );
    expect(review.status).toBe(201);
    expect(review.body.status.user.username).toBe('system:serviceaccount:default:myapp-sa');
    expect((await run('kubectl get sa nope')).stderr).toContain(
      'Error from server (NotFound): serviceaccounts "nope" not found',
    );
  });

  it('judges the kubectl on PATH: missing, older than 1.24 (no create token), or fit for the lab', () => {
    expect(kubectlProblem({ PATH: tmp() })).toBe('kubectl is not installed');
    const old = tmp();
    fs.writeFileSync(
      path.join(old, 'kubectl'),
      `#!/bin/sh\necho '{"clientVersion": {"major": "1", "minor": "20"}}'\n`,
      {
        mode: 0o755,
      },
    );
    expect(kubectlProblem({ PATH: `${old}:/usr/bin:/bin` })).toBe(
      "kubectl 1.20 is older than 1.24 and has no 'kubectl create token'",
    );
    expect(kubectlProblem(process.env)).toBeUndefined();
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
    expect(sys.path).toBeUndefined(); // kubectl is installed: nothing stands in front of it
    await sys.stop();
    const calls = fs.readFileSync(fake.log, 'utf8').trim().split('\n');
    const name = /kind create cluster --name (vault-lab-[0-9a-f]+) --wait 120s/.exec(calls.join('\n'))![1];
    expect(calls).toEqual([
      `kind create cluster --name ${name} --wait 120s`,
      `kind get kubeconfig --name ${name}`,
      `kind delete cluster --name ${name}`,
    ]);
  });

  it('kind without kubectl: a kubectl that says how to install it (kube-sim serves the simulation only)', async () => {
    const fake = fakeBin();
    const noKubectl = tmp();
    for (const b of ['bash', 'sh', 'docker', 'kind'])
      fs.symlinkSync(b === 'docker' || b === 'kind' ? path.join(fake.dir, b) : `/bin/${b}`, path.join(noKubectl, b));
    const env = { PATH: noKubectl };
    const run = (cmd: string, args: string[], o?: { timeoutMs?: number }) => defaultRunner(cmd, args, { ...o, env });
    const sys = await kubernetesProvider.start(ctxFor(tmp(), env, 'kind'), run);
    stops.push(() => sys.stop());
    const r = await promisify(execFile)('kubectl', ['get', 'pods'], {
      env: { PATH: `${sys.path![0]}:${noKubectl}` },
    }).catch((e) => e as { code: number; stderr: string });
    expect(r).toMatchObject({ code: 127 });
    expect((r as { stderr: string }).stderr).toContain(
      'vault-lab: kubectl is not installed. Install kubectl 1.24 or later: https://kubernetes.io/docs/tasks/tools/',
    );
    expect((r as { stderr: string }).stderr).toContain('--kubernetes=simulated');
  });

  it('names every way it tried when none works', async () => {
    await expect(
      kubernetesProvider.start(ctxFor(tmp(), { VAULT_LAB_KUBECONFIG: '/nowhere/config' }, 'kubeconfig')),
    ).rejects.toThrow(/Tried:\n {2}- kubeconfig: no kubeconfig at \/nowhere\/config\nChoose a way with --kubernetes=/);
  });
});
