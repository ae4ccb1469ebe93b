/** The quiz: one question at a time, then whether the answer was right and why. */
import { Box, Text } from 'ink';
import type { QuizView } from '../controller.js';
import type { Theme } from '../theme.js';
import { hintLine } from '../keys.js';

export interface QuizProps {
  quiz: QuizView;
  title: string;
  theme: Theme;
  width: number;
}

export function Quiz({ quiz, title, theme, width }: QuizProps) {
  const f = quiz.feedback;
  const how = quiz.typed
    ? quiz.kind === 'state'
      ? 'Type your answer (it is checked against your own lab engine), then Enter.'
      : 'Type your answer, then Enter.'
    : quiz.kind === 'multiple'
      ? 'Pick every right answer: Space or 1-9 toggles, Enter answers.'
      : 'Pick one: 1-9 or ↑↓, then Enter.';
  return (
    <Box flexDirection="column" paddingX={1} width={width}>
      <Text bold color={theme.text.title} wrap="truncate">
        Quiz · {title} · question {quiz.index + 1}/{quiz.total} · score {quiz.score}
      </Text>
      <Box marginTop={1}>
        <Text bold wrap="wrap">
          {quiz.question}
        </Text>
      </Box>
      {!f && <Text color={theme.text.secondary}>{how}</Text>}
      <Box flexDirection="column" marginTop={1}>
        {quiz.choices.map((ch, i) => {
          const picked = quiz.picked.includes(i);
          const box = quiz.kind === 'multiple' ? (picked ? '[x]' : '[ ]') : picked ? '(•)' : '( )';
          const cursor = !f && i === quiz.cursor ? '›' : ' ';
          return (
            <Text key={i} wrap="wrap" color={!f && i === quiz.cursor ? theme.text.accent : undefined}>
              {cursor} {i + 1}. {box} {ch}
            </Text>
          );
        })}
        {quiz.typed && (
          <Text>
            › {quiz.text}
            {f ? '' : '▏'}
          </Text>
        )}
      </Box>
      {f && (
        <Box flexDirection="column" marginTop={1}>
          <Text bold color={f.correct ? theme.status.ok : theme.status.fail}>
            {f.correct ? '✓ Right.' : `✗ Not quite. The answer: ${f.expected}`}
          </Text>
          <Text wrap="wrap">{f.explain}</Text>
          <Text color={theme.text.secondary}>
            {quiz.index + 1 < quiz.total ? 'Enter: next question' : 'Enter: see your results'}
          </Text>
        </Box>
      )}
      <Box marginTop={1}>
        <Text color={theme.text.secondary} wrap="truncate">
          {hintLine('quiz')}
        </Text>
      </Box>
    </Box>
  );
}
