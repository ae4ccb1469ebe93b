/** The root of the screens: only chooses which one to show, from the UI state. */
import { Box, Text } from 'ink';
import { t } from './text.js';
import { CourseMap } from './screens/CourseMap.js';
import { LabScreen } from './screens/LabScreen.js';
import { Quiz } from './screens/Quiz.js';
import { Results } from './screens/Results.js';
import { Help } from './screens/Help.js';
import { resultsOf } from './results.js';
import { nextLab, nextLabText } from './course.js';
import { useUiState } from './state/context.js';

export function App() {
  const s = useUiState();
  const c = s.controller;
  if (s.help) return <Help scope={s.scope} theme={s.theme} width={s.cols} />;
  if (s.resultsFor) {
    const l = s.labs.find((x) => x.lab.id === s.resultsFor);
    if (l)
      return (
        <Results
          title={t(l.lab.title)}
          results={resultsOf(s.progress, l)}
          theme={s.theme}
          next={nextLabText(nextLab(s.info, s.labs, s.progress, l.lab.id))}
        />
      );
  }
  if (c?.quiz) return <Quiz quiz={c.quiz} title={t(c.lab.title)} theme={s.theme} width={s.cols} />;
  if (!c) {
    if (!s.labs.length)
      return (
        <Box>
          <Text>No labs.</Text>
        </Box>
      );
    return (
      <CourseMap
        labs={s.labs}
        progress={(id) => s.progress.lab(id)}
        selected={s.selected}
        theme={s.theme}
        width={s.cols}
        height={s.rows}
        notices={s.notices}
        info={s.info}
      />
    );
  }
  return (
    <LabScreen
      c={c}
      theme={s.theme}
      layout={s.layout}
      focus={s.focus}
      panel={s.panel}
      scroll={s.scroll}
      noShell={s.noShell}
      dev={s.dev}
    />
  );
}
