/** The course map: labs grouped by topic with minutes, needs and status. */
import React from 'react';
import { Box, Text } from 'ink';
import type { LoadedLab } from '../../labs/load.js';
import type { LabProgress } from '../../labs/progress.js';
import { t } from '../../labs/schema.js';
import type { Theme } from '../theme.js';
import { hintLine } from '../keys.js';

export interface CourseMapProps {
  labs: LoadedLab[];
  progress: (id: string) => LabProgress;
  selected: number;
  theme: Theme;
  width: number;
  notices: string[];
}

function statusText(p: LabProgress, steps: number): { text: string; tone: 'ok' | 'pending' | 'idle' } {
  if (p.status === 'done') return { text: 'done', tone: 'ok' };
  if (p.status === 'in-progress') return { text: `${Math.min(p.done.length + p.skipped.length, steps)}/${steps} steps`, tone: 'pending' };
  return { text: 'new', tone: 'idle' };
}

export function CourseMap({ labs, progress, selected, theme, width, notices }: CourseMapProps) {
  const topics: string[] = [];
  for (const l of labs) if (!topics.includes(l.lab.topic)) topics.push(l.lab.topic);
  const titleWidth = Math.max(20, Math.min(44, width - 34));
  let index = -1;
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text bold color={theme.text.title}>vault-lab — a hands-on course in secrets management</Text>
      <Text color={theme.text.secondary}>A real Vault-compatible engine runs on your machine; every step checks what you actually did.</Text>
      {notices.map((n, i) => <Text key={`n${i}`} color={theme.status.warn}>{n}</Text>)}
      {topics.map((topic) => (
        <Box key={topic} flexDirection="column" marginTop={1}>
          <Text bold>{topic}</Text>
          {labs.filter((l) => l.lab.topic === topic).map((l) => {
            index++;
            const isSel = index === selected;
            const p = progress(l.lab.id);
            const st = statusText(p, l.lab.steps.length);
            const needs = l.lab.needs.filter((n) => n !== 'engine').map((n) => (n === 'postgres' ? 'PostgreSQL' : 'Kubernetes')).join(', ') || '—';
            const title = t(l.lab.title).slice(0, titleWidth).padEnd(titleWidth);
            return (
              <Text key={l.lab.id} wrap="truncate">
                <Text color={isSel ? theme.text.accent : undefined} bold={isSel}>{isSel ? '› ' : '  '}{title}</Text>
                <Text color={theme.text.secondary}>{`${String(l.lab.minutes).padStart(3)} min  `}{needs.padEnd(12)}</Text>
                <Text color={st.tone === 'ok' ? theme.status.ok : st.tone === 'pending' ? theme.status.pending : theme.text.secondary}>{st.text}</Text>
              </Text>
            );
          })}
        </Box>
      ))}
      <Box marginTop={1}><Text color={theme.text.secondary}>{hintLine('map')}</Text></Box>
    </Box>
  );
}
