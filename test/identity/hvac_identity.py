"""Python hvac against the identity store: run by hvac.test.ts, prints one JSON line of findings."""
import json
import sys

import hvac

url, root_token = sys.argv[1], sys.argv[2]
client = hvac.Client(url=url, token=root_token)
out = {}


def error_name(fn):
    try:
        fn()
        return None
    except hvac.exceptions.VaultError as e:
        return type(e).__name__ + ': ' + ' '.join(str(x) for x in (e.errors or []))


# sys/mounts lists identity/ and refuses to remove it.
mounts = client.sys.list_mounted_secrets_engines()['data']
out['identity_type'] = mounts.get('identity/', {}).get('type')
out['disable_identity'] = error_name(lambda: client.sys.disable_secrets_engine('identity'))
out['move_identity'] = error_name(lambda: client.sys.move_backend('identity', 'elsewhere'))

# Entities by id and by name.
ident = client.secrets.identity
created = ident.create_or_update_entity(name='py-ent', metadata={'team': 'py'}, policies=['py-pol'])
eid = created['data']['id']
out['entity_read_name'] = ident.read_entity(entity_id=eid)['data']['name']
out['entity_by_name_meta'] = ident.read_entity_by_name(name='py-ent')['data']['metadata']
ident.update_entity(entity_id=eid, name='py-ent', policies=['py-pol', 'py-two'])
out['entity_policies'] = ident.read_entity(entity_id=eid)['data']['policies']
out['entity_list_has'] = eid in ident.list_entities()['data']['keys']
out['entity_list_name_has'] = 'py-ent' in ident.list_entities_by_name()['data']['keys']

# A userpass login creates its own entity; an alias made by hand ties a second login to py-ent.
client.sys.enable_auth_method('userpass', path='pyup')
accessor = client.sys.list_auth_methods()['data']['pyup/']['accessor']
client.write('auth/pyup/users/pyuser', password='pw', token_policies='default')
client.write('auth/pyup/users/pyother', password='pw', token_policies='default')
alias = ident.create_or_update_entity_alias(name='pyuser', canonical_id=eid, mount_accessor=accessor)
out['alias_canonical'] = alias['data']['canonical_id'] == eid
out['alias_read_name'] = ident.read_entity_alias(alias_id=alias['data']['id'])['data']['name']
out['alias_list_has'] = alias['data']['id'] in ident.list_entity_aliases()['data']['keys']
login = hvac.Client(url=url)
auth = login.auth.userpass.login(username='pyuser', password='pw', mount_point='pyup')['auth']
out['login_entity_is_py_ent'] = auth['entity_id'] == eid
out['login_identity_policies'] = auth.get('identity_policies')
out['lookup_self_entity'] = login.auth.token.lookup_self()['data']['entity_id'] == eid
other = hvac.Client(url=url)
other_auth = other.auth.userpass.login(username='pyother', password='pw', mount_point='pyup')['auth']
out['other_entity_new'] = bool(other_auth['entity_id']) and other_auth['entity_id'] != eid

# Lookups, and merging the other login's entity into py-ent.
out['lookup_alias'] = ident.lookup_entity(alias_name='pyuser', alias_mount_accessor=accessor)['data']['id'] == eid
miss = ident.lookup_entity(name='nobody-here')
out['lookup_miss_status'] = getattr(miss, 'status_code', miss)
out['merge_clash'] = error_name(
    lambda: ident.merge_entities(from_entity_ids=[other_auth['entity_id']], to_entity_id=eid)
)
keep = ident.lookup_entity(alias_name='pyuser', alias_mount_accessor=accessor)['data']['aliases'][0]['id']
client.write(
    'identity/entity/merge',
    from_entity_ids=[other_auth['entity_id']],
    to_entity_id=eid,
    conflicting_alias_ids_to_keep=[keep],
)
names = sorted(a['name'] for a in ident.read_entity(entity_id=eid)['data']['aliases'])
out['merged_alias_names'] = names
out['merge_self'] = error_name(lambda: ident.merge_entities(from_entity_ids=[eid], to_entity_id=eid))

