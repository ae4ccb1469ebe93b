/**
 * Kubernetes logins make entities as Vault does: the alias is the service account's uid by
 * default, `<namespace>/<name>` with alias_name_source=serviceaccount_name (simulated cluster).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { startSimulatedCluster, type SimulatedCluster } from '../../labs/providers/kubernetes/simulated.js';
import { devEngine, http } from '../support/engine.js';
import { k8sRequest } from '../kubernetes/https.js';

let engine: Engine;
let cluster: SimulatedCluster;
let accessor = '';

const k8s = (method: string, p: string, body?: unknown) => k8sRequest(cluster, method, p, body, cluster.adminToken);
const login = (role: string, jwt: string) =>
  http(engine, 'POST', 'auth/kubernetes/login', { token: null, body: { role, jwt } });

beforeAll(async () => {
  cluster = await startSimulatedCluster();
  engine = await devEngine();
  for (const n of ['app-sa', 'vault-reviewer'])
    expect((await k8s('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: n } })).status).toBe(
      201,
    );
  await k8s('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    metadata: { name: 'vault-tokenreview' },
    roleRef: { kind: 'ClusterRole', name: 'system:auth-delegator' },
    subjects: [{ kind: 'ServiceAccount', name: 'vault-reviewer', namespace: 'default' }],
  });
  const reviewer = await cluster.issueToken('default', 'vault-reviewer', { expirationSeconds: 86400 });
  await http(engine, 'POST', 'sys/auth/kubernetes', { body: { type: 'kubernetes' } });
  await http(engine, 'POST', 'auth/kubernetes/config', {
    body: { kubernetes_host: cluster.url, kubernetes_ca_cert: cluster.caPem, token_reviewer_jwt: reviewer },
  });
  for (const [role, source] of [
    ['by-uid', 'serviceaccount_uid'],
    ['by-name', 'serviceaccount_name'],
  ])
    await http(engine, 'POST', `auth/kubernetes/role/${role}`, {
      body: {
        bound_service_account_names: 'app-sa',
        bound_service_account_namespaces: 'default',
        alias_name_source: source,
      },
    });
  accessor = (await http(engine, 'GET', 'sys/auth')).body.data['kubernetes/'].accessor;
});
afterAll(async () => {
  await engine.stop();
  await cluster.close();
});

describe('kubernetes logins and entities', () => {
  it('names the alias after the service account uid by default, with the SA metadata', async () => {
    const jwt = await cluster.issueToken('default', 'app-sa');
    const r = await login('by-uid', jwt);
    expect(r.status).toBe(200);
    const sa = (await k8s('GET', '/api/v1/namespaces/default/serviceaccounts/app-sa')).body;
    const e = (await http(engine, 'GET', `identity/entity/id/${r.body.auth.entity_id}`)).body.data;
    expect(e.aliases).toHaveLength(1);
    expect(e.aliases[0]).toMatchObject({ name: sa.metadata.uid, mount_accessor: accessor, mount_type: 'kubernetes' });
    expect(e.aliases[0].metadata).toMatchObject({
      service_account_name: 'app-sa',
      service_account_namespace: 'default',
      service_account_uid: sa.metadata.uid,
    });
    // The same account logging in again lands on the same entity.
    expect((await login('by-uid', jwt)).body.auth.entity_id).toBe(r.body.auth.entity_id);
  });

  it('names it <namespace>/<name> with alias_name_source=serviceaccount_name', async () => {
    const r = await login('by-name', await cluster.issueToken('default', 'app-sa'));
    expect(r.status).toBe(200);
    const hit = await http(engine, 'POST', 'identity/lookup/entity', {
      body: { alias_name: 'default/app-sa', alias_mount_accessor: accessor },
    });
    expect(hit.status).toBe(200);
    expect(hit.body.data.id).toBe(r.body.auth.entity_id);
  });
});
