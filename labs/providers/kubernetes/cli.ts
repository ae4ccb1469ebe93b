/**
 * `kube-sim`: a small kubectl-like client for the lab's **simulated** cluster (the lab
 * shell has it on PATH when no real cluster is used). It speaks to the API in
 * `$KUBECONFIG`, so its commands mirror kubectl's: `create serviceaccount`, `create
 * token`, `create clusterrolebinding`, `get serviceaccounts`, plus `run`/`exec` for a
 * "pod" — a folder whose service-account token sits at the standard mount path.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readKubeconfig } from './kubeconfig.js';

const USAGE = `kube-sim — kubectl-style commands for vault-lab's simulated Kubernetes cluster

  kube-sim create namespace NAME
  kube-sim create serviceaccount NAME [-n NAMESPACE]
  kube-sim get serviceaccounts [-n NAMESPACE]
  kube-sim get clusterrolebindings
  kube-sim delete serviceaccount NAME [-n NAMESPACE]
  kube-sim create token SERVICEACCOUNT [-n NAMESPACE] [--audience AUD] [--duration 1h]
  kube-sim create clusterrolebinding NAME --clusterrole=ROLE --serviceaccount=NAMESPACE:NAME
  kube-sim run POD --serviceaccount=NAME [-n NAMESPACE]   a "pod": pods/POD/var/run/secrets/kubernetes.io/serviceaccount/token
  kube-sim exec POD -- COMMAND [ARGS…]                    run a command inside the pod's folder, as the pod
`;

function opt(args: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n) return args[i + 1];
      if (args[i].startsWith(n + '=')) return args[i].slice(n.length + 1);
    }
  }
  return undefined;
}
const positional = (args: string[]) =>
  args.filter(
    (a, i) =>
      !a.startsWith('-') &&
      !(i > 0 && /^(-n|--namespace|--audience|--duration|--clusterrole|--serviceaccount)$/.test(args[i - 1])),
  );

function duration(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^(\d+)(s|m|h)?$/.exec(s);
  if (!m) throw new Error(`invalid --duration ${s}: use e.g. 10m or 1h`);
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] ?? 's'] ?? 1);
}

async function api(method: string, p: string, body?: unknown): Promise<any> {
  const kc = process.env.KUBECONFIG;
  if (!kc) throw new Error('KUBECONFIG is not set: run kube-sim from the lab shell');
  const t = readKubeconfig(kc);
  const res = await fetch(t.server.replace(/\/+$/, '') + p, {
    method,
    headers: { 'Content-Type': 'application/json', ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`Error from server (${json.reason ?? res.status}): ${json.message ?? res.statusText}`);
  return json;
}

async function main(argv: string[]): Promise<number> {
  const [verb, kind, ...rest] = argv;
  const ns = opt(argv, '-n', '--namespace') ?? 'default';
  const names = positional(rest);
  const k = (kind ?? '').toLowerCase();
  if (!verb || verb === '-h' || verb === '--help' || verb === 'help') {
    process.stdout.write(USAGE);
    return verb ? 0 : 1;
  }
  if (verb === 'create' && (k === 'namespace' || k === 'ns')) {
    await api('POST', '/api/v1/namespaces', { metadata: { name: names[0] } });
    process.stdout.write(`namespace/${names[0]} created\n`);
    return 0;
  }
  if (verb === 'create' && (k === 'serviceaccount' || k === 'sa')) {
    await api('POST', `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts`, { metadata: { name: names[0] } });
    process.stdout.write(`serviceaccount/${names[0]} created\n`);
    return 0;
  }
  if (verb === 'delete' && (k === 'serviceaccount' || k === 'sa')) {
    await api('DELETE', `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(names[0])}`);
    process.stdout.write(`serviceaccount "${names[0]}" deleted\n`);
    return 0;
  }
  if (verb === 'get' && /^(serviceaccounts?|sa)$/.test(k)) {
    const list = await api('GET', `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts`);
    process.stdout.write(['NAME', ...list.items.map((i: any) => i.metadata.name)].join('\n') + '\n');
    return 0;
  }
  if (verb === 'get' && /^(clusterrolebindings?|crb)$/.test(k)) {
    const list = await api('GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings');
    const rows = list.items.map(
      (i: any) =>
        `${i.metadata.name}  ClusterRole/${i.roleRef?.name ?? ''}  ${(i.subjects ?? []).map((s: any) => `${s.namespace ?? ''}:${s.name}`).join(',')}`,
    );
    process.stdout.write(['NAME  ROLE  SERVICEACCOUNTS', ...rows].join('\n') + '\n');
    return 0;
  }
  if (verb === 'create' && k === 'token') {
    const aud = opt(argv, '--audience');
    const r = await api(
      'POST',
      `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(names[0])}/token`,
      { spec: { audiences: aud ? [aud] : undefined, expirationSeconds: duration(opt(argv, '--duration')) } },
    );
    process.stdout.write(r.status.token + '\n');
    return 0;
  }
  if (verb === 'create' && k === 'clusterrolebinding') {
    const role = opt(argv, '--clusterrole');
    const sa = opt(argv, '--serviceaccount');
    if (!role || !sa?.includes(':'))
      throw new Error('create clusterrolebinding needs --clusterrole=ROLE and --serviceaccount=NAMESPACE:NAME');
    const [sns, sname] = sa.split(':');
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: names[0] },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: sname, namespace: sns }],
    });
    process.stdout.write(`clusterrolebinding.rbac.authorization.k8s.io/${names[0]} created\n`);
    return 0;
  }
  if (verb === 'run') {
    const pod = kind;
    const sa = opt(argv, '--serviceaccount') ?? 'default';
    if (!pod) throw new Error('run needs a pod name');
    const r = await api(
      'POST',
      `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(sa)}/token`,
      { spec: { expirationSeconds: 3600 } },
    );
    const dir = path.join(podsDir(), pod, 'var', 'run', 'secrets', 'kubernetes.io', 'serviceaccount');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'token'), r.status.token, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'namespace'), ns, { mode: 0o644 });
    process.stdout.write(
      `pod/${pod} created (simulated: its filesystem is ${path.relative(process.cwd(), path.join(podsDir(), pod)) || '.'}/)\n`,
    );
    return 0;
  }
  if (verb === 'exec') {
    const pod = kind;
    const dd = argv.indexOf('--');
    const cmd = dd === -1 ? [] : argv.slice(dd + 1);
    if (!pod || !cmd.length) throw new Error('usage: kube-sim exec POD -- COMMAND [ARGS…]');
    const root = path.join(podsDir(), pod);
    if (!fs.existsSync(root)) throw new Error(`pods "${pod}" not found`);
    const r = spawnSync(cmd[0], cmd.slice(1), {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, POD_NAME: pod, POD_ROOT: root },
    });
    return r.status ?? 1;
  }
  process.stderr.write(`kube-sim: unknown command "${argv.join(' ')}"\n\n${USAGE}`);
  return 1;
}

function podsDir(): string {
  return path.join(process.env.VAULT_LAB_WORKSPACE ?? process.cwd(), 'pods');
}

main(process.argv.slice(2)).then(
  (c) => {
    process.exitCode = c;
  },
  (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
