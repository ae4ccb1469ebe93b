/**
 * The real `kubectl` binary (a process, v1.30+) against the simulated cluster over TLS:
 * every kind of command lab 60 types, with kubectl's own output and exit codes, the
 * refusals a learner meets (NotFound, AlreadyExists, Unauthorized, Forbidden, Invalid),
 * a kubeconfig with the wrong CA refused by kubectl, and a token from
 * `kubectl create token` logging in to the engine through TokenReview over HTTPS.
 * kubectl must be installed (.ci/run installs Debian's package): these tests never skip.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { writeKubeconfig } from '../../labs/providers/kubernetes/kubeconfig.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../labs/providers/kubernetes/simulated.js';
import { devEngine, http } from '../support/engine.js';

let cluster: SimulatedCluster;
let other: SimulatedCluster;
let dir = '';
let kubeconfig = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs a shell line as the lab shell would: bash, KUBECONFIG and HOME set, kubectl from PATH. */
function sh(line: string, config = kubeconfig): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', line],
      { cwd: dir, env: { ...process.env, KUBECONFIG: config, HOME: dir }, encoding: 'utf8', timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const heredoc = (yaml: string) => `kubectl apply -f - <<'EOF'\n${yaml}EOF`;
const SA = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: myapp-sa\n  namespace: default\n';
const CRB = (role: string) =>
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: vault-tokenreview\n' +
  `roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: ${role}\n` +
  'subjects:\n- kind: ServiceAccount\n  name: vault-reviewer\n  namespace: default\n';
const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: myapp-test\n  namespace: default\nspec:\n  serviceAccountName: myapp-sa\n' +
  '  containers:\n  - name: myapp\n    image: curlimages/curl:latest\n    command: ["sleep", "3600"]\n';

beforeAll(async () => {
  cluster = await startSimulatedCluster();
  other = await startSimulatedCluster();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-kubectl-'));
  kubeconfig = path.join(dir, '.kube', 'config');
  const ca = (c: SimulatedCluster) => Buffer.from(c.caPem).toString('base64');
  writeKubeconfig(kubeconfig, { name: 'sim', server: cluster.url, token: cluster.adminToken, caData: ca(cluster) });
});
afterAll(async () => {
  await cluster.close();
  await other.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('real kubectl against the simulated cluster', () => {
  it('is installed and talks to the cluster over HTTPS (discovery, version)', async () => {
    const v = await sh('kubectl version -o json');
    expect(v.code).toBe(0);
    const j = JSON.parse(v.stdout);
    expect(Number.parseInt(j.clientVersion.minor, 10)).toBeGreaterThanOrEqual(30);
    expect(j.serverVersion.gitVersion).toContain('vault-lab-simulated');
    expect(cluster.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await sh('kubectl api-resources --no-headers');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^serviceaccounts\s+sa\s+v1\s+true\s+ServiceAccount$/m);
    expect(res.stdout).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    expect(res.stdout).toMatch(/^tokenreviews\s+authentication\.k8s\.io\/v1\s+false\s+TokenReview$/m);
  });

  it('creates, lists, reads and deletes namespaces and service accounts, with kubectl output', async () => {
    expect(await sh('kubectl create serviceaccount myapp-sa')).toMatchObject({
      code: 0,
      stdout: 'serviceaccount/myapp-sa created\n',
    });
    const again = await sh('kubectl create sa myapp-sa -n default');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: failed to create serviceaccount: serviceaccounts "myapp-sa" already exists\n');
    const list = await sh('kubectl get serviceaccounts');
    expect(list.stdout).toMatch(/^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+\d+s\nmyapp-sa\s+0\s+\d+s\n$/);
    expect((await sh('kubectl get sa myapp-sa -o name')).stdout).toBe('serviceaccount/myapp-sa\n');
    const json = JSON.parse((await sh('kubectl get sa myapp-sa -n default -o json')).stdout);
    expect(json).toMatchObject({ kind: 'ServiceAccount', metadata: { name: 'myapp-sa', namespace: 'default' } });
    expect((await sh('kubectl get sa myapp-sa -o yaml')).stdout).toMatch(/^apiVersion: v1\nkind: ServiceAccount\n/);
    const missing = await sh('kubectl get sa nope');
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): serviceaccounts "nope" not found\n',
    });

    expect((await sh('kubectl create namespace myapp')).stdout).toBe('namespace/myapp created\n');
    expect((await sh('kubectl create serviceaccount myapp-sa -n myapp')).stdout).toBe(
      'serviceaccount/myapp-sa created\n',
    );
    expect((await sh('kubectl get ns')).stdout).toMatch(/^myapp\s+Active\s+\d+s$/m);
    expect((await sh('kubectl delete namespace myapp')).stdout).toBe('namespace "myapp" deleted\n');
    expect((await sh('kubectl get sa -n myapp')).stderr).toContain('namespaces "myapp" not found');
    expect((await sh('kubectl create sa doomed && kubectl delete sa doomed')).stdout).toBe(
      'serviceaccount/doomed created\nserviceaccount "doomed" deleted\n',
    );
  });

  it('binds a reviewer, and auth can-i answers yes/no with the exit code, also through --as', async () => {
    await sh('kubectl create serviceaccount vault-reviewer');
    const crb = await sh(
      'kubectl create clusterrolebinding vault-tokenreview --clusterrole=system:auth-delegator --serviceaccount=default:vault-reviewer',
    );
    expect(crb).toMatchObject({
      code: 0,
      stdout: 'clusterrolebinding.rbac.authorization.k8s.io/vault-tokenreview created\n',
    });
    const wide = await sh('kubectl get clusterrolebinding vault-tokenreview -o wide');
    expect(wide.stdout).toMatch(
      /vault-tokenreview\s+ClusterRole\/system:auth-delegator\s+\d+s\s+default\/vault-reviewer/,
    );
    const as = (sa: string) =>
      sh(`kubectl auth can-i create tokenreviews.authentication.k8s.io --as=system:serviceaccount:default:${sa}`);
    expect(await as('vault-reviewer')).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await as('myapp-sa')).toMatchObject({ code: 1, stdout: 'no\n' });
    expect((await sh('kubectl auth can-i create pods')).stdout).toBe('yes\n');
    expect((await sh('kubectl auth whoami --as=system:serviceaccount:default:myapp-sa')).stdout).toMatch(
      /^ATTRIBUTE\s+VALUE\nUsername\s+system:serviceaccount:default:myapp-sa\n/,
    );
    // A token of myapp-sa as the kubeconfig's credential: kubectl is refused with the API's wording.
    const asSa = path.join(dir, 'as-sa');
    writeKubeconfig(asSa, {
      name: 'sa',
      server: cluster.url,
      token: await cluster.issueToken('default', 'myapp-sa'),
      caData: Buffer.from(cluster.caPem).toString('base64'),
    });
    const denied = await sh('kubectl get ns', asSa);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(
      'namespaces is forbidden: User "system:serviceaccount:default:myapp-sa" cannot list resource "namespaces" in API group "" at the cluster scope',
    );
  });

  it('create token: a JWT with the asked audience and duration, which the engine accepts over TLS', async () => {
    const t = await sh('kubectl create token myapp-sa --audience vault --duration 24h');
    expect(t.code).toBe(0);
    const claims = JSON.parse(Buffer.from(t.stdout.trim().split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ aud: ['vault'], sub: 'system:serviceaccount:default:myapp-sa' });
    expect(claims.exp - claims.iat).toBe(86400);
    const short = await sh('kubectl create token myapp-sa --duration 1m');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('may not specify a duration less than 10 minutes');
    expect((await sh('kubectl create token nope')).stderr).toBe(
      'error: failed to create token: serviceaccounts "nope" not found\n',
    );

    // The lab's step 3, as typed: the CA from the kubeconfig, the reviewer token from kubectl.
    const ca = await sh(
      "kubectl config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d",
    );
    expect(ca.stdout).toBe(cluster.caPem);
    const engine: Engine = await devEngine();
    try {
      const reviewer = (await sh('kubectl create token vault-reviewer --duration 24h')).stdout.trim();
      await http(engine, 'POST', 'sys/auth/kubernetes', { body: { type: 'kubernetes' } });
      const role = {
        bound_service_account_names: 'myapp-sa',
        bound_service_account_namespaces: 'default',
        policies: 'p',
      };
      await http(engine, 'POST', 'auth/kubernetes/role/myapp-role', { body: role });
      const login = async () =>
        http(engine, 'POST', 'auth/kubernetes/login', {
          token: null,
          body: { role: 'myapp-role', jwt: (await sh('kubectl create token myapp-sa')).stdout.trim() },
        });
      // Without the CA the engine cannot trust the API server's certificate.
      await http(engine, 'POST', 'auth/kubernetes/config', {
        body: { kubernetes_host: cluster.url, token_reviewer_jwt: reviewer },
      });
      expect((await login()).status).not.toBe(200);
      await http(engine, 'POST', 'auth/kubernetes/config', {
        body: { kubernetes_host: cluster.url, kubernetes_ca_cert: ca.stdout, token_reviewer_jwt: reviewer },
      });
      const ok = await login();
      expect(ok.status).toBe(200);
      expect(ok.body.auth.metadata.service_account_name).toBe('myapp-sa');
    } finally {
      await engine.stop();
    }
  });

  it("applies seed 003's ServiceAccount, ClusterRoleBinding and Pod manifests (client- and server-side)", async () => {
    await sh('kubectl delete sa myapp-sa');
    await sh('kubectl delete clusterrolebinding vault-tokenreview');
    const first = await sh(heredoc(SA + '---\n' + CRB('system:auth-delegator') + '---\n' + POD));
    expect(first).toMatchObject({
      code: 0,
      stdout:
        'serviceaccount/myapp-sa created\nclusterrolebinding.rbac.authorization.k8s.io/vault-tokenreview created\n' +
        'pod/myapp-test created\n',
    });
    const second = await sh(heredoc(SA + '---\n' + CRB('system:auth-delegator') + '---\n' + POD));
    expect(second.stdout).toBe(
      'serviceaccount/myapp-sa unchanged\nclusterrolebinding.rbac.authorization.k8s.io/vault-tokenreview unchanged\n' +
        'pod/myapp-test unchanged\n',
    );
    const image = await sh(heredoc(POD.replace('curl:latest', 'curl:8.10.1')));
    expect(image.stdout).toBe('pod/myapp-test configured\n');
    expect((await sh("kubectl get pod myapp-test -o jsonpath='{.spec.containers[0].command[0]}'")).stdout).toBe(
      'sleep',
    );
    const roleChange = await sh(heredoc(CRB('view')));
    expect(roleChange.code).toBe(1);
    expect(roleChange.stderr).toContain('cannot change roleRef');
    const ssa = await sh(`cat > pod.yaml <<'EOF'\n${POD}EOF\nkubectl apply --server-side -f pod.yaml`);
    expect(ssa).toMatchObject({ code: 0, stdout: 'pod/myapp-test serverside-applied\n' });
    const pods = await sh('kubectl get pods -o wide');
    expect(pods.stdout).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+SERVICE ACCOUNT\nmyapp-test\s+1\/1\s+Running\s+0\s+\d+s\s+myapp-sa\n$/,
    );
    expect((await sh("kubectl get pod myapp-test -o jsonpath='{.spec.serviceAccountName}'")).stdout).toBe('myapp-sa');
    // A token bound to the pod carries the pod's name and uid, as the kubelet's tokens do.
    const bound = await sh('kubectl create token myapp-sa --bound-object-kind Pod --bound-object-name myapp-test');
    const claims = JSON.parse(Buffer.from(bound.stdout.trim().split('.')[1], 'base64url').toString());
    expect(claims['kubernetes.io'].pod.name).toBe('myapp-test');
    expect((await sh('kubectl create token myapp-sa --bound-object-kind Pod --bound-object-name nope')).stderr).toBe(
      'error: failed to create token: pods "nope" not found\n',
    );
    // A pod whose service account does not exist is refused, as the admission plugin does.
    const run = await sh(
      `kubectl run bad --image=busybox --overrides='{"apiVersion": "v1", "spec": {"serviceAccountName": "nobody"}}' -- sleep 1`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error looking up service account default/nobody: serviceaccount "nobody" not found');
  });

  it('refuses a kubeconfig whose CA is not the cluster’s, and a token it does not know', async () => {
    const wrongCa = path.join(dir, 'wrong-ca');
    writeKubeconfig(wrongCa, {
      name: 'wrong',
      server: cluster.url,
      token: cluster.adminToken,
      caData: Buffer.from(other.caPem).toString('base64'),
    });
    const r = await sh('kubectl get ns', wrongCa);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('x509: certificate signed by unknown authority');
    const badToken = path.join(dir, 'bad-token');
    writeKubeconfig(badToken, {
      name: 'bad',
      server: cluster.url,
      token: 'not-a-token',
      caData: Buffer.from(cluster.caPem).toString('base64'),
    });
    const u = await sh('kubectl get sa', badToken);
    expect(u.code).toBe(1);
    expect(u.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });
});
