/**
 * The real `vault-lab` binary in a pseudo-terminal: at 80×24 the first step's instruction
 * and the shell prompt are both in view; resized to 160×40, lesson and shell sit side by
 * side (the shell's own pseudo-terminal follows the right column's width).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';
import { PtySession } from '../support/pty.js';

const INSTRUCTION = 'Quote the password: `!` means something to your shell.';
const PROMPT = /vault-lab:\S+[#$] /;

let s: PtySession | undefined;
afterEach(() => {
  s?.kill();
  s = undefined;
});

describe('what the learner sees in a real terminal', () => {
  it('80×24: instruction and prompt in view; 160×40: lesson and shell side by side', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-fit-'));
    s = new PtySession(process.execPath, [VAULT_LAB_JS], {
      cwd: ROOT,
      cols: 80,
      rows: 24,
      env: { VAULT_LAB_DATA_DIR: data, NO_COLOR: '1' },
    });
    await s.selectLab('Policies and tokens');
    s.type('\r');
    let screen = await s.waitFor(new RegExp(`step 1/6[\\s\\S]*${PROMPT.source}`), 30_000);
    expect(screen).toContain(INSTRUCTION);
    expect(screen.split('\n')[0]).not.toMatch(/\d+-\d+\/\d+/);

    s.resize(160, 40);
    screen = await s.waitFor(/│── shell/);
    const lines = screen.split('\n');
    const body = lines.findIndex((l) => l.includes('│── shell'));
    expect(lines[body].indexOf('│')).toBe(79);
    expect(lines[body]).toMatch(/^Put a secret worth protecting/);
    // The shell prints at the width of its column: a long line wraps at 80 columns, beside the lesson.
    s.type(`echo ${'x'.repeat(100)}\r`);
    screen = await s.waitFor(/│x{80}\n.*│x{20}$/m);
    const left = screen
      .split('\n')
      .map((l) => l.slice(0, 79))
      .join('\n');
    expect(left).toContain(INSTRUCTION);

    s.type('\u001d');
    s.type('q');
    expect(await s.waitExit()).toBe(0);
  }, 90_000);
});
