/** Results for one lab: time, steps done and skipped, hints and solutions used, quiz score. */
import React from 'react';
import { Box, Text } from 'ink';
import type { LabResults } from '../results.js';
import type { Theme } from '../theme.js';
import { hintLine } from '../keys.js';

export interface ResultsProps { title: string; results: LabResults; theme: Theme }

export function formatMinutes(m: number | undefined): string {
  if (m === undefined) return '—';
  if (m < 1) return `${Math.max(1, Math.round(m * 60))} s`;
  return m < 60 ? `${Math.round(m)} min` : `${Math.floor(m / 60)} h ${Math.round(m % 60)} min`;
}

/** The rows of the results table, shared with plain mode. */
export function resultRows(r: LabResults): Array<[string, string]> {
  return [
    ['Status', r.status === 'done' ? 'complete' : r.status === 'in-progress' ? 'in progress' : 'not started'],
    ['Time', formatMinutes(r.minutes)],
    ['Steps', `${r.done} done, ${r.skipped} skipped, of ${r.steps}`],
    ['Hints used', String(r.hints)],
    ['Solutions shown', String(r.solutions)],
    ['Quiz', r.quiz ? `${r.quiz.score}/${r.quiz.total}` : 'not taken'],
  ];
}

export function Results({ title, results, theme }: ResultsProps) {
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text bold color={theme.text.title}>Results · {title}</Text>
      <Box flexDirection="column" marginTop={1}>
        {resultRows(results).map(([k, v]) => <Text key={k}><Text color={theme.text.secondary}>{k.padEnd(17)}</Text>{v}</Text>)}
      </Box>
      <Box marginTop={1}><Text color={theme.text.secondary}>{hintLine('results')}</Text></Box>
    </Box>
  );
}
