/** The kubeconfig a provider writes for the lab (so `kubectl`, when installed, and `kube-sim` reach the cluster). */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export interface KubeTarget {
  server: string;
  token?: string;
  caData?: string;
  name: string;
}

export function writeKubeconfig(file: string, t: KubeTarget): void {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': t.name,
    clusters: [
      { name: t.name, cluster: { server: t.server, ...(t.caData ? { 'certificate-authority-data': t.caData } : {}) } },
    ],
    users: [{ name: `${t.name}-admin`, user: t.token ? { token: t.token } : {} }],
    contexts: [{ name: t.name, context: { cluster: t.name, user: `${t.name}-admin`, namespace: 'default' } }],
  };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, YAML.stringify(doc), { mode: 0o600 });
}

/** The current context's server and bearer token. @throws with a sentence naming what is missing. */
export function readKubeconfig(file: string): KubeTarget {
  let doc: Record<string, any>;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the kubeconfig ${file}: ${(e as Error).message}`);
  }
  const ctxName = doc?.['current-context'];
  const ctx = (doc?.contexts ?? []).find((c: any) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`the kubeconfig ${file} has no current context`);
  const cluster = (doc.clusters ?? []).find((c: any) => c.name === ctx.cluster)?.cluster;
  const user = (doc.users ?? []).find((u: any) => u.name === ctx.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`the kubeconfig ${file} names no server for context ${ctxName}`);
  return { name: ctxName, server: cluster.server, token: user.token, caData: cluster['certificate-authority-data'] };
}
