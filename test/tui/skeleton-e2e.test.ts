/**
 * The real `vault-lab` binary in a pseudo-terminal, through the whole first lab:
 * choose it, type the lesson's commands in the embedded shell, watch every step
 * complete by itself, quit, and find the terminal restored and progress saved.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';
import { PtySession } from '../support/pty.js';

let s: PtySession | undefined;

describe('vault-lab in a terminal', () => {
  it('runs "Policies and tokens" end to end at 80×24', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-e2e-'));
    s = new PtySession(process.execPath, [VAULT_LAB_JS], {
      cwd: ROOT,
      env: { VAULT_LAB_DATA_DIR: data, NO_COLOR: '' },
    });
    const map = await s.selectLab('Policies and tokens');
    console.log('--- course map ---\n' + map);
    expect(map).toMatch(/Policies and tokens\s+15 min/);
    s.type('\r');
    let screen = await s.waitFor(/step 1\/6[\s\S]*vault-lab:\S+[#$] /);
    console.log('--- lab, step 1 ---\n' + screen);
    expect(screen).toContain('Put a secret worth protecting');

    s.type("vault kv put secret/myapp/config db_user=appuser db_password='MyS3cret!'\r");
    await s.waitFor('step 2/6');
    s.type('printf \'path "secret/data/myapp/config" {\\n  capabilities = ["read"]\\n}\\n\' > read-only.hcl\r');
    s.type('vault policy write read-only read-only.hcl\r');
    await s.waitFor('step 3/6');
    s.type('vault token create -policy=read-only -ttl=1h\r');
    screen = await s.waitFor(/token_policies\s+\["default" "read-only"\]/);
    expect(screen).toContain('step 4/6');
    s.type('export VAULT_TOKEN=$(vault token create -policy=read-only -ttl=1h -field=token 2>/dev/null || true)\r');
    // The token above was created by root; now as the app:
    s.type('vault kv get secret/myapp/config\r');
    await s.waitFor('step 5/6');
    s.type('vault kv put secret/myapp/config db_user=hacker; echo "exit=$?"\r');
    await s.waitFor('step 6/6');
    // The step can complete (on the engine's audit event) before the CLI prints its error.
    screen = await s.waitFor(/exit=2/);
    console.log('--- denied write ---\n' + screen);
    expect(screen).toContain('step 6/6');
    expect(screen).toContain('* permission denied');
    expect(screen).toContain('exit=2');
    s.type('vault kv get secret/another/path\r');
    screen = await s.waitFor('Lab complete!');
    console.log('--- complete ---\n' + screen);

    s.type('\u001d'); // Ctrl-] to the lesson
    s.type('q');
    expect(await s.waitExit()).toBe(0);
    const progress = JSON.parse(fs.readFileSync(path.join(data, 'progress.json'), 'utf8'));
    expect(progress.labs['policies-and-tokens'].status).toBe('done');
    expect(progress.labs['policies-and-tokens'].done).toHaveLength(6);
    // No secret value or token in the progress file.
    expect(fs.readFileSync(path.join(data, 'progress.json'), 'utf8')).not.toMatch(/MyS3cret|hvs\./);
  }, 90_000);

  it('Ctrl-C in the shell interrupts the shell, not the course', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-e2e-'));
    s = new PtySession(process.execPath, [VAULT_LAB_JS], { cwd: ROOT, env: { VAULT_LAB_DATA_DIR: data } });
    await s.selectLab('Policies and tokens');
    s.type('\r');
    await s.waitFor(/vault-lab:\S+[#$] /);
    s.type('sleep 30\r');
    await new Promise((r) => setTimeout(r, 300));
    s.type('\u0003');
    await s.waitFor(/\^C[\s\S]*vault-lab:\S+[#$] /);
    expect(s.exitCode).toBeNull();
    s.type('\u001d');
    s.type('\u0003'); // Ctrl-C with the lesson focused quits
    expect(await s.waitExit()).toBe(0);
  }, 60_000);
});
