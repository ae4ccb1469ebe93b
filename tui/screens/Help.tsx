/** The help overlay, generated from the keybindings table. */
import { Box, Text } from 'ink';
import { FOCUS_LABEL, helpLines, type Scope } from '../keys.js';
import type { Theme } from '../theme.js';

export interface HelpProps {
  scope: Exclude<Scope, 'any'>;
  theme: Theme;
  width: number;
}

export function Help({ scope, theme, width }: HelpProps) {
  const lines = helpLines(scope);
  const keyWidth = Math.max(...lines.map((l) => l.key.length)) + 2;
  return (
    <Box flexDirection="column" paddingX={1} width={width}>
      <Text bold color={theme.text.title}>
        Keys
      </Text>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          <Text color={theme.text.accent}>{l.key.padEnd(keyWidth)}</Text>
          {l.description}
        </Text>
      ))}
      {scope === 'lesson' && (
        <Text wrap="wrap" color={theme.text.secondary}>
          When the shell has focus every key goes to it: Ctrl-C interrupts, Ctrl-D ends input, as in any terminal.{' '}
          {FOCUS_LABEL} brings you back to the lesson.
        </Text>
      )}
      <Text color={theme.text.secondary}>Press any key to close.</Text>
    </Box>
  );
}
