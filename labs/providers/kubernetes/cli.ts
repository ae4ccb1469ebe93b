/**
 * `kube-sim`: a stand-in for `kubectl` when kubectl is not installed — the lab shell then
 * has a `kubectl` shim that says how to install it and runs this. It speaks to the
 * cluster in `$KUBECONFIG` over HTTPS (trusting the kubeconfig's CA, sending its bearer
 * token) and covers the commands the Kubernetes auth lab types, with kubectl's argument
 * forms and output: create (namespace, serviceaccount, clusterrolebinding, token), get,
 * delete, apply (client- or server-side), run, auth can-i, config view.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import YAML from 'yaml';
import { readKubeconfig } from './kubeconfig.js';

const USAGE = `kube-sim — a kubectl stand-in for vault-lab's simulated Kubernetes cluster

  kube-sim create namespace|serviceaccount NAME [-n NAMESPACE]
  kube-sim create token SERVICEACCOUNT [-n NAMESPACE] [--audience AUD] [--duration 1h]
  kube-sim create clusterrolebinding NAME --clusterrole=ROLE --serviceaccount=NAMESPACE:NAME
  kube-sim get TYPE [NAME] [-n NAMESPACE] [-o wide|name|json|yaml|jsonpath=TEMPLATE]
  kube-sim delete TYPE NAME [-n NAMESPACE]
  kube-sim apply [--server-side] -f FILE|-
  kube-sim run POD --image=IMAGE [--overrides=JSON] [-n NAMESPACE] [-- COMMAND…]
  kube-sim auth can-i VERB RESOURCE [--as=USER] [-n NAMESPACE]
  kube-sim config view [--raw] [--minify] [--flatten] [-o json|yaml|jsonpath=TEMPLATE]
`;

class Fail extends Error {}

interface Kind {
  group: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}
const KINDS: Array<Kind & { names: string[] }> = [
  { group: '', resource: 'namespaces', kind: 'Namespace', namespaced: false, names: ['ns', 'namespace'] },
  { group: '', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, names: ['sa', 'serviceaccount'] },
  { group: '', resource: 'pods', kind: 'Pod', namespaced: true, names: ['po', 'pod'] },
  {
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    names: ['clusterrolebinding'],
  },
  {
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
    names: ['clusterrole'],
  },
  {
    group: 'authentication.k8s.io',
    resource: 'tokenreviews',
    kind: 'TokenReview',
    namespaced: false,
    names: ['tokenreview'],
  },
  {
    group: 'authorization.k8s.io',
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    names: ['selfsubjectaccessreview'],
  },
];

function kindFor(word: string): Kind {
  const [name, ...g] = word.toLowerCase().split('.');
  const group = g.join('.');
  const k = KINDS.find(
    (x) => (x.resource === name || x.names.includes(name)) && (!group || x.group === group || group === 'v1'),
  );
  if (!k) throw new Fail(`error: the server doesn't have a resource type "${word}"`);
  return k;
}
const byKind = (kind: string) => KINDS.find((k) => k.kind === kind);
const collection = (k: Kind, ns: string) =>
  `${k.group ? `/apis/${k.group}/v1` : '/api/v1'}${k.namespaced ? `/namespaces/${encodeURIComponent(ns)}` : ''}/${k.resource}`;
const typeName = (k: Kind) => (k.group ? `${k.kind.toLowerCase()}.${k.group}` : k.kind.toLowerCase());

/** Flags: `--x=v`, `--x v`, `-n v`; the rest are words (everything after `--` is kept apart). */
function parse(argv: string[]): { words: string[]; flags: Map<string, string[]>; tail: string[] } {
  const words: string[] = [];
  const flags = new Map<string, string[]>();
  const boolean = new Set(['--raw', '--minify', '--flatten', '--server-side', '--help', '-h', '--quiet']);
  const dd = argv.indexOf('--');
  const head = dd === -1 ? argv : argv.slice(0, dd);
  for (let i = 0; i < head.length; i++) {
    const a = head[i];
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = eq > 0 ? a.slice(eq + 1) : boolean.has(a) ? 'true' : (head[++i] ?? '');
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { words, flags, tail: dd === -1 ? [] : argv.slice(dd + 1) };
}

function duration(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s);
  if (!m || !s) throw new Fail(`error: invalid argument "${s}" for "--duration" flag: use e.g. 10m or 24h`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

function kubeconfigPath(): string {
  const kc = process.env.KUBECONFIG;
  if (!kc) throw new Fail('error: KUBECONFIG is not set: run kube-sim from the lab shell');
  return kc;
}

async function api(method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const t = readKubeconfig(kubeconfigPath());
  const url = new URL(t.server.replace(/\/+$/, '') + p);
  const mod = url.protocol === 'https:' ? https : http;
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const { status, data } = await new Promise<{ status: number; data: string }>((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method,
        ...(t.caData ? { ca: Buffer.from(t.caData, 'base64').toString('utf8') } : {}),
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/json',
          ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}),
          ...headers,
        },
      },
      (res) => {
        let d = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          d += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, data: d }));
      },
    );
    req.on('error', (e) => reject(new Fail(`Unable to connect to the server: ${e.message}`)));
    req.end(text);
  });
  let json: any = {};
  try {
    json = JSON.parse(data);
  } catch {
    /* not JSON */
  }
  if (status === 401) throw new Fail('error: You must be logged in to the server (Unauthorized)');
  if (status >= 400) throw new Fail(`Error from server (${json.reason ?? status}): ${json.message ?? data}`);
  return json;
}

