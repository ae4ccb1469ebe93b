/**
 * `vault-lab web` in a real browser (Debian's Chromium, headless, through playwright-core):
 * open the course, start the policies lab, type the first step's solution into the xterm.js
 * terminal, and watch the check turn green and the step advance; a reload reattaches to the
 * same shell with its screen. Lab markdown that tries to run script stays inert. On failure a
 * screenshot goes to test-artifacts/web/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileLabs, POLICIES_YAML, startWeb, type WebProcess } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts/web');

let w: WebProcess;
let browser: Browser;

beforeAll(async () => {
  w = await startWeb(hostileLabs());
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

/** Runs a browser scenario; on failure saves a screenshot named after it, then fails. */
async function scenario(name: string, fn: (page: Page) => Promise<void>) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  try {
    await fn(page);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  } catch (e) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

const terminalText = (page: Page) => page.locator('#term .xterm-rows').textContent();

describe('vault-lab web in Chromium', () => {
  it('opens the course, runs the policies lab from the xterm terminal, and survives a reload', async () => {
    const solution: string = parse(fs.readFileSync(POLICIES_YAML, 'utf8')).steps[0].solution[0];
    await scenario('policies-lab', async (page) => {
      await page.goto(w.url);
      // The token left the address bar once exchanged for the cookie.
      await expect.poll(() => page.url()).not.toContain('token=');
      await page.getByRole('heading', { name: /Course map/ }).waitFor();
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'map.png') });
      await page.locator('button[data-start="policies-and-tokens"]').click();
      await page.getByRole('heading', { name: /Step 1 of/ }).waitFor({ timeout: 30_000 });
      // The hostile markdown shows as text and ran nothing.
      await expect.poll(() => page.locator('#step').textContent()).toContain('<script>');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      // The shell's prompt, then the solution typed into the terminal.
      await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('vault-lab:');
      await expect.poll(() => page.locator('#checks li.fail').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await page.locator('#term').click();
      await page.keyboard.type(solution);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: /Step 2 of/ }).waitFor({ timeout: 30_000 });
      await expect.poll(() => page.locator('#steps li[data-status="done"]').count()).toBe(1);
      await expect.poll(() => terminalText(page)).toContain('Secret Path');
      // The activity feed explains the write.
      await expect.poll(() => page.locator('#activity').textContent()).toContain('secret/data/myapp/config');
      // A hint is recorded and shown.
      await page.locator('button[data-action="hint"]').click();
      await page.locator('#hints li').first().waitFor();
      // A reload reattaches to the same shell and restores its screen.
      await page.reload();
      await page.getByRole('heading', { name: /Step 2 of/ }).waitFor({ timeout: 20_000 });
      await expect.poll(() => terminalText(page), { timeout: 15_000 }).toContain('vault kv put secret/myapp/config');
      // The key shown on screen moves focus from the terminal to the lesson.
      await expect.poll(() => page.locator('#keys').textContent()).toContain('Ctrl+]');
      await page.locator('#term').click();
      await page.keyboard.press('Control+BracketRight');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('lesson');
      await page.screenshot({ path: path.join(ARTIFACTS, 'lab-mid-step.png') });
      // Skip the remaining steps (their solutions are applied), then take the quiz.
      for (let i = 0; i < 20; i++) {
        const h = (await page.locator('#step-h').textContent()) ?? '';
        if (h.includes('All steps done')) break;
        await page.locator('button[data-action="skip"]').click();
        await expect.poll(() => page.locator('#step-h').textContent(), { timeout: 30_000 }).not.toBe(h);
      }
      await page.getByRole('heading', { name: /Lab complete/ }).waitFor();
      await page.locator('button[data-quiz="start"]').click();
      const q = page.locator('#quiz-h');
      await q.waitFor();
      for (let i = 0; i < 20 && (await q.count()); i++) {
        const before = await q.textContent();
        const text = page.locator('#quiz-form input[type="text"]');
        if (await text.count()) await text.fill('myapp-read');
        else await page.locator('#quiz-form input[name="answer"]').first().check();
        await page.getByRole('button', { name: 'Check my answer' }).click();
        await page.locator('button[data-quiz="next"]').click();
        await expect.poll(async () => ((await q.count()) ? await q.textContent() : 'closed')).not.toBe(before);
      }
      await expect.poll(() => page.locator('.results').textContent(), { timeout: 15_000 }).toMatch(/Quiz\s*\d+\/\d+/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'results.png') });
    });
    const progress = JSON.parse(
      fs.readFileSync(
        path.join(
          w.dir,
          'data',
          fs.readdirSync(path.join(w.dir, 'data')).find((f) => f.includes('progress')) ?? 'progress.json',
        ),
        'utf8',
      ),
    );
    const p = progress.labs['policies-and-tokens'];
    expect(p.done).toEqual(['store-secret']);
    expect(p.hints['write-policy']).toBe(1);
    expect(p.status).toBe('done');
    expect(p.skipped.length).toBeGreaterThan(0);
    expect(p.quiz.total).toBeGreaterThan(0);
  }, 120_000);

  it('stacks the lesson above the terminal in a narrow window, and ?present shows large type without the step list', async () => {
    await scenario('layouts', async (page) => {
      await page.setViewportSize({ width: 600, height: 900 });
      await page.goto(w.url);
      await page.locator('#lesson').waitFor();
      const lesson = await page.locator('#lesson').boundingBox();
      const terminal = await page.locator('#terminal-pane').boundingBox();
      expect(lesson && terminal && lesson.y + lesson.height <= terminal.y + 1).toBe(true);
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${w.origin}/?present`);
      await page.locator('#lesson').waitFor();
      expect(await page.locator('#steps').isVisible()).toBe(false);
      const size = await page.evaluate(() => Number.parseFloat(getComputedStyle(document.body).fontSize));
      expect(size).toBeGreaterThan(20);
    });
  }, 60_000);
});
