/**
 * Golden output of the `vault` CLI, run as a process against a dev engine: every
 * command group in table, json and yaml, the errors and the exit codes. Times, ids,
 * tokens and accessors are normalised. Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/cli/golden.test.ts`
 * and read the diff against HashiCorp's CLI before committing it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSession, normalise, type Session } from './harness.js';

const GOLDEN_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

let s: Session;

// A minimal leasing backend, so the lease commands run against the real expiration manager.
const leaseTestBackend = () => ({
  type: 'lease-test',
  kind: 'secret' as const,
  paths: [
    {
      pattern: 'creds',
      operations: {
        read: () => ({
          data: { username: 'v-test' },
          secret: { type: 'creds', ttl: 3600, maxTTL: 7200, renewable: true, internal: {} },
        }),
      },
    },
  ],
  secrets: { creds: { revoke: async () => undefined, renew: async () => undefined } },
});
beforeAll(async () => {
  s = await cliSession('root', { backends: { 'lease-test': leaseTestBackend } });
  await s.run('export VAULT_TOKEN=root');
}, 30_000);
afterAll(async () => {
  await s?.close();
});

/** Runs each command and renders `$ cmd`, its output and `[exit N]`. */
async function transcript(cmds: string[]): Promise<string> {
  let out = '';
  for (const c of cmds) {
    const r = await s.run(c);
    out += `$ ${c.split('\n')[0]}\n${normalise(r.output, s.engine.url)}[exit ${r.code}]\n\n`;
  }
  return out;
}

