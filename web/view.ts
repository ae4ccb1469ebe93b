/**
 * What the page shows, as JSON: the course map and the running lab, built from the same
 * runtime facts the terminal UI reads (tui/course.ts, tui/results.ts, the lab controller).
 * Lesson markdown arrives as sanitised HTML (web/markdown.ts).
 */
import type { LoadedLab } from '../labs/index.js';
import type { LabController } from '../tui/controller.js';
import { type Course, needsColumn, nextLab, nextLabText, orderLabs, resultRows, statusText } from '../tui/course.js';
import { resultsOf } from '../tui/results.js';
import { t } from '../tui/text.js';
import { renderInline, renderMarkdown } from './markdown.js';

export function courseView(course: Course) {
  return {
    notices: course.notices,
    title: course.info?.title ?? 'vault-lab',
    labs: orderLabs(course.labs).map((l) => {
      const p = course.store.lab(l.lab.id);
      const s = statusText(p, l.lab.steps.length);
      return {
        id: l.lab.id,
        title: t(l.lab.title),
        summary: t(l.lab.summary),
        topic: l.lab.topic,
        minutes: l.lab.minutes,
        level: l.lab.level,
        needs: needsColumn(l),
        status: s.text,
        tone: s.tone,
        resumable: p.status === 'in-progress',
      };
    }),
  };
}

export type CourseView = ReturnType<typeof courseView>;

function stepView(c: LabController, i: number) {
  const step = c.lab.steps[i];
  return {
    id: step.id,
    title: t(step.title),
    status: c.session.statuses[i],
    html: renderMarkdown(t(step.body)),
  };
}

/** The running lab: steps, the current step's checks, hints, solution, activity, quiz, results. */
export function labView(c: LabController, course: Course, loaded: LoadedLab) {
  const s = c.session;
  const step = s.step;
  const quiz = c.quiz;
  return {
    id: c.id,
    title: t(c.lab.title),
    summary: t(c.lab.summary),
    state: c.state,
    progressText: c.progressText,
    error: c.error,
    notice: c.notice,
    stepIndex: s.stepIndex,
    finished: s.finished,
    steps: c.lab.steps.map((_, i) => stepView(c, i)),
    checks: step ? s.results.map((r) => ({ pass: r.pass, message: r.message })) : [],
    hints: step ? step.hints.slice(0, c.hintsShown).map((h) => renderInline(t(h))) : [],
    hintsLeft: step ? step.hints.length - c.hintsShown : 0,
    solution: step && c.solutionShown ? step.solution : null,
    shellEnded: c.shellEnded,
    activity: c.activity().slice(-40),
    hasQuiz: c.hasQuiz,
    quiz: quiz && {
      index: quiz.index,
      total: quiz.total,
      kind: quiz.kind,
      typed: quiz.typed,
      question: renderInline(quiz.question),
      choices: quiz.choices.map((x) => renderInline(x)),
      picked: quiz.picked,
      feedback: quiz.feedback && {
        correct: quiz.feedback.correct,
        expected: renderInline(quiz.feedback.expected),
        explain: renderInline(quiz.feedback.explain),
      },
      score: quiz.score,
    },
    results: resultRows(resultsOf(course.store, loaded)),
    next: s.finished ? nextLabText(nextLab(course.info, course.labs, course.store, c.id)) : '',
  };
}

export type LabView = ReturnType<typeof labView>;
