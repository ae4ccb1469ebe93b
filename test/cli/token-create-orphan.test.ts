/**
 * `vault token create -orphan` asks auth/token/create with no_parent, as Vault's CLI does: a
 * token without sudo there is refused, even when its policy allows auth/token/create-orphan
 * (lab 15 teaches the difference). `-type=batch` sends renewable=false.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../engine/index.js';
import { cliSession, type Session } from './harness.js';

describe('vault token create -orphan and -type=batch', () => {
  let s: Session;
  const seen: AuditEvent[] = [];
  beforeAll(async () => {
    s = await cliSession();
    s.engine.events.on('audit', (e: AuditEvent) => {
      if (e.type === 'request') seen.push(e);
    });
    await s.run('export VAULT_TOKEN=root');
    await s.run(`vault policy write maker - <<'EOF'
path "auth/token/create" { capabilities = ["update"] }
path "auth/token/create-orphan" { capabilities = ["update"] }
EOF`);
  });
  afterAll(async () => {
    await s.close();
  });

  it('sends no_parent to auth/token/create, which needs root or sudo', async () => {
    seen.length = 0;
    await s.run('export MAKER=$(vault token create -policy=maker -field=token)');
    const r = await s.run('VAULT_TOKEN=$MAKER vault token create -orphan -policy=maker');
    expect(r.code).toBe(2);
    expect(r.output).toContain('root or sudo privileges required to create orphan token');
    const asked = seen.filter((e) => e.request.path.startsWith('auth/token/create'));
    expect(asked.map((e) => e.request.path)).toEqual(['auth/token/create', 'auth/token/create']);
    const root = await s.run('vault token create -orphan -policy=maker -format=json | jq -r .auth.orphan');
    expect(root.output.trim()).toBe('true');
  });

  it('asks for a batch token that is not renewable', async () => {
    const r = await s.run('vault token create -type=batch -policy=maker -ttl=10m -format=json | jq -r .auth.renewable');
    expect(r.output.trim()).toBe('false');
    const body = seen.at(-1)?.request.data as Record<string, unknown> | undefined;
    expect(body?.renewable).toBe(false);
  });
});