/** kubectl's JSONPath templates, the part people type: `{.a.b[0].c}`, `{.items[*].metadata.name}`. */
export function jsonpath(template: string, obj: unknown): string {
  return template.replace(/\{([^}]*)\}/g, (_, expr: string) => {
    let cur: unknown[] = [obj];
    const parts =
      expr
        .trim()
        .replace(/^\$/, '')
        .match(/\.[^.[\]]+|\[[^\]]*\]/g) ?? [];
    for (const part of parts) {
      const next: unknown[] = [];
      for (const c of cur) {
        if (c === null || typeof c !== 'object') continue;
        if (part.startsWith('.')) next.push((c as Record<string, unknown>)[part.slice(1)]);
        else if (part === '[*]') next.push(...(Array.isArray(c) ? c : Object.values(c)));
        else next.push((c as unknown[])[Number(part.slice(1, -1))]);
      }
      cur = next.filter((x) => x !== undefined);
    }
    return cur.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(' ');
  });
}

function print(obj: any, out: string | undefined, k?: Kind): void {
  if (out === 'json') process.stdout.write(`${JSON.stringify(obj, null, 4)}\n`);
  else if (out === 'yaml') process.stdout.write(YAML.stringify(obj));
  else if (out === 'name') {
    const items = obj.items ?? [obj];
    for (const o of items) process.stdout.write(`${typeName(byKind(o.kind) ?? k!)}/${o.metadata.name}\n`);
  } else if (out?.startsWith('jsonpath=')) process.stdout.write(jsonpath(out.slice(9), obj));
  else throw new Fail(`error: unable to match a printer suitable for the output format "${out}"`);
}

function printTable(t: any, wide: boolean): void {
  if (!t.rows?.length) {
    process.stderr.write('No resources found\n');
    return;
  }
  const cols = t.columnDefinitions.map((c: any, i: number) => ({ ...c, i })).filter((c: any) => wide || !c.priority);
  const rows = [
    cols.map((c: any) => c.name.toUpperCase()),
    ...t.rows.map((r: any) => cols.map((c: any) => String(r.cells[c.i]))),
  ];
  const widths = cols.map((_: unknown, i: number) => Math.max(...rows.map((r: string[]) => r[i].length)));
  for (const r of rows)
    process.stdout.write(
      `${r.map((c: string, i: number) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join('')}\n`,
    );
}

async function apply(file: string, serverSide: boolean): Promise<void> {
  const text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  for (const doc of YAML.parseAllDocuments(text)) {
    const o = doc.toJSON();
    if (!o) continue;
    const k = byKind(o.kind);
    if (!k) throw new Fail(`error: resource mapping not found for kind "${o.kind}"`);
    const ns = o.metadata?.namespace ?? namespaceFlag;
    const url = `${collection(k, ns)}/${encodeURIComponent(o.metadata?.name ?? '')}`;
    const what = `${typeName(k)}/${o.metadata?.name}`;
    if (serverSide) {
      await api('PATCH', `${url}?fieldManager=kubectl`, o, { 'Content-Type': 'application/apply-patch+yaml' });
      process.stdout.write(`${what} serverside-applied\n`);
      continue;
    }
    const last = JSON.stringify({
      ...o,
      metadata: { ...o.metadata, annotations: { ...(o.metadata?.annotations ?? {}) } },
    });
    const annotated = {
      ...o,
      metadata: {
        ...o.metadata,
        annotations: {
          ...(o.metadata?.annotations ?? {}),
          'kubectl.kubernetes.io/last-applied-configuration': `${last}\n`,
        },
      },
    };
    const cur = await api('GET', url).catch((e) => {
      if (/NotFound/.test((e as Error).message)) return undefined;
      throw e;
    });
    if (!cur) {
      await api('POST', collection(k, ns), annotated);
      process.stdout.write(`${what} created\n`);
    } else if (cur.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] === `${last}\n`) {
      process.stdout.write(`${what} unchanged\n`);
    } else {
      await api('PATCH', url, annotated, { 'Content-Type': 'application/merge-patch+json' });
      process.stdout.write(`${what} configured\n`);
    }
  }
}

let namespaceFlag = 'default';

