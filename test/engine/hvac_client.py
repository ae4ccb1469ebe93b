"""Drives the engine with Python hvac (Debian's python3-hvac 0.11), as a learner's script would.

Usage: python3 hvac_client.py URL ROOT_TOKEN. Prints one JSON object of observations;
the vitest suite (hvac.test.ts) asserts on it.
"""
import json
import sys

import hvac
from hvac import exceptions

url, root = sys.argv[1], sys.argv[2]
out = {}


def expect_error(name, fn):
    try:
        fn()
        out[name] = 'no error'
    except exceptions.VaultError as e:  # hvac maps statuses to exception classes
        out[name] = type(e).__name__


client = hvac.Client(url=url, token=root)
out['authenticated'] = client.is_authenticated()
out['bad_token_authenticated'] = hvac.Client(url=url, token='hvs.nope').is_authenticated()
out['health_initialized'] = client.sys.read_health_status(method='GET')['initialized']

# KV v2 on the dev mount secret/
w = client.secrets.kv.v2.create_or_update_secret(path='hvac/app', secret={'user': 'app', 'pw': 's3cret'})
out['kv2_write_version'] = w['data']['version']
client.secrets.kv.v2.create_or_update_secret(path='hvac/app', secret={'user': 'app', 'pw': 'rotated'}, cas=1)
expect_error('kv2_cas_mismatch', lambda: client.secrets.kv.v2.create_or_update_secret(path='hvac/app', secret={'x': '1'}, cas=1))
r = client.secrets.kv.v2.read_secret_version(path='hvac/app')
out['kv2_read'] = r['data']['data']
out['kv2_read_version'] = r['data']['metadata']['version']
out['kv2_read_v1'] = client.secrets.kv.v2.read_secret_version(path='hvac/app', version=1)['data']['data']
client.secrets.kv.v2.patch(path='hvac/app', secret={'extra': 'yes'})
out['kv2_after_patch'] = client.secrets.kv.v2.read_secret_version(path='hvac/app')['data']['data']
out['kv2_list'] = client.secrets.kv.v2.list_secrets(path='hvac')['data']['keys']
meta = client.secrets.kv.v2.read_secret_metadata(path='hvac/app')
out['kv2_meta_current'] = meta['data']['current_version']
client.secrets.kv.v2.update_metadata(path='hvac/app', max_versions=5)
client.write('secret/metadata/hvac/app', custom_metadata={'owner': 'py'})  # hvac 0.11 predates custom_metadata
out['kv2_meta_custom'] = client.secrets.kv.v2.read_secret_metadata(path='hvac/app')['data']['custom_metadata']
client.secrets.kv.v2.delete_latest_version_of_secret(path='hvac/app')
expect_error('kv2_read_deleted', lambda: client.secrets.kv.v2.read_secret_version(path='hvac/app'))
client.secrets.kv.v2.undelete_secret_versions(path='hvac/app', versions=[3])
out['kv2_undeleted'] = client.secrets.kv.v2.read_secret_version(path='hvac/app')['data']['data']['extra']
expect_error('kv2_missing', lambda: client.secrets.kv.v2.read_secret_version(path='hvac/none'))

# KV v1 on a new mount
client.sys.enable_secrets_engine('kv', path='pykv', options={'version': '1'})
client.secrets.kv.v1.create_or_update_secret(path='cfg', secret={'a': 'b'}, mount_point='pykv')
v1 = client.secrets.kv.v1.read_secret(path='cfg', mount_point='pykv')
out['kv1_read'] = v1['data']
out['kv1_lease_duration'] = v1['lease_duration']
out['mounts_has_pykv'] = 'pykv/' in client.sys.list_mounted_secrets_engines()['data']

# Policies and tokens
client.sys.create_or_update_policy(name='py-read', policy='path "secret/data/hvac/*" { capabilities = ["read"] }')
out['policy_text'] = client.sys.read_policy(name='py-read')['data']['rules']
tok = client.auth.token.create(policies=['py-read'], ttl='1h')['auth']
limited = hvac.Client(url=url, token=tok['client_token'])
out['limited_lookup_policies'] = limited.auth.token.lookup_self()['data']['policies']
out['limited_read'] = limited.secrets.kv.v2.read_secret_version(path='hvac/app')['data']['data']['user']
expect_error('limited_write', lambda: limited.secrets.kv.v2.create_or_update_secret(path='hvac/app', secret={'x': 'y'}))
expect_error('limited_mounts', lambda: limited.sys.list_mounted_secrets_engines())
out['renewed_ttl'] = limited.auth.token.renew_self(increment='30m')['auth']['lease_duration']
caps = client.sys.get_capabilities(paths=['secret/data/hvac/app'], token=tok['client_token'])
out['capabilities'] = caps['capabilities']
limited.auth.token.revoke_self()
out['revoked_authenticated'] = limited.is_authenticated()

# Response wrapping
wrapped = client.auth.token.create(policies=['py-read'], ttl='10m', wrap_ttl='60s')
out['wrap_ttl'] = wrapped['wrap_info']['ttl']
unwrapped = client.sys.unwrap(token=wrapped['wrap_info']['token'])
out['unwrapped_policies'] = unwrapped['auth']['policies']
expect_error('unwrap_twice', lambda: client.sys.unwrap(token=wrapped['wrap_info']['token']))

# Errors map to hvac's exception classes
expect_error('unknown_mount', lambda: client.adapter.get('/v1/nowhere/x'))  # client.read() swallows 404s
out['read_missing_is_none'] = client.read('nowhere/x') is None
expect_error('bad_field', lambda: client.auth.token.create(ttl='forever'))

print(json.dumps(out))
