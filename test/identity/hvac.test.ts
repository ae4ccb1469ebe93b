/**
 * Python hvac (Debian's python3-hvac) against the identity store, as a real process:
 * sys/mounts lists identity/, entities, aliases, merge, groups, lookups, a disabled entity,
 * a templated policy — the refusals included.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.js';
import { devEngine } from '../support/engine.js';
import { runHvacScript } from '../support/hvac.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

let engine: Engine;
let out: Record<string, any>;
beforeAll(async () => {
  engine = await devEngine();
  out = await runHvacScript(path.join(HERE, 'hvac_identity.py'), [engine.url, engine.rootToken]);
});
afterAll(async () => {
  await engine.stop();
});

describe('python hvac: identity', () => {
  it('sees identity/ in sys/mounts and cannot disable or move it', () => {
    expect(out.identity_type).toBe('identity');
    expect(out.disable_identity).toBe('InvalidRequest: cannot unmount "identity/"');
    expect(out.move_identity).toContain('cannot remount "identity/"');
  });

  it('drives entities and aliases by id and by name', () => {
    expect(out.entity_read_name).toBe('py-ent');
    expect(out.entity_by_name_meta).toEqual({ team: 'py' });
    expect(out.entity_policies).toEqual(['py-pol', 'py-two']);
    expect(out.entity_list_has).toBe(true);
    expect(out.entity_list_name_has).toBe(true);
    expect(out.alias_canonical).toBe(true);
    expect(out.alias_read_name).toBe('pyuser');
    expect(out.alias_list_has).toBe(true);
  });

  it('logs in onto the alias entity, with its policies as identity_policies', () => {
    expect(out.login_entity_is_py_ent).toBe(true);
    expect(out.login_identity_policies).toEqual(['py-pol', 'py-two']);
    expect(out.lookup_self_entity).toBe(true);
    expect(out.other_entity_new).toBe(true);
  });

  it('looks up and merges', () => {
    expect(out.lookup_alias).toBe(true);
    expect(out.lookup_miss_status).toBe(204);
    // Two aliases on one mount clash: the caller must say which one stays.
    expect(out.merge_clash).toContain('toEntity and at least one fromEntity have aliases with the same mount accessor');
    expect(out.merged_alias_names).toEqual(['pyuser']);
    expect(out.merge_self).toBe('InvalidRequest: to_entity_id should not be present in from_entity_ids');
  });

  it('groups: nested policies reach a live token; external groups take an alias; root is refused', () => {
    expect(out.read_before_group).toMatch(/^Forbidden/);
    expect(out.read_after_group).toEqual({ v: 1 });
    expect(out.lookup_identity_policies).toEqual(['py-group', 'py-pol', 'py-two']);
    expect(out.group_read_members).toBe(true);
    expect(out.group_by_name_policies).toEqual(['py-group']);
    expect(out.group_list_has).toBe(true);
    expect(out.lookup_group).toBe(true);
    expect(out.group_alias_name).toBe('py-ldap');
    expect(out.root_group_policy).toBe('InvalidRequest: policies cannot contain root');
  });

  it('refuses a disabled entity and serves it again once enabled', () => {
    expect(out.disabled_lookup).toMatch(/^Forbidden: .*permission denied/s);
    expect(out.enabled_again).toBe(true);
  });

  it('renders a templated policy per entity; no entity and bad braces get nothing', () => {
    expect(out.own_read).toEqual({ mine: 'yes' });
    expect(out.other_read).toMatch(/^Forbidden/);
    expect(out.no_entity_read).toMatch(/^Forbidden/);
    expect(out.unbalanced).toContain('unbalanced templating characters');
  });

  it('deletes groups and entities', () => {
    expect(out.group_gone).toMatch(/^InvalidPath/);
    expect(out.entity_gone).toMatch(/^InvalidPath/);
  });
});
