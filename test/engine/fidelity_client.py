"""Drives the fidelity items of issue 25 with Python hvac (Debian's python3-hvac 0.11).

Usage: python3 fidelity_client.py URL ROOT_TOKEN. Prints one JSON object: for each case the
hvac exception class (hvac maps the HTTP status to it) and Vault's `errors`, or what came back.
fidelity.test.ts asserts on it.
"""
import json
import sys

import hvac
from hvac import exceptions

url, root = sys.argv[1], sys.argv[2]
out = {}


def case(name, fn):
    try:
        r = fn()
        out[name] = {'ok': r if isinstance(r, (dict, list)) else None}
    except exceptions.VaultError as e:
        out[name] = {'error': type(e).__name__, 'errors': e.errors}
        if e.errors is None:  # hvac 0.11 keeps the body of a status it has no class for in the message
            out[name]['message'] = str(e)


client = hvac.Client(url=url, token=root)


def wrap(payload):
    return client.adapter.post('/v1/sys/wrapping/wrap', json=payload, wrap_ttl='5m')['wrap_info']['token']


# A spent wrapping token, as the client token and in the body, on unwrap, lookup and rewrap.
spent = wrap({'k': 'v'})
case('unwrap_first', lambda: hvac.Client(url=url, token=spent).sys.unwrap())
as_client = hvac.Client(url=url, token=spent)
case('unwrap_spent_header', lambda: as_client.sys.unwrap())
case('lookup_spent_header', lambda: as_client.adapter.post('/v1/sys/wrapping/lookup'))
case('rewrap_spent_header', lambda: as_client.adapter.post('/v1/sys/wrapping/rewrap'))
case('unwrap_spent_body', lambda: client.sys.unwrap(token=spent))
case('lookup_spent_body', lambda: client.adapter.post('/v1/sys/wrapping/lookup', json={'token': spent}))
case('rewrap_spent_body', lambda: client.adapter.post('/v1/sys/wrapping/rewrap', json={'token': spent}))
unknown = hvac.Client(url=url, token='hvs.NotAWrappingTokenAtAll12')
case('unwrap_unknown_header', lambda: unknown.sys.unwrap())
# A live wrapping token in the body, with a client token that is not valid: the body passes, the client fails.
live = wrap({'k': 'v'})
case('unwrap_live_body_bad_client', lambda: unknown.sys.unwrap(token=live))
case('unwrap_live_body', lambda: client.sys.unwrap(token=live))
nobody = hvac.Client(url=url)
nobody.token = None
case('lookup_no_token', lambda: nobody.adapter.post('/v1/sys/wrapping/lookup'))
case('unwrap_empty_body_token', lambda: client.adapter.post('/v1/sys/wrapping/unwrap', json={'token': ''}))
case('unwrap_number_body_token', lambda: client.adapter.post('/v1/sys/wrapping/unwrap', json={'token': 12}))

# sys/tools/random: every path form, the formats and the limits on bytes.
rnd = lambda path, **body: client.adapter.post('/v1/sys/tools/random' + path, json=body)  # noqa: E731
case('random_default', lambda: rnd(''))
case('random_bytes_url', lambda: rnd('/16', format='hex'))
case('random_source_seal', lambda: rnd('/seal', bytes=8, format='hex'))
case('random_source_bytes', lambda: rnd('/platform/24', format='base64'))
case('random_all_bytes', lambda: rnd('/all/4', format='hex'))
case('random_max', lambda: rnd('/131072', format='hex'))
case('random_too_many', lambda: rnd('/131073'))
case('random_zero', lambda: rnd('', bytes=0))
case('random_not_a_count', lambda: rnd('/abc'))
case('random_bad_source', lambda: rnd('/moon/8'))
case('random_bad_format', lambda: rnd('/8', format='base32'))
case('random_read', lambda: client.adapter.get('/v1/sys/tools/random'))

# sys/tools/hash: input must be base64.
hsh = lambda path, **body: client.adapter.post('/v1/sys/tools/hash' + path, json=body)  # noqa: E731
case('hash_ok', lambda: hsh('/sha2-256', input='aGVsbG8='))
case('hash_not_base64', lambda: hsh('', input='hello world'))
case('hash_no_padding', lambda: hsh('', input='aGVsbG8'))
case('hash_bad_char_late', lambda: hsh('', input='aGVs*G8='))
case('hash_empty', lambda: hsh('', input=''))
case('hash_newlines_ok', lambda: hsh('', input='aGVs\nbG8='))

print(json.dumps(out))
