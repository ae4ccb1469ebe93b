/**
 * `vault kv list` on a secret (not a folder) prints our hint towards `kv metadata get`.
 * The hint finds the secret by listing the parent folder: it must not read the secret's
 * metadata, or a lab step that asks for `kv metadata get` would pass on a `kv list`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../engine/index.js';
import { cliSession, type Session } from './harness.js';

describe('kv list on a secret', () => {
  let s: Session;
  const seen: AuditEvent[] = [];
  beforeAll(async () => {
    s = await cliSession();
    s.engine.events.on('audit', (e: AuditEvent) => {
      if (e.type === 'response') seen.push(e);
    });
    await s.run('export VAULT_TOKEN=root && vault kv put secret/app/config api_key=v1 >/dev/null');
  });
  afterAll(async () => {
    await s.close();
  });

  it('hints at kv metadata get without reading the metadata itself', async () => {
    seen.length = 0;
    const r = await s.run('vault kv list secret/app/config');
    expect(r.code).toBe(2);
    expect(r.output).toContain('No value found at secret/metadata/app/config');
    expect(r.output).toContain('Hint (vault-lab): secret/app/config is a secret, not a folder');
    const reads = seen.filter((e) => e.request.path === 'secret/metadata/app/config' && e.request.operation === 'read');
    expect(reads).toEqual([]);
    expect(seen.some((e) => /^secret\/metadata\/app\/?$/.test(e.request.path) && e.request.operation === 'list')).toBe(
      true,
    );
  });

  it('gives no hint for a path that is neither a folder nor a secret', async () => {
    const r = await s.run('vault kv list -mount=secret app/nothing');
    expect(r.code).toBe(2);
    expect(r.output).not.toContain('Hint (vault-lab)');
    const again = await s.run('vault kv list -mount=secret app/config');
    expect(again.output).toContain('Hint (vault-lab): secret/app/config is a secret, not a folder');
  });
});
