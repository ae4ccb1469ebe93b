/** The lab screen: steps, lesson text, live checks, and the embedded shell. */
import React from 'react';
import { Box, Text } from 'ink';
import { t } from '../../labs/schema.js';
import type { LabController } from '../controller.js';
import type { Theme } from '../theme.js';
import { renderMarkdown } from '../components/markdown.js';
import { hintLine } from '../keys.js';

export interface Layout { cols: number; rows: number; lessonRows: number; checkRows: number; shellRows: number }

/** Splits the terminal: lesson on top, checks, then the shell; works down to 80×24. */
export function layoutFor(cols: number, rows: number, noShell: boolean): Layout {
  const fixed = 4; // header, steps, separator, footer
  const checkRows = 2;
  if (noShell) return { cols, rows, lessonRows: Math.max(3, rows - fixed - checkRows - 4), checkRows, shellRows: 0 };
  const avail = Math.max(6, rows - fixed - checkRows);
  const lessonRows = Math.max(3, Math.floor(avail * 0.4));
  return { cols, rows, lessonRows, checkRows, shellRows: Math.max(3, avail - lessonRows) };
}

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface LabScreenProps {
  c: LabController;
  theme: Theme;
  layout: Layout;
  focus: 'lesson' | 'shell';
  scroll: number;
  tick: number;
  noShell: boolean;
}

/** Everything the lesson pane shows, as lines (so it can scroll). */
export function lessonLines(c: LabController, width: number, color: boolean): string[] {
  const s = c.session;
  const step = s.step;
  if (!step) {
    return [
      color ? '\u001b[1;32mLab complete!\u001b[0m' : 'Lab complete!',
      '',
      `You finished "${t(c.loaded.lab.title)}". Press Esc for the course map, or q to quit.`,
    ];
  }
  const lines = [color ? `\u001b[1m${t(step.title)}\u001b[0m` : t(step.title), ...renderMarkdown(t(step.body), width, color)];
  for (let i = 0; i < c.hintsShown; i++) lines.push('', `Hint ${i + 1}/${step.hints.length}: ${t(step.hints[i])}`);
  if (c.solutionShown) lines.push('', 'Solution:', ...step.solution.flatMap((cmd) => cmd.trimEnd().split('\n').map((l) => `  ${l}`)));
  return lines;
}

export function LabScreen({ c, theme, layout, focus, scroll, tick, noShell }: LabScreenProps) {
  const s = c.session;
  const lab = c.loaded.lab;
  const width = layout.cols;
  const stepNo = Math.min(s.stepIndex + 1, lab.steps.length);
  const header = `vault-lab · ${t(lab.title)} · step ${stepNo}/${lab.steps.length}`;
  const focusLabel = focus === 'shell' ? '[shell]' : '[lesson]';

  if (c.state !== 'ready') {
    return (
      <Box flexDirection="column" height={layout.rows}>
        <Text bold color={theme.text.title}>{header}</Text>
        {c.state === 'starting'
          ? <Text color={theme.status.pending}>{SPIN[tick % SPIN.length]} {c.progressText}</Text>
          : <Text color={theme.status.fail}>Could not start the lab: {c.error}{'\n'}Press Esc for the course map or q to quit.</Text>}
      </Box>
    );
  }

  const marks = lab.steps.map((st, i) => {
    const status = s.statuses[i];
    const mark = status === 'done' ? '✓' : status === 'skipped' ? '↷' : status === 'active' ? '●' : '○';
    return { mark, id: st.id, status };
  });
  const all = lessonLines(c, width - 2, theme.color);
  const maxScroll = Math.max(0, all.length - layout.lessonRows);
  const top = Math.min(scroll, maxScroll);
  const visible = all.slice(top, top + layout.lessonRows);
  while (visible.length < layout.lessonRows) visible.push('');
  const more = all.length > layout.lessonRows ? ` (${top + 1}-${Math.min(all.length, top + layout.lessonRows)} of ${all.length}, ↑↓ scroll)` : '';

  const checks = s.step ? s.results : [];
  const checkLines = checks.slice(0, layout.checkRows).map((r) => ({ ok: r.pass, text: r.message }));
  if (c.notice) checkLines.unshift({ ok: true, text: c.notice });
  while (checkLines.length < layout.checkRows) checkLines.push({ ok: true, text: '' });

  const shell = c.pty ? c.pty.lines(focus === 'shell', theme.color) : [];
  const envLines = noShell ? [`Use your own terminal:`, `  export VAULT_ADDR='${s.engine.url}'`, `  export VAULT_TOKEN='${s.engine.rootToken}'`, `  export PATH='${s.env().PATH.split(':')[0]}':"$PATH"`] : [];

  return (
    <Box flexDirection="column" height={layout.rows} width={width}>
      <Text wrap="truncate" bold color={theme.text.title}>{header}  <Text color={theme.text.secondary}>{focusLabel}</Text></Text>
      <Text wrap="truncate">{marks.map((m, i) => (
        <Text key={m.id} color={m.status === 'done' ? theme.status.ok : m.status === 'active' ? theme.text.accent : theme.text.secondary}>{i ? ' ' : ''}{m.mark} {m.id}</Text>
      ))}</Text>
      {visible.map((l, i) => <Text key={`l${i}`} wrap="truncate">{l}</Text>)}
      {checkLines.slice(0, layout.checkRows).map((r, i) => (
        <Text key={`c${i}`} wrap="truncate" color={r.text ? (r.ok ? theme.status.ok : theme.status.fail) : undefined}>{r.text ? `${r.ok ? '✓' : '✗'} ${r.text}` : ' '}</Text>
      ))}
      <Text wrap="truncate" color={focus === 'shell' ? theme.border.focused : theme.border.idle}>{`── ${noShell ? 'your terminal' : 'shell'} ${focus === 'shell' ? '(typing goes here) ' : ''}`.padEnd(width, '─').slice(0, width)}</Text>
      {noShell ? envLines.map((l, i) => <Text key={`e${i}`} wrap="truncate">{l}</Text>) : shell.map((l, i) => <Text key={`s${i}`} wrap="truncate">{l || ' '}</Text>)}
      <Text wrap="truncate" color={theme.text.secondary}>{focus === 'shell' ? 'Ctrl-] back to the lesson (hints, reset, skip, quit)' : hintLine('lesson') + more}</Text>
    </Box>
  );
}
