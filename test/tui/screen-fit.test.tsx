/**
 * What the learner sees at 80×24 and 160×40, through the whole App (ink-testing-library)
 * on the shipped course: the lesson gets the rows it needs (its instruction line in view
 * next to the shell prompt), the shell grows as it fills while the lesson scrolls,
 * lesson and shell side by side from 160 columns, and a course map that fits.
 */
import { describe, expect, it } from 'vitest';
import { orderLabs } from '../../tui/course.js';
import { lessonLines } from '../../tui/components/lesson.js';
import type { LabController } from '../../tui/controller.js';
import { KEY } from '../../tui/keys.js';
import { layoutFor, MIN_SHELL_ROWS } from '../../tui/layout.js';
import { fitWords, t } from '../../tui/text.js';
import { NO_COLOR_THEME } from '../../tui/theme.js';
import { loadLabDir } from '../../labs/format/load.js';
import { renderCourse, SHIPPED_COURSE, widest } from './render.js';

const INSTRUCTION = 'Quote the password: `!` means something to your shell.';
const PROMPT = /vault-lab:\S+[#$] /;

async function openLab(cols: number, rows: number, id: string) {
  const ui = renderCourse({ labsDir: SHIPPED_COURSE, cols, rows });
  const index = orderLabs(ui.labs).findIndex((l) => l.lab.id === id);
  for (let i = 0; i < index; i++) await ui.press(KEY.down);
  await ui.press(KEY.enter);
  await ui.waitFor(() => ui.controller()?.state === 'ready' && PROMPT.test(ui.frame()), 20_000);
  return ui;
}

/** Rows between the shell's rule and the footer (stacked layout). */
function shellRows(frame: string): string[] {
  const lines = frame.split('\n');
  const rule = lines.findIndex((l) => l.startsWith('── shell'));
  return lines.slice(rule + 1, -1);
}

describe('the lab screen at 80×24', () => {
  it('shows the whole first lesson, its instruction line and the prompt; the shell grows as it fills', async () => {
    const ui = await openLab(80, 24, 'policies-and-tokens');
    let frame = ui.frame();
    expect(frame.split('\n')).toHaveLength(24);
    expect(widest(frame)).toBeLessThanOrEqual(80);
    expect(frame).toContain(INSTRUCTION);
    expect(frame).toMatch(PROMPT);
    // All 11 lesson lines fit: no scroll position in the header.
    expect(frame.split('\n')[0]).not.toMatch(/\d+-\d+\/\d+/);
    const before = shellRows(frame).length;
    expect(before).toBeGreaterThanOrEqual(MIN_SHELL_ROWS);
    expect(shellRows(frame).filter((l) => l.trim()).length).toBe(1); // just the prompt, no empty rows wasted above

    // Output fills the shell: it grows (up to half the room) and the lesson scrolls.
    await ui.type('seq 101 112\r');
    frame = await ui.waitFor(/112\n.*vault-lab:/);
    const after = shellRows(frame);
    expect(after.length).toBeGreaterThan(before);
    expect(after.length).toBeLessThanOrEqual(8);
    expect(after.at(-1)).toMatch(PROMPT);
    expect(frame).toContain('112');
    expect(frame.split('\n')[0]).toMatch(/ 1-\d+\/11/);
    expect(frame.split('\n')).toHaveLength(24);

    // The scroll keys still reach the end of the lesson.
    await ui.press(KEY.ctrlBracket, KEY.pgDn);
    frame = await ui.waitFor(/\d+-11\/11/);
    expect(frame).toContain(INSTRUCTION);
  }, 40_000);

  it("gives every shipped lab's first step the rows it needs (up to all but the shell's minimum)", () => {
    const { labs } = loadLabDir(SHIPPED_COURSE);
    const avail = layoutFor(80, 24, false).lessonRows + layoutFor(80, 24, false).shellRows;
    for (const l of labs) {
      const c = { session: { step: l.lab.steps[0] }, hintsShown: 0, solutionShown: false, lab: l.lab };
      const lines = lessonLines(c as unknown as LabController, 79, NO_COLOR_THEME).length;
      const layout = layoutFor(80, 24, false, { lessonLines: lines, shellUsed: 1, shellFull: false });
      expect(layout.lessonRows, l.lab.id).toBe(
        Math.max(Math.min(lines, avail - MIN_SHELL_ROWS), avail - layout.ptyRows),
      );
      expect(layout.lessonRows, l.lab.id).toBeGreaterThanOrEqual(Math.min(lines, avail - MIN_SHELL_ROWS));
      expect(layout.lessonRows + layout.shellRows).toBe(avail);
    }
  });
});

describe('the lab screen at 160×40', () => {
  it('puts lesson and shell side by side, each its own width', async () => {
    const ui = await openLab(160, 40, 'policies-and-tokens');
    const frame = ui.frame();
    const lines = frame.split('\n');
    expect(lines).toHaveLength(40);
    expect(widest(frame)).toBeLessThanOrEqual(160);
    // The shell's rule starts at the divider, on the first row under the steps.
    expect(lines[2]).toMatch(/^Put a secret worth protecting\s+│── shell/);
    const divider = lines[2].indexOf('│');
    expect(divider).toBe(79);
    for (const l of lines.slice(2, -1)) expect(l.padEnd(160)[divider]).toBe('│');
    // Left: the whole lesson with its instruction; right: the prompt.
    const left = lines.map((l) => l.slice(0, divider)).join('\n');
    const right = lines.map((l) => l.slice(divider + 1)).join('\n');
    expect(left).toContain(INSTRUCTION);
    expect(right).toMatch(PROMPT);
    expect(left).not.toMatch(PROMPT);
    expect(lines[0]).not.toMatch(/\d+-\d+\/\d+/);
    // The pseudo-terminal has the right column's width and the body's height.
    expect(ui.controller()!.pty!.term.cols).toBe(80);
    expect(ui.controller()!.pty!.term.rows).toBe(36);
  }, 40_000);
});

describe('the course map at 80×24', () => {
  it('fits every title and summary of the shipped course: wrapped, or cut after a whole word with …', async () => {
    const ui = renderCourse({ labsDir: SHIPPED_COURSE, cols: 80, rows: 24 });
    const ordered = orderLabs(ui.labs);
    await ui.waitFor('Enter');
    for (const [i, l] of ordered.entries()) {
      if (i > 0) await ui.press(KEY.down);
      const frame = await ui.waitFor((() =>
        ui.frame().includes(`› ${fitWords(t(l.lab.title), 34, 2)[0]}`)) as () => boolean);
      expect(frame.split('\n').length).toBeLessThanOrEqual(24);
      expect(widest(frame), l.lab.id).toBeLessThanOrEqual(80);
      // The title, whole, on its line and the one under it.
      const lines = frame.split('\n');
      const at = lines.findIndex((x) => x.includes('› '));
      const titleText = [lines[at].slice(lines[at].indexOf('› ') + 2, lines[at].indexOf('› ') + 2 + 34), lines[at + 1]]
        .join(' ')
        .replace(/\s+/g, ' ');
      expect(titleText, l.lab.id).toContain(t(l.lab.title));
      // The summary: its words in order, whole; if it does not fit, it ends in … after a whole word.
      const summary = t(l.lab.summary);
      const hint = lines.findIndex((x) => x.includes('Enter'));
      const shown = lines
        .slice(0, hint)
        .reverse()
        .slice(0, 3)
        .reverse()
        .map((x) => x.trim())
        .join(' ');
      const tail = shown.slice(shown.indexOf(summary.split(' ')[0]));
      if (tail.endsWith('…')) {
        const kept = tail.slice(0, -1);
        expect(summary.startsWith(kept), l.lab.id).toBe(true);
        expect(summary[kept.length], l.lab.id).toBe(' ');
      } else expect(tail, l.lab.id).toBe(summary);
    }
  }, 60_000);
});

describe('fitWords', () => {
  it('wraps on spaces, never cuts a word without …', () => {
    expect(fitWords('Audit devices — a record of every request that keeps secrets secret', 36, 2)).toEqual([
      'Audit devices — a record of every',
      'request that keeps secrets secret',
    ]);
    expect(fitWords('one two three four', 9, 1)).toEqual(['one two…']);
    expect(fitWords('supercalifragilistic', 8, 2)).toEqual(['superca…']);
    expect(fitWords('short', 40, 2)).toEqual(['short']);
  });
});
