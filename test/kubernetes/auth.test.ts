/**
 * Kubernetes auth against the simulated control plane, over HTTP: the whole login flow
 * and every way a login must fail (unknown role, unbound name or namespace, expired,
 * forged, wrong audience, wrong issuer, deleted account, a reviewer without rights).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { startSimulatedCluster, type SimulatedCluster } from '../../labs/providers/kubernetes/simulated.js';
import { devEngine, http, vault } from '../support/engine.js';
import { k8sRequest } from './https.js';

let engine: Engine;
let cluster: SimulatedCluster;
let clock = Date.now();
let reviewer = '';

const k8s = (method: string, p: string, body?: unknown, token = cluster.adminToken) =>
  k8sRequest(cluster, method, p, body, token);
const createSA = (ns: string, name: string) =>
  k8s('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name } });
const login = (role: string, jwt: string) =>
  http(engine, 'POST', 'auth/kubernetes/login', { token: null, body: { role, jwt } });

beforeAll(async () => {
  cluster = await startSimulatedCluster({ now: () => clock });
  engine = await devEngine();
  await k8s('POST', '/api/v1/namespaces', { metadata: { name: 'other' } });
  for (const [ns, n] of [
    ['default', 'myapp-sa'],
    ['default', 'intruder-sa'],
    ['other', 'myapp-sa'],
    ['default', 'vault-reviewer'],
    ['default', 'doomed-sa'],
  ])
    expect((await createSA(ns, n)).status).toBe(201);
  await k8s('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    metadata: { name: 'vault-tokenreview' },
    roleRef: { kind: 'ClusterRole', name: 'system:auth-delegator' },
    subjects: [{ kind: 'ServiceAccount', name: 'vault-reviewer', namespace: 'default' }],
  });
  reviewer = await cluster.issueToken('default', 'vault-reviewer', { expirationSeconds: 86400 });
  expect((await http(engine, 'POST', 'sys/auth/kubernetes', { body: { type: 'kubernetes' } })).status).toBe(204);
  expect(
    (
      await http(engine, 'POST', 'auth/kubernetes/config', {
        body: { kubernetes_host: cluster.url, kubernetes_ca_cert: cluster.caPem, token_reviewer_jwt: reviewer },
      })
    ).status,
  ).toBe(204);
  await http(engine, 'PUT', 'sys/policies/acl/myapp-policy', {
    body: { policy: 'path "secret/data/myapp" { capabilities = ["read"] }' },
  });
  expect(
    (
      await http(engine, 'POST', 'auth/kubernetes/role/myapp-role', {
        body: {
          bound_service_account_names: 'myapp-sa,doomed-sa',
          bound_service_account_namespaces: 'default',
          policies: 'myapp-policy',
          ttl: '1h',
        },
      })
    ).status,
  ).toBe(204);
  await http(engine, 'POST', 'secret/data/myapp', { body: { data: { db_password: 'super_secret_123' } } });
});
afterAll(async () => {
  await engine.stop();
  await cluster.close();
});

describe('auth/kubernetes', () => {
  it('reads config back without the reviewer JWT, and roles with their token fields', async () => {
    const c = await http(engine, 'GET', 'auth/kubernetes/config');
    expect(c.body.data.kubernetes_host).toBe(cluster.url);
    expect(c.body.data.token_reviewer_jwt_set).toBe(true);
    expect(JSON.stringify(c.body)).not.toContain(reviewer);
    const r = await http(engine, 'GET', 'auth/kubernetes/role/myapp-role');
    expect(r.body.data).toMatchObject({
      bound_service_account_names: ['myapp-sa', 'doomed-sa'],
      bound_service_account_namespaces: ['default'],
      token_policies: ['myapp-policy'],
      token_ttl: 3600,
      policies: ['myapp-policy'],
      ttl: 3600,
    });
    const l = await http(engine, 'LIST', 'auth/kubernetes/role');
    expect(l.body.data.keys).toEqual(['myapp-role']);
  });

  it('logs a bound service account in, and its token reads the secret', async () => {
    const jwt = await cluster.issueToken('default', 'myapp-sa');
    const r = await login('myapp-role', jwt);
    expect(r.status).toBe(200);
    expect(r.body.auth.policies).toEqual(['default', 'myapp-policy']);
    expect(r.body.auth.lease_duration).toBe(3600);
    expect(r.body.auth.metadata).toMatchObject({
      service_account_name: 'myapp-sa',
      service_account_namespace: 'default',
      role: 'myapp-role',
      service_account_secret_name: '',
    });
    const self = await http(engine, 'GET', 'auth/token/lookup-self', { token: r.body.auth.client_token });
    expect(self.body.data.display_name).toBe('kubernetes-default-myapp-sa');
    expect(self.body.data.path).toBe('auth/kubernetes/login');
    const s = await http(engine, 'GET', 'secret/data/myapp', { token: r.body.auth.client_token });
    expect(s.body.data.data.db_password).toBe('super_secret_123');
  });

  it("refuses what it must, with Vault's statuses and texts", async () => {
    const good = await cluster.issueToken('default', 'myapp-sa');
    expect((await login('', good)).body.errors).toEqual(['missing role']);
    expect((await login('myapp-role', '')).body.errors).toEqual(['missing jwt']);
    const unknown = await login('nope', good);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual(['invalid role name "nope"']);
    const intruder = await login('myapp-role', await cluster.issueToken('default', 'intruder-sa'));
    expect(intruder.status).toBe(403);
    expect(intruder.body.errors).toEqual(['service account name not authorized']);
    const otherNs = await login('myapp-role', await cluster.issueToken('other', 'myapp-sa'));
    expect(otherNs.status).toBe(403);
    expect(otherNs.body.errors).toEqual(['namespace not authorized']);
    // Forged: the payload claims another account, the signature is the original's.
    const [h, p, sig] = good.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims['kubernetes.io'].serviceaccount.name = 'doomed-sa';
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    expect((await login('myapp-role', forged)).status).toBe(403);
    expect((await login('myapp-role', 'not.a-jwt')).status).toBe(400);
  });

  it("an expired token is refused (the cluster's clock has moved on)", async () => {
    const jwt = await cluster.issueToken('default', 'myapp-sa', { expirationSeconds: 600 });
    expect((await login('myapp-role', jwt)).status).toBe(200);
    clock += 2 * 3600 * 1000;
    const r = await login('myapp-role', jwt);
    clock -= 2 * 3600 * 1000;
    expect(r.status).toBe(403);
    expect(r.body.errors[0]).toContain('permission denied');
  });

  it('audience: a role that wants "vault" refuses a token made for the API server', async () => {
    await http(engine, 'POST', 'auth/kubernetes/role/aud-role', {
      body: {
        bound_service_account_names: 'myapp-sa',
        bound_service_account_namespaces: 'default',
        audience: 'vault',
        policies: 'myapp-policy',
      },
    });
    expect((await login('aud-role', await cluster.issueToken('default', 'myapp-sa'))).status).toBe(403);
    expect(
      (await login('aud-role', await cluster.issueToken('default', 'myapp-sa', { audiences: ['vault'] }))).status,
    ).toBe(200);
  });

  it('a deleted service account can no longer log in', async () => {
    const jwt = await cluster.issueToken('default', 'doomed-sa');
    expect((await login('myapp-role', jwt)).status).toBe(200);
    await k8s('DELETE', '/api/v1/namespaces/default/serviceaccounts/doomed-sa');
    expect((await login('myapp-role', jwt)).status).toBe(403);
  });

  it('a reviewer JWT without system:auth-delegator gets nothing verified', async () => {
    const e2 = await devEngine();
    try {
      await http(e2, 'POST', 'sys/auth/kubernetes', { body: { type: 'kubernetes' } });
      await http(e2, 'POST', 'auth/kubernetes/config', {
        body: { kubernetes_host: cluster.url, kubernetes_ca_cert: cluster.caPem },
      }); // no reviewer: the login JWT reviews itself
      await http(e2, 'POST', 'auth/kubernetes/role/r', {
        body: { bound_service_account_names: '*', bound_service_account_namespaces: '*', policies: 'x' },
      });
      const r = await http(e2, 'POST', 'auth/kubernetes/login', {
        token: null,
        body: { role: 'r', jwt: await cluster.issueToken('default', 'myapp-sa') },
      });
      expect(r.status).toBe(403);
    } finally {
      await e2.stop();
    }
  });

  it('issuer validation and pem_keys: a token from another issuer or key is refused', async () => {
    const e3 = await devEngine();
    const other = await startSimulatedCluster();
    try {
      await http(e3, 'POST', 'sys/auth/kubernetes', { body: { type: 'kubernetes' } });
      await http(e3, 'POST', 'auth/kubernetes/config', {
        body: {
          kubernetes_host: cluster.url,
          kubernetes_ca_cert: cluster.caPem,
          token_reviewer_jwt: reviewer,
          pem_keys: cluster.publicKeyPem,
          issuer: 'https://elsewhere.example',
          disable_iss_validation: false,
        },
      });
      await http(e3, 'POST', 'auth/kubernetes/role/r', {
        body: { bound_service_account_names: 'myapp-sa', bound_service_account_namespaces: 'default', policies: 'x' },
      });
      expect(
        (
          await http(e3, 'POST', 'auth/kubernetes/login', {
            token: null,
            body: { role: 'r', jwt: await cluster.issueToken('default', 'myapp-sa') },
          })
        ).status,
      ).toBe(403);
      await http(e3, 'POST', 'auth/kubernetes/config', {
        body: {
          kubernetes_host: cluster.url,
          kubernetes_ca_cert: cluster.caPem,
          token_reviewer_jwt: reviewer,
          pem_keys: cluster.publicKeyPem,
        },
      });
      expect(
        (
          await http(e3, 'POST', 'auth/kubernetes/login', {
            token: null,
            body: { role: 'r', jwt: await cluster.issueToken('default', 'myapp-sa') },
          })
        ).status,
      ).toBe(200);
      // Same claims, signed by another cluster's key: the pem_keys check fails before TokenReview.
      await k8sRequest(
        other,
        'POST',
        '/api/v1/namespaces/default/serviceaccounts',
        { metadata: { name: 'myapp-sa' } },
        other.adminToken,
      );
      const elsewhere = await other.issueToken('default', 'myapp-sa');
      expect(
        (await http(e3, 'POST', 'auth/kubernetes/login', { token: null, body: { role: 'r', jwt: elsewhere } })).status,
      ).toBe(403);
    } finally {
      await e3.stop();
      await other.close();
    }
  });

  it('the CLI logs in with vault write auth/kubernetes/login; -method=kubernetes fails as in real Vault', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-k8s-'));
    const f = path.join(dir, 'token');
    fs.writeFileSync(f, await cluster.issueToken('default', 'myapp-sa'));
    const env = { VAULT_ADDR: engine.url, HOME: dir };
    const r = await vault(['write', 'auth/kubernetes/login', 'role=myapp-role', `jwt=@${f}`], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/token_policies\s+\["default" "myapp-policy"\]/);
    expect(r.stdout).toMatch(/token_meta_service_account_name\s+myapp-sa/);
    const only = await vault(['write', '-field=token', 'auth/kubernetes/login', 'role=myapp-role', `jwt=@${f}`], env);
    expect(only.code).toBe(0);
    expect((await http(engine, 'GET', 'auth/token/lookup-self', { token: only.stdout.trim() })).status).toBe(200);
    // HashiCorp's CLI has no kubernetes login handler: its error, then our hint naming the write.
    const bad = await vault(['login', '-method=kubernetes', 'role=myapp-role', `jwt=@${f}`], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      'Unknown auth method: kubernetes. Use "vault auth list" to see the complete\n' +
        'list of auth methods. Additionally, some auth methods are only available via\n' +
        'the HTTP API.\n' +
        `Hint (vault-lab): HashiCorp's CLI has no kubernetes login; log in with "vault write auth/kubernetes/login role=myapp-role jwt=@${f}" (add -field=token to print just the token).\n`,
    );
  });
});