# Groups: policies reach the member's token at once, a nested parent's too.
client.sys.create_or_update_policy('py-group', 'path "secret/data/py/*" { capabilities = ["read"] }')
client.secrets.kv.v2.create_or_update_secret(path='py/x', secret={'v': 1})
reader = hvac.Client(url=url, token=auth['client_token'])
out['read_before_group'] = error_name(lambda: reader.secrets.kv.v2.read_secret_version(path='py/x'))
child = ident.create_or_update_group(name='py-child', member_entity_ids=[eid])
parent = ident.create_or_update_group(name='py-parent', policies=['py-group'], member_group_ids=[child['data']['id']])
out['read_after_group'] = reader.secrets.kv.v2.read_secret_version(path='py/x')['data']['data']
out['lookup_identity_policies'] = reader.auth.token.lookup_self()['data'].get('identity_policies')
out['group_read_members'] = ident.read_group(group_id=child['data']['id'])['data']['member_entity_ids'] == [eid]
out['group_by_name_policies'] = ident.read_group_by_name(name='py-parent')['data']['policies']
out['group_list_has'] = parent['data']['id'] in ident.list_groups()['data']['keys']
out['lookup_group'] = ident.lookup_group(name='py-parent')['data']['id'] == parent['data']['id']
ext = ident.create_or_update_group(name='py-ext', group_type='external')
ga = ident.create_or_update_group_alias(name='py-ldap', mount_accessor=accessor, canonical_id=ext['data']['id'])
out['group_alias_name'] = ident.read_group_alias(alias_id=ga['data']['id'])['data']['name']
out['root_group_policy'] = error_name(lambda: ident.create_or_update_group(name='bad', policies=['root']))

# Disabled entity: the token is refused until it is enabled again.
ident.update_entity(entity_id=eid, name='py-ent', disabled=True)
out['disabled_lookup'] = error_name(lambda: reader.auth.token.lookup_self())
ident.update_entity(entity_id=eid, name='py-ent', disabled=False)
out['enabled_again'] = reader.auth.token.lookup_self()['data']['entity_id'] == eid

# Templated policy: own path yes, another's no; a token without an entity gets nothing.
client.sys.create_or_update_policy(
    'py-own', 'path "secret/data/home/{{identity.entity.name}}/*" { capabilities = ["create", "update", "read"] }'
)
client.write('auth/pyup/users/pyuser', password='pw', token_policies='py-own')
own = hvac.Client(url=url)
own.auth.userpass.login(username='pyuser', password='pw', mount_point='pyup')
own.secrets.kv.v2.create_or_update_secret(path='home/py-ent/notes', secret={'mine': 'yes'})
out['own_read'] = own.secrets.kv.v2.read_secret_version(path='home/py-ent/notes')['data']['data']
out['other_read'] = error_name(lambda: own.secrets.kv.v2.read_secret_version(path='home/someone/notes'))
plain = hvac.Client(url=url, token=client.auth.token.create(policies=['py-own'], no_parent=True)['auth']['client_token'])
out['no_entity_read'] = error_name(lambda: plain.secrets.kv.v2.read_secret_version(path='home/py-ent/notes'))
out['unbalanced'] = error_name(
    lambda: client.sys.create_or_update_policy('py-bad', 'path "a/{{identity.entity.id}/b" { capabilities = ["read"] }')
)

# Deletes.
ident.delete_group(group_id=parent['data']['id'])
out['group_gone'] = error_name(lambda: ident.read_group(group_id=parent['data']['id']))
ident.delete_entity_by_name(name='py-ent')
out['entity_gone'] = error_name(lambda: ident.read_entity(entity_id=eid))
print(json.dumps(out))
