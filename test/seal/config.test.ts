/** The server config file: what it accepts, and that its lease TTLs reach the engine. */
import { describe, expect, it } from 'vitest';
import { parseServerConfig } from '../../engine/server/config.js';
import { MemoryStorage } from '../../engine/physical/memory.js';
import { startEngine } from '../../engine/index.js';

describe('parseServerConfig', () => {
  it('reads storage, listener and TTLs, and warns about keys it ignores', () => {
    const c = parseServerConfig(
      `
      ui = true
      storage "file" { path = "/var/lib/vault-lab" }
      listener "tcp" {
        address = "127.0.0.1:8200"
        tls_disable = 1
      }
      default_lease_ttl = "1h"
      max_lease_ttl = "24h"
    `,
      'a.hcl',
    );
    expect(c.storage).toEqual({ kind: 'file', path: '/var/lib/vault-lab' });
    expect(c.address).toBe('127.0.0.1:8200');
    expect(c.defaultLeaseTTL).toBe(3600);
    expect(c.maxLeaseTTL).toBe(86400);
    expect(c.warnings).toEqual(['a.hcl:2:7: "ui" is accepted and ignored']);
    expect(parseServerConfig('storage "inmem" {}').storage).toEqual({ kind: 'memory' });
  });

  it('refuses a default TTL above the maximum', () => {
    expect(() => parseServerConfig('storage "inmem" {}\ndefault_lease_ttl = "48h"\nmax_lease_ttl = "24h"')).toThrow(
      'default_lease_ttl cannot be greater than max_lease_ttl',
    );
  });
});

describe('config TTLs in the engine', () => {
  it('become the system default and maximum for tokens and leases', async () => {
    const e = await startEngine({
      storage: { kind: 'custom', storage: new MemoryStorage() },
      seal: true,
      listen: false,
      defaultLeaseTTL: 3600,
      maxLeaseTTL: 7200,
    });
    try {
      const init = (
        await e.request({ operation: 'write', path: 'sys/init', data: { secret_shares: 1, secret_threshold: 1 } })
      ).body as { keys: string[]; root_token: string };
      await e.request({ operation: 'write', path: 'sys/unseal', data: { key: init.keys[0] } });
      const t1 = await e.request({
        operation: 'write',
        path: 'auth/token/create',
        token: init.root_token,
        data: { policies: ['default'] },
      });
      expect((t1.body?.auth as { lease_duration: number } | undefined)?.lease_duration).toBe(3600);
      const t2 = await e.request({
        operation: 'write',
        path: 'auth/token/create',
        token: init.root_token,
        data: { policies: ['default'], ttl: '5h' },
      });
      expect((t2.body?.auth as { lease_duration: number } | undefined)?.lease_duration).toBe(7200);
      expect(String(t2.body?.warnings)).toMatch(/capped/);
    } finally {
      await e.stop();
    }
  });
});
