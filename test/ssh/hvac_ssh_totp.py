"""Drives the SSH and TOTP engines with Python hvac 0.11 (generic read/write/list/delete:
this hvac predates its ssh and totp helpers), as a learner's script would.

Usage: python3 hvac_ssh_totp.py URL ROOT_TOKEN PUBLIC_KEY_FILE. Prints one JSON object of
observations; hvac-ssh-totp.test.ts asserts on it.
"""
import json
import sys

import hvac
from hvac import exceptions

url, root, pub_file = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
client = hvac.Client(url=url, token=root)


def refusal(name, fn):
    """The exception class and Vault's error text of a call that must fail."""
    try:
        fn()
        out[name] = 'no error'
    except exceptions.VaultError as e:
        out[name] = [type(e).__name__, (e.errors or [''])[0]]


client.sys.enable_secrets_engine('ssh', path='pyssh')
out['ca_generated'] = client.write('pyssh/config/ca', key_type='ed25519')['data']['public_key']
out['ca_read'] = client.read('pyssh/config/ca')['data']['public_key']
out['public_key_raw'] = hvac.Client(url=url).adapter.get('/v1/pyssh/public_key').text
refusal('ca_again', lambda: client.write('pyssh/config/ca', key_type='ed25519'))
client.write('pyssh/roles/dev', key_type='ca', allow_user_certificates=True, allowed_users='alice,bob',
             default_user='alice', ttl='30m', max_ttl='1h', default_extensions={'permit-pty': ''})
out['role_read'] = client.read('pyssh/roles/dev')['data']
out['roles_list'] = client.list('pyssh/roles')['data']
public_key = open(pub_file).read()
signed = client.write('pyssh/sign/dev', public_key=public_key)['data']
out['signed_prefix'] = signed['signed_key'].split(' ')[0]
out['serial_hex'] = signed['serial_number']
refusal('sign_wrong_principal', lambda: client.write('pyssh/sign/dev', public_key=public_key, valid_principals='root'))
refusal('sign_ttl_over_max', lambda: client.write('pyssh/sign/dev', public_key=public_key, ttl='2h'))
refusal('sign_unknown_role', lambda: client.write('pyssh/sign/nope', public_key=public_key))
refusal('sign_host_refused', lambda: client.write('pyssh/sign/dev', public_key=public_key, cert_type='host'))
issued = client.write('pyssh/issue/dev', key_type='ed25519')['data']
out['issued_keys'] = sorted(issued.keys())
out['issued_private_key_type'] = issued['private_key_type']
client.delete('pyssh/roles/dev')
out['role_after_delete'] = client.read('pyssh/roles/dev')
client.delete('pyssh/config/ca')
refusal('ca_read_after_delete', lambda: client.read('pyssh/config/ca'))

client.sys.enable_secrets_engine('totp', path='pytotp')
gen = client.write('pytotp/keys/alice', generate=True, issuer='Vault', account_name='alice@example.com')['data']
out['totp_url'] = gen['url']
out['totp_barcode_png'] = gen['barcode'][:8]
client.write('pytotp/keys/gen', key='JBSWY3DPEHPK3PXP', digits=8, algorithm='SHA256', period=60)
out['totp_key_read'] = client.read('pytotp/keys/gen')['data']
out['totp_keys'] = client.list('pytotp/keys')['data']['keys']
code = client.read('pytotp/code/gen')['data']['code']
out['totp_code_len'] = len(code)
out['totp_valid'] = client.write('pytotp/code/gen', code=code)['data']['valid']
refusal('totp_replay', lambda: client.write('pytotp/code/gen', code=code))
refusal('totp_bad_digits', lambda: client.write('pytotp/keys/x', key='JBSWY3DPEHPK3PXP', digits=7))
refusal('totp_unknown_key', lambda: client.read('pytotp/code/nope'))
client.delete('pytotp/keys/gen')
out['totp_after_delete'] = client.read('pytotp/keys/gen')
print(json.dumps(out))
