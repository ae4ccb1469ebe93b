/** The course map: labs grouped by topic with minutes, needs, status and progress. */
import type React from 'react';
import { Box, Text } from 'ink';
import type { CourseInfo, LoadedLab } from '../../labs/index.js';
import type { LabProgress } from '../../labs/index.js';
import { fitWords, t } from '../text.js';
import type { Theme } from '../theme.js';
import { hintLine } from '../keys.js';
import { formatMinutes, needsColumn, orderLabs, statusText } from '../course.js';

export interface CourseMapProps {
  labs: LoadedLab[];
  progress: (id: string) => LabProgress;
  selected: number;
  theme: Theme;
  width: number;
  height: number;
  notices: string[];
  /** The course manifest's paths and prerequisites. */
  info?: CourseInfo;
}

/** The learning paths in words: the first one as a route, the others by name and time. */
function pathLines(info: CourseInfo | undefined, labs: LoadedLab[], width: number): string[] {
  const [first, ...others] = info?.paths ?? [];
  if (!first) return [];
  // Lab ids: short enough for the whole route to fit in two lines.
  const known = first.labs.filter((id) => labs.some((x) => x.lab.id === id));
  const route = `${first.title} path (${formatMinutes(first.minutes)}): ${known.join(' → ')}`;
  const lines = fitWords(route, width, 2);
  if (others.length)
    lines.push(
      ...fitWords(
        `Other paths: ${others.map((p) => `${p.title} (${formatMinutes(p.minutes)})`).join(' · ')}`,
        width,
        1,
      ),
    );
  return lines;
}

/** The selected lab's prerequisites, each ticked when done; a suggestion when one is not. */
function prerequisiteLine(
  info: CourseInfo | undefined,
  labs: LoadedLab[],
  progress: (id: string) => LabProgress,
  id: string,
) {
  const req = info?.requires[id] ?? [];
  if (!req.length) return '';
  const parts = req.map((r) => {
    const l = labs.find((x) => x.lab.id === r);
    return { title: l ? t(l.lab.title) : r, done: progress(r).status === 'done' };
  });
  const todo = parts.find((p) => !p.done);
  return `Take first: ${parts.map((p) => `${p.title}${p.done ? ' ✓' : ''}`).join(', ')}${todo ? ` — suggested: open ${todo.title} first` : ''}`;
}

const TAGLINE = 'A real Vault-compatible engine runs on your machine; every step checks what you actually did.';

export function CourseMap({ labs, progress, selected, theme, width, height, notices, info }: CourseMapProps) {
  const ordered = orderLabs(labs);
  const titleWidth = Math.max(16, Math.min(44, width - 46));
  // A long title goes on to a second line under itself; the summary gets up to three lines.
  const summaryLines = 3;
  type Row = { key: string; node: React.ReactNode; lab?: number };
  const rows: Row[] = [];
  let topic = '';
  ordered.forEach((l, index) => {
    if (l.lab.topic !== topic) {
      topic = l.lab.topic;
      if (rows.length) rows.push({ key: `gap-${topic}`, node: ' ' });
      const mins = labs.filter((x) => x.lab.topic === topic).reduce((a, x) => a + x.lab.minutes, 0);
      rows.push({
        key: `t-${topic}`,
        node: (
          <Text bold>
            {topic} <Text color={theme.text.secondary}>· {mins} min</Text>
          </Text>
        ),
      });
    }
    const isSel = index === selected;
    const p = progress(l.lab.id);
    const st = statusText(p, l.lab.steps.length);
    const [first, ...more] = fitWords(t(l.lab.title), titleWidth, 2);
    const title = first.padEnd(titleWidth);
    rows.push({
      key: l.lab.id,
      lab: index,
      node: (
        <Text wrap="truncate">
          <Text color={isSel ? theme.text.accent : undefined} bold={isSel}>
            {isSel ? '› ' : '  '}
            {title}
          </Text>
          <Text color={theme.text.secondary}>
            {`${String(l.lab.minutes).padStart(3)} min  `}
            {needsColumn(l).padEnd(14)}{' '}
          </Text>
          <Text
            color={
              st.tone === 'ok' ? theme.status.ok : st.tone === 'pending' ? theme.status.pending : theme.text.secondary
            }
          >
            {st.text}
          </Text>
        </Text>
      ),
    });
    for (const [i, line] of more.entries())
      rows.push({
        key: `${l.lab.id}-${i}`,
        lab: index,
        node: (
          <Text wrap="truncate" color={isSel ? theme.text.accent : undefined} bold={isSel}>
            {'  '}
            {line}
          </Text>
        ),
      });
  });
  const sel = ordered[selected];
  const prereq = sel ? prerequisiteLine(info, labs, progress, sel.lab.id) : '';
  const summary = sel
    ? [...fitWords(t(sel.lab.summary), width - 2, summaryLines), ...(prereq ? fitWords(prereq, width - 2, 2) : [])]
    : [];
  const paths = pathLines(info, labs, width - 2);
  // Keep the selected lab in view when the list is taller than the window.
  const tagline = fitWords(TAGLINE, width - 2, 2);
  const room = Math.max(
    4,
    height - 5 - tagline.length - paths.length - notices.length - (summary.length ? summary.length + 1 : 0),
  );
  const selRow = rows.findIndex((r) => r.lab === selected);
  let selEnd = selRow;
  while (rows[selEnd + 1]?.lab === selected) selEnd++;
  let start = rows.length <= room ? 0 : Math.max(0, Math.min(rows.length - room, selRow - Math.floor(room / 2)));
  if (selEnd >= start + room) start = selEnd - room + 1;
  const shown = rows.slice(start, start + room);
  return (
    <Box flexDirection="column" paddingX={1} width={width}>
      <Text bold color={theme.text.title} wrap="truncate">
        vault-lab — a hands-on course in secrets management
      </Text>
      {tagline.map((line, i) => (
        <Text key={`g${i}`} color={theme.text.secondary} wrap="truncate">
          {line}
        </Text>
      ))}
      {paths.map((line, i) => (
        <Text key={`p${i}`} color={theme.text.accent} wrap="truncate">
          {line}
        </Text>
      ))}
      {notices.map((n, i) => (
        <Text key={`n${i}`} color={theme.status.warn} wrap="truncate">
          {n}
        </Text>
      ))}
      <Box flexDirection="column" marginTop={1}>
        {shown.map((r) => (
          <Box key={r.key}>{typeof r.node === 'string' ? <Text>{r.node}</Text> : r.node}</Box>
        ))}
        {start + room < rows.length && (
          <Text color={theme.text.secondary}> … {rows.length - start - room} more below</Text>
        )}
      </Box>
      {summary.length > 0 && (
        <Box marginTop={1} flexDirection="column">
          {summary.map((line, i) => (
            <Text key={`s${i}`} wrap="truncate" color={theme.text.secondary}>
              {line}
            </Text>
          ))}
        </Box>
      )}
      <Box marginTop={summary.length ? 0 : 1}>
        <Text wrap="truncate" color={theme.text.secondary}>
          {hintLine('map')}
        </Text>
      </Box>
    </Box>
  );
}
