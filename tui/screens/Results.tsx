/** Results for one lab: time, steps done and skipped, hints and solutions used, quiz score. */
import { Box, Text } from 'ink';
import type { LabResults } from '../results.js';
import type { Theme } from '../theme.js';
import { hintLine } from '../keys.js';
import { resultRows } from '../course.js';

export interface ResultsProps {
  title: string;
  results: LabResults;
  theme: Theme;
  /** The "next lab" suggestion. */
  next?: string;
}

export function Results({ title, results, theme, next }: ResultsProps) {
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text bold color={theme.text.title}>
        Results · {title}
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {resultRows(results).map(([k, v]) => (
          <Text key={k}>
            <Text color={theme.text.secondary}>{k.padEnd(17)}</Text>
            {v}
          </Text>
        ))}
      </Box>
      {next && (
        <Box marginTop={1}>
          <Text>{next}</Text>
        </Box>
      )}
      <Box marginTop={1}>
        <Text color={theme.text.secondary}>{hintLine('results')}</Text>
      </Box>
    </Box>
  );
}
