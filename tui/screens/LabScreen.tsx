/** The lab screen: steps, lesson (or activity feed), live checks, last request, and the embedded shell. */
import { Box, Text } from 'ink';
import { t } from '../text.js';
import type { LabController } from '../controller.js';
import { paint, type Theme } from '../theme.js';
import { activityLines, devLines, lessonLines, traceLines } from '../components/lesson.js';
import { Spinner } from '../components/Spinner.js';
import { FOCUS_LABEL, hintLine } from '../keys.js';
import type { Layout } from '../layout.js';
import type { Focus, Panel } from '../input.js';

export interface LabScreenProps {
  c: LabController;
  theme: Theme;
  layout: Layout;
  focus: Focus;
  panel: Panel;
  scroll: number;
  noShell: boolean;
  /** `vault-lab dev`: the lab file's state, above the lesson. */
  dev?: string[];
}

function stepMarks(c: LabController, theme: Theme, width: number): string {
  const marks = c.lab.steps.map((st, i) => {
    const status = c.session.statuses[i];
    const mark = status === 'done' ? '✓' : status === 'skipped' ? '↷' : status === 'active' ? '●' : '○';
    const tone =
      status === 'done' ? 'ok' : status === 'skipped' ? 'warn' : status === 'active' ? 'accent' : 'secondary';
    return { mark, id: st.id, tone } as const;
  });
  const parts = marks.map((m) => `${m.mark} ${m.id}`);
  const active = Math.min(c.session.stepIndex, marks.length - 1);
  // Show from the first step if the active one fits; otherwise start a little before it.
  let from = 0;
  const widthFrom = (f: number) => parts.slice(f, active + 1).join(' ').length + (f > 0 ? 2 : 0);
  while (from < active && widthFrom(from) > width) from++;
  return (
    (from > 0 ? '… ' : '') +
    marks
      .slice(from)
      .map((m, i) => paint(theme, m.tone, parts[from + i]))
      .join(' ')
  );
}