function golden(name: string, actual: string) {
  const file = path.join(GOLDEN_DIR, `${name}.txt`);
  if (UPDATE || !fs.existsSync(file)) {
    if (!UPDATE && process.env.CI) throw new Error(`missing golden file ${file}`);
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
  }
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('vault CLI golden output', () => {
  it('status in every format', async () => {
    golden(
      'status',
      await transcript([
        'vault status',
        'vault status -format=json',
        'vault status -format=yaml',
        'vault status -field=sealed',
      ]),
    );
  });

  // Vault writes YAML through ghodss/yaml over go-yaml v2: lists at the key's column (`- default`), keys
  // sorted, strings quoted only where YAML would misread them (a timestamp, "n", "5432"), text blocks as `|-`.
  it('yaml as go-yaml v2 writes it: lists, nested maps, quoting, literal blocks', async () => {
    golden(
      'yaml',
      await transcript([
        `vault policy write yaml-reader - <<'EOF'\npath "secret/data/y" {\n  capabilities = ["read", "list"]\n}\nEOF`,
        'vault token create -policy=yaml-reader -policy=default -ttl=1h -display-name=yaml -format=yaml',
        'vault kv put secret/y n=1 yes=yes port=5432 empty= colon="a: b" dash="- x" hash="a #b" plain=hello',
        'vault kv get -format=yaml secret/y',
        'vault read -format=yaml sys/policy/yaml-reader',
        'vault list -format=yaml sys/policy',
        'vault token capabilities -format=yaml secret/data/y',
      ]),
    );
    // The other transcripts list policies and secrets: leave none behind.
    await s.run('vault kv metadata delete secret/y && vault policy delete yaml-reader');
  });

  it('kv v2: put, get, versions, delete, undelete, destroy, rollback, patch, metadata', async () => {
    golden(
      'kv-v2',
      await transcript([
        'vault kv put secret/creds username=app password=my-long-password',
        'vault kv get secret/creds',
        'vault kv get -field=password secret/creds',
        'vault kv get -format=json secret/creds',
        'vault kv get -format=yaml secret/creds',
        'vault kv put -mount=secret creds password=second',
        'vault kv get -version=1 -mount=secret creds',
        'vault kv patch secret/creds port=5432',
        'vault kv patch -method=rw -remove-data=port secret/creds',
        'vault kv get secret/creds',
        'vault kv put -cas=1 secret/creds password=stale',
        'vault kv delete secret/creds',
        'vault kv get secret/creds',
        'vault kv undelete -versions=4 secret/creds',
        'vault kv delete -versions=1 secret/creds',
        'vault kv rollback -version=1 secret/creds',
        'vault kv destroy -versions=1 secret/creds',
        'vault kv rollback -version=1 secret/creds',
        'vault kv rollback -version=2 secret/creds',
        'vault kv metadata put -max-versions=3 -custom-metadata=owner=ops secret/creds',
        'vault kv metadata patch -cas-required=true secret/creds',
        'vault kv metadata get secret/creds',
        'vault kv metadata get -format=json secret/creds',
        'vault kv list secret/',
        'vault kv list -format=json secret',
        'vault kv list secret/creds',
        'vault kv metadata delete secret/creds',
        'vault kv get secret/creds',
        'vault kv get secret/missing',
        'vault kv get secret/data/missing',
      ]),
    );
  });

  it('kv v1 and upgrading it to v2', async () => {
    golden(
      'kv-v1',
      await transcript([
        'vault secrets enable -path=legacy kv',
        'vault kv put legacy/app user=u ttl=1h',
        'vault kv get legacy/app',
        'vault read legacy/app',
        'vault kv patch legacy/app user=v',
        'vault kv metadata get legacy/app',
        'vault kv undelete -versions=1 legacy/app',
        'vault kv list legacy',
        'vault kv enable-versioning legacy',
        'vault kv get legacy/app',
        'vault kv delete legacy/app',
      ]),
    );
  });

  it('tokens: create, lookup, renew, capabilities, revoke', async () => {
    golden(
      'token',
      await transcript([
        `vault policy write reader - <<'EOF'\npath "secret/data/app" {\n  capabilities = ["read"]\n}\nEOF`,
        'vault token create -policy=reader -ttl=1h -display-name=app -metadata=team=web -use-limit=10',
        'export CHILD=$(vault token create -policy=reader -ttl=1h -field=token)',
        'vault token lookup $CHILD',
        'VAULT_TOKEN=$CHILD vault token lookup -format=json | grep -c \'"policies"\'',
        'vault token capabilities $CHILD secret/data/app',
        'VAULT_TOKEN=$CHILD vault token capabilities secret/data/other',
        'vault token capabilities -format=json $CHILD secret/data/app',
        'vault token renew -increment=30m $CHILD',
        'export ACC=$(vault token lookup -format=json $CHILD | grep -o \'"accessor": "[^"]*"\' | cut -d\'"\' -f4)',
        'vault token lookup -accessor $ACC | grep -c "^id  *n/a"',
        'vault token revoke -accessor $ACC',
        'vault token lookup $CHILD',
        'vault token revoke',
        'vault token revoke -self extra',
        'vault token revoke -accessor -mode=orphan x',
        'vault token create -ttl=abc',
        'vault token lookup -format=json | grep \'"display_name"\'',
      ]),
    );
  });

  it('policies: write from file and stdin, read, list, fmt, delete', async () => {
    golden(
      'policy',
      await transcript([
        `printf 'path "secret/data/*" {\\n capabilities=["read","list"]\\n}\\n' > p.hcl`,
        'vault policy fmt p.hcl && cat p.hcl',
        'vault policy write app p.hcl',
        'vault policy write other - < p.hcl',
        'vault policy list',
        'vault policy list -format=json',
        'vault policy read app',
        'vault policy read nope',
        'vault policy write bad missing.hcl',
        `printf 'path "x" {\\n capabilities = \\n' > broken.hcl; vault policy fmt broken.hcl`,
        'vault policy delete other',
        'vault policy delete root',
      ]),
    );
  });

  it('secrets engines: enable, list, tune, move, disable', async () => {
    golden(
      'secrets',
      await transcript([
        'vault secrets enable -path=team-a -version=2 -description="Team A" kv',
        'vault secrets enable -path=team-a kv',
        'vault secrets enable nosuchengine',
        'vault secrets list',
        'vault secrets list -format=json | grep -c \'"team-a/"\'',
        'vault secrets tune -max-lease-ttl=8760h -default-lease-ttl=1h team-a',
        'vault read sys/mounts/team-a/tune',
        'vault secrets move team-a team-b',
        'vault secrets disable team-b',
        'vault secrets tune -cas-required=true team-a',
        'vault secrets enable',
      ]),
    );
  });

  it('auth methods: enable, list, tune, help, disable', async () => {
    golden(
      'auth',
      await transcript([
        'vault auth enable userpass',
        'vault auth enable -path=people -description="Humans" userpass',
        'vault auth list',
        'vault auth tune -default-lease-ttl=30m people',
        'vault auth help token | head -3',
        'vault auth help people | head -1',
        'vault auth help nowhere',
        'vault auth disable people',
        'vault auth enable token',
        'vault login -method=ldap username=x',
      ]),
    );
  });

  it('generic read, write, list, delete, patch and path-help', async () => {
    golden(
      'generic',
      await transcript([
        'vault write secret/data/raw data=x',
        'vault write -f sys/policies/acl/empty',
        'vault write sys/policies/acl/empty',
        `echo '{"data":{"a":"b"}}' > body.json; vault write secret/data/fromfile @body.json`,
        'vault read secret/data/fromfile',
        'vault read -field=data secret/data/fromfile',
        'vault list secret/metadata',
        'vault list -format=yaml secret/metadata/',
        'vault patch secret/data/fromfile data=x',
        'vault delete secret/data/fromfile',
        'vault read secret/data/fromfile',
        'vault read secret/metadata/nope',
        'vault path-help secret/ | head -3',
        'vault write secret/data/bad @missing.json',
        `echo '{oops' > bad.json; vault write secret/data/bad @bad.json`,
        'vault print token',
        'vault version',
      ]),
    );
  });

  it('leases: lookup, renew, revoke', async () => {
    golden(
      'lease',
      await transcript([
        'vault secrets enable -path=creds-test lease-test',
        'vault read creds-test/creds',
        'export LEASE=$(vault read -field=lease_id creds-test/creds)',
        'vault lease lookup $LEASE | sed -n 1,3p',
        'vault lease lookup -format=json $LEASE | grep -c \'"ttl"\'',
        'vault lease renew -increment=30m $LEASE',
        'vault lease renew -increment=5h $LEASE 2>&1 | sed -E \'s/"1h59m[0-9]+s"/"2h0m0s"/; s/ 1h59m[0-9]+s$/ 2h/\'',
        'vault list sys/leases/lookup/creds-test/creds/ | tail -n +3 | wc -l',
        'vault lease revoke -sync $LEASE',
        'vault lease lookup $LEASE',
        'vault read -field=lease_id creds-test/creds >/dev/null; vault read -field=lease_id creds-test/creds >/dev/null',
        'vault lease revoke -prefix creds-test/creds',
        'vault read -field=lease_id creds-test/creds >/dev/null',
        'vault lease revoke -force -prefix creds-test/',
        'vault lease revoke -force $LEASE',
        'vault lease revoke -sync nosuch/lease',
        'vault lease revoke nosuch/lease',
        'vault lease lookup nosuch/lease',
      ]),
    );
  });

  it('usage errors, unknown commands and flags, flags after arguments, hints', async () => {
    golden(
      'errors',
      await transcript([
        'vault nosuchcommand 2>&1 | head -3; vault nosuchcommand 2>/dev/null; echo "exit $?"',
        'vault server -dev 2>&1 | tail -1; vault server -dev 2>/dev/null; echo "exit $?"',
        'vault kv',
        'vault kv metadata destroy shared/ca',
        'vault kv get -nosuchflag secret/x',
        'vault kv get secret/x -field=password',
        'vault kv get secret/x -format=json',
        'vault kv get -format=xml secret/x',
        'vault read -token=abc secret/x',
        'vault kv put secret/x',
        'vault kv put secret/x @nofile.json',
        'vault kv destroy secret/x',
        'vault kv get',
        'vault -address=http://127.0.0.1:1 status 2>&1 | head -1; vault -address=http://127.0.0.1:1 status 2>/dev/null; echo "exit $?"',
        'VAULT_ADDR=http://127.0.0.1:1 vault kv get secret/x',
        'VAULT_TOKEN=bogus vault kv get secret/x',
      ]),
    );
  });

  it('-output-policy and -output-curl-string', async () => {
    golden(
      'capture',
      await transcript([
        'vault kv get -output-policy secret/app',
        'vault kv put -output-policy secret/app a=b',
        'vault kv patch -output-policy secret/app a=b',
        'vault kv list -output-policy secret/',
        'vault kv delete -output-policy secret/app',
        'vault kv delete -output-policy -versions=1 secret/app',
        'vault kv undelete -output-policy -versions=1 secret/app',
        'vault kv metadata get -output-policy secret/app',
        'vault kv rollback -output-policy -version=1 secret/app',
        'vault token revoke -output-policy -mode=orphan sometoken',
        'vault auth enable -output-policy userpass',
        'vault lease revoke -output-policy -prefix database/creds',
        'vault token create -output-curl-string -policy=default',
        'vault kv put -output-curl-string secret/app a=b',
        'vault read -output-curl-string secret/data/app',
      ]),
    );
  });

  it('-wrap-ttl, -field in every format, VAULT_FORMAT', async () => {
    golden(
      'wrap-and-fields',
      await transcript([
        'vault kv put secret/w a=b n=1 >/dev/null',
        'vault kv get -wrap-ttl=5m secret/w',
        'vault token create -wrap-ttl=60 -policy=default',
        'vault kv get -field=a secret/w',
        'vault kv get -format=json -field=a secret/w',
        'vault kv get -format=yaml -field=n secret/w',
        'vault token create -policy=default -ttl=1h -field=token_policies',
        'VAULT_FORMAT=json vault kv get secret/w | head -3',
        'VAULT_FORMAT=yaml vault read -field=data secret/data/w',
        'vault kv get -field=nope secret/w',
      ]),
    );
  });

  it('login with a token: stores it in the token helper unless -no-store', async () => {
    golden(
      'login',
      await transcript([
        'export T=$(vault token create -policy=default -ttl=1h -field=token)',
        'unset VAULT_TOKEN; vault login -no-store $T | head -3; test -f ~/.vault-token && echo stored || echo not-stored',
        'vault login $T >/dev/null && test "$(cat ~/.vault-token)" = "$T" && echo stored',
        'vault token lookup -format=json | grep -c \'"default"\'',
        'vault login bogus-token',
        'echo $T | vault login - | head -1',
        'export VAULT_TOKEN=root; vault login $T 2>&1 | head -2',
        'export VAULT_TOKEN=root',
      ]),
    );
  });
});