async function main(argv: string[]): Promise<number> {
  const { words, flags, tail } = parse(argv);
  const one = (n: string, ...more: string[]) =>
    [n, ...more].map((x) => flags.get(x)?.at(-1)).find((v) => v !== undefined);
  namespaceFlag = one('-n', '--namespace') ?? 'default';
  const ns = namespaceFlag;
  const out = one('-o', '--output');
  const [verb, what, name] = words;
  if (!verb || one('-h', '--help') || verb === 'help') {
    process.stdout.write(USAGE);
    return verb || one('-h', '--help') ? 0 : 1;
  }
  if (verb === 'version') {
    const v = await api('GET', '/version');
    process.stdout.write(`Client Version: kube-sim (vault-lab)\nServer Version: ${v.gitVersion}\n`);
    return 0;
  }
  if (verb === 'create' && what === 'token') {
    const audiences = flags.get('--audience');
    const r = await api('POST', `${collection(kindFor('sa'), ns)}/${encodeURIComponent(name ?? '')}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: audiences ?? null, expirationSeconds: duration(one('--duration')) ?? null },
    }).catch((e) => {
      throw new Fail(
        `error: failed to create token: ${(e as Error).message.replace(/^Error from server \(\w+\): /, '')}`,
      );
    });
    process.stdout.write(`${r.status.token}\n`);
    return 0;
  }
  if (verb === 'create' && what === 'clusterrolebinding') {
    const role = one('--clusterrole');
    if (!role || !name) throw new Fail('error: create clusterrolebinding needs NAME and --clusterrole=ROLE');
    const subjects = [
      ...(flags.get('--serviceaccount') ?? []).map((s) => {
        const [sns, sname] = s.split(':');
        if (!sname) throw new Fail(`error: serviceaccount must be <namespace>:<name>`);
        return { kind: 'ServiceAccount', name: sname, namespace: sns };
      }),
      ...(flags.get('--user') ?? []).map((u) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: u })),
      ...(flags.get('--group') ?? []).map((g) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: g })),
    ];
    const k = kindFor('clusterrolebinding');
    await api('POST', collection(k, ns), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects,
    });
    process.stdout.write(`${typeName(k)}/${name} created\n`);
    return 0;
  }
  if (verb === 'create') {
    const k = kindFor(what ?? '');
    if (!name) throw new Fail(`error: exactly one NAME is required, got 0`);
    await api('POST', collection(k, ns), { apiVersion: 'v1', kind: k.kind, metadata: { name } });
    process.stdout.write(`${typeName(k)}/${name} created\n`);
    return 0;
  }
  if (verb === 'get') {
    const k = kindFor(what ?? '');
    const url = name ? `${collection(k, ns)}/${encodeURIComponent(name)}` : collection(k, ns);
    if (!out || out === 'wide')
      printTable(
        await api('GET', url, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' }),
        out === 'wide',
      );
    else print(await api('GET', url), out, k);
    return 0;
  }
  if (verb === 'delete') {
    const k = kindFor(what ?? '');
    await api('DELETE', `${collection(k, ns)}/${encodeURIComponent(name ?? '')}`);
    process.stdout.write(`${k.kind.toLowerCase()} "${name}" deleted\n`);
    return 0;
  }
  if (verb === 'apply') {
    const file = one('-f', '--filename');
    if (!file) throw new Fail('error: must specify one of -f and -k');
    await apply(file, one('--server-side') === 'true');
    return 0;
  }
  if (verb === 'run') {
    const image = one('--image');
    if (!what || !image) throw new Fail('error: run needs NAME and --image=IMAGE');
    const overrides = one('--overrides');
    let pod: any = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: what, labels: { run: what } },
      spec: { containers: [{ name: what, image, ...(tail.length ? { args: tail } : {}) }] },
    };
    if (overrides) {
      const o = JSON.parse(overrides);
      pod = { ...pod, ...o, metadata: { ...pod.metadata, ...o.metadata }, spec: { ...pod.spec, ...o.spec } };
    }
    await api('POST', collection(kindFor('pod'), ns), pod);
    process.stdout.write(`pod/${what} created\n`);
    return 0;
  }
  if (verb === 'auth' && what === 'can-i') {
    const [, , v, res] = words;
    const [resource, ...g] = (res ?? '').split('.');
    const k = KINDS.find((x) => x.resource === resource || x.names.includes(resource));
    const as = one('--as');
    const r = await api(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            verb: v,
            resource: k?.resource ?? resource,
            group: g.join('.') || k?.group || '',
            namespace: ns,
          },
        },
      },
      as ? { 'Impersonate-User': as } : {},
    );
    process.stdout.write(r.status.allowed ? 'yes\n' : 'no\n');
    return r.status.allowed ? 0 : 1;
  }
  if (verb === 'config' && what === 'view') {
    const doc = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8'));
    if (one('--raw') !== 'true') for (const u of doc.users ?? []) if (u.user?.token) u.user.token = 'REDACTED';
    for (const c of doc.clusters ?? [])
      if (one('--raw') !== 'true' && c.cluster?.['certificate-authority-data'])
        c.cluster['certificate-authority-data'] = 'DATA+OMITTED';
    print(doc, out ?? 'yaml');
    return 0;
  }
  process.stderr.write(`kube-sim: unknown command "${argv.join(' ')}"\n\n${USAGE}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (c) => {
    process.exitCode = c;
  },
  (e) => {
    process.stderr.write(`${e instanceof Fail ? e.message : `error: ${(e as Error).message}`}\n`);
    process.exitCode = 1;
  },
);