export function LabScreen({ c, theme, layout, focus, panel, scroll, noShell, dev = [] }: LabScreenProps) {
  const s = c.session;
  const lab = c.lab;
  const width = layout.cols;
  const stepNo = Math.min(s.stepIndex + 1, lab.steps.length);
  const header = `vault-lab · ${t(lab.title)} · step ${stepNo}/${lab.steps.length}`;

  if (c.state !== 'ready') {
    return (
      <Box flexDirection="column" height={layout.rows}>
        <Text bold color={theme.text.title}>
          {header}
        </Text>
        {c.state === 'starting' ? (
          <Spinner color={theme.status.pending} text={c.progressText} />
        ) : (
          <Text color={theme.status.fail}>
            Could not start the lab: {c.error}
            {'\n'}Press Esc for the course map or q to quit.
          </Text>
        )}
      </Box>
    );
  }

  const envLines = noShell
    ? ['Use your own terminal; paste these lines there (checks still see everything you do):', ...c.exportLines()]
    : [];
  // The layout keeps 5 rows for the export lines; outside systems can add more.
  const lessonRows = Math.max(3, layout.lessonRows - Math.max(0, envLines.length - 5));
  const all =
    panel === 'activity'
      ? activityLines(c.activity(), theme)
      : [
          ...devLines(dev, layout.lessonCols - 1, theme),
          ...(panel === 'trace' ? traceLines(c, theme) : lessonLines(c, layout.lessonCols - 1, theme)),
        ];
  const maxScroll = Math.max(0, all.length - lessonRows);
  // The feed follows its newest entry unless scrolled back.
  const top = panel === 'activity' ? Math.max(0, maxScroll - scroll) : Math.min(scroll, maxScroll);
  const visible = all.slice(top, top + lessonRows);
  while (visible.length < lessonRows) visible.push('');
  const more = all.length > lessonRows ? ` ${top + 1}-${Math.min(all.length, top + lessonRows)}/${all.length}` : '';

  const checkLines: Array<{ ok: boolean | null; text: string }> = [];
  if (c.notice) checkLines.push({ ok: null, text: c.notice });
  for (const r of s.step ? s.results : []) checkLines.push({ ok: r.pass, text: r.message });
  if (s.step && !s.results.length) checkLines.push({ ok: null, text: 'checking…' });
  while (checkLines.length < layout.checkRows) checkLines.push({ ok: null, text: '' });

  const last = c.session.activity.length ? c.activity().at(-1) : undefined;
  const lastLines = last
    ? [
        `${paint(theme, last.ok ? 'ok' : 'fail', last.ok ? '✓' : '✗')} last request: ${last.summary}  ${paint(theme, 'secondary', last.who)}`,
        `  ${paint(theme, last.why.startsWith('denied') ? 'fail' : 'secondary', last.why)}`,
      ]
    : [paint(theme, 'secondary', 'Your requests and why each was allowed or denied appear here (a: full feed).')];
  const activityShown =
    layout.activityRows >= 2
      ? lastLines.slice(0, 2)
      : [
          last
            ? `${paint(theme, last.ok ? 'ok' : 'fail', last.ok ? '✓' : '✗')} ${last.summary}: ${last.why}`
            : lastLines[0],
        ];
  while (activityShown.length < layout.activityRows) activityShown.push('');

  const shell = c.pty ? c.pty.lines(focus === 'shell', theme.color, layout.shellRows) : [];
  const paneTitle =
    panel === 'activity' ? ' · activity feed (a: lesson)' : panel === 'trace' ? ' · check trace (c: lesson)' : '';
  const focusLabel = noShell ? '' : focus === 'shell' ? ' · [shell]' : ' · [lesson]';
  const rule = `── ${noShell ? 'your terminal' : 'shell'} ${focus === 'shell' ? '(typing goes here) ' : ''}`;
  const footer =
    focus === 'shell'
      ? `${FOCUS_LABEL}: to the lesson (hints, skip, quit) · Ctrl-C, Ctrl-D: to the shell`
      : hintLine('lesson');

  const headerRows = (
    <>
      <Text wrap="truncate" bold color={theme.text.title}>
        {header}
        <Text color={theme.text.secondary}>
          {paneTitle}
          {more}
          {focusLabel}
        </Text>
      </Text>
      <Text wrap="truncate">{stepMarks(c, theme, width)}</Text>
    </>
  );
  const lessonColumn = (
    <>
      {visible.map((l, i) => (
        <Text key={`l${i}`} wrap="truncate">
          {l || ' '}
        </Text>
      ))}
      {checkLines.slice(0, layout.checkRows).map((r, i) => (
        <Text
          key={`c${i}`}
          wrap="truncate"
          color={r.ok === null ? theme.status.warn : r.ok ? theme.status.ok : theme.status.fail}
        >
          {r.text ? `${r.ok === null ? '•' : r.ok ? '✓' : '✗'} ${r.text}` : ' '}
        </Text>
      ))}
      {activityShown.map((l, i) => (
        <Text key={`a${i}`} wrap="truncate">
          {l || ' '}
        </Text>
      ))}
    </>
  );
  const shellWidth = layout.shellCols;
  const shellColumn = (
    <>
      <Text wrap="truncate" color={focus === 'shell' ? theme.border.focused : theme.border.idle}>
        {rule.padEnd(shellWidth, '─').slice(0, shellWidth)}
      </Text>
      {noShell
        ? envLines.map((l, i) => (
            <Text key={`e${i}`} wrap="truncate">
              {l}
            </Text>
          ))
        : shell.map((l, i) => (
            <Text key={`s${i}`} wrap="truncate">
              {l || ' '}
            </Text>
          ))}
    </>
  );
  const footerRow = (
    <Text wrap="truncate" color={theme.text.secondary}>
      {footer}
    </Text>
  );

  if (layout.side) {
    const bodyRows = layout.shellRows + 1;
    return (
      <Box flexDirection="column" height={layout.rows} width={width}>
        {headerRows}
        <Box flexDirection="row" height={bodyRows}>
          <Box flexDirection="column" width={layout.lessonCols} height={bodyRows}>
            {lessonColumn}
          </Box>
          <Box flexDirection="column" width={1} height={bodyRows}>
            <Text color={theme.border.idle}>{Array.from({ length: bodyRows }, () => '│').join('\n')}</Text>
          </Box>
          <Box flexDirection="column" width={shellWidth} height={bodyRows}>
            {shellColumn}
          </Box>
        </Box>
        {footerRow}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" height={layout.rows} width={width}>
      {headerRows}
      {lessonColumn}
      {shellColumn}
      {footerRow}
    </Box>
  );
}
