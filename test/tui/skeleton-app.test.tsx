/** The Ink app rendered with ink-testing-library: course map, opening a lab, live checks. */
import { describe, expect, it } from 'vitest';
import { orderLabs } from '../../tui/course.js';
import { KEY } from '../../tui/keys.js';
import { renderCourse, SHIPPED_COURSE } from './render.js';

describe('App', () => {
  it('lists the labs with their status, opens one, and advances when the engine sees the work', async () => {
    const r = renderCourse({ labsDir: SHIPPED_COURSE });
    expect(r.frame()).toContain('Policies and tokens');
    expect(r.frame()).toMatch(/Policies and tokens\s+15 min\s+—\s+new/);
    // The map lists labs grouped by topic.
    const idx = orderLabs(r.labs).findIndex((l) => l.lab.id === 'policies-and-tokens');
    for (let i = 0; i < idx; i++) await r.press('\u001b[B');
    await r.press('\r');
    await r.waitFor(() => r.frame().includes('step 1/6') && r.controller()?.state === 'ready');
    expect(r.frame()).toContain('Put a secret worth protecting');
    expect(r.frame()).toMatch(/✗ .*secret\/myapp\/config/);
    // Any client counts: write through the engine's HTTP API, not the shell.
    const c = r.controller()!;
    const res = await fetch(`${c.session.engine.url}/v1/secret/data/myapp/config`, {
      method: 'PUT',
      headers: { 'X-Vault-Token': c.session.engine.rootToken },
      body: JSON.stringify({ data: { db_user: 'appuser', db_password: 'x' } }),
    });
    expect(res.status).toBe(200);
    await r.waitFor('step 2/6');
    expect(r.frame()).toMatch(/✓ store-secret ● write-policy/);
    // Hints are a ladder, revealed one at a time from the lesson.
    await r.press('\u001d', 'h');
    await r.waitFor('Hint 1/2');
    expect(r.store.lab('policies-and-tokens').hints['write-policy']).toBe(1);
    expect(r.store.lab('policies-and-tokens').done).toEqual(['store-secret']);
  }, 30_000);

  it('reads keys as the terminal sends them: an arrow split over two reads is one key, a lone Esc is Esc', async () => {
    const r = renderCourse();
    expect(r.frame()).toContain('› Fixture basics');
    await r.press(KEY.enter);
    await r.waitFor(() => r.controller()?.state === 'ready');
    await r.press(KEY.ctrlBracket, KEY.esc);
    await r.waitFor('› Fixture basics');
    expect(r.controller()).toBeNull();
    r.write('\u001b[');
    r.write('B');
    await r.waitFor('› Fixture database credentials');
  }, 30_000);
});
