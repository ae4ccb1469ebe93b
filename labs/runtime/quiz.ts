/**
 * Quiz questions: single choice, multiple choice, free text (a pattern), and questions
 * whose answer is computed from the learner's own engine ("which policy denied your
 * last write?"). Grading is here so the TUI, `vault-lab quiz` and tests agree.
 */
import type { AuditEvent, EngineResponse } from '../../engine/index.js';
import { globToRegex } from '../checks/request.js';
import { select } from '../checks/jsonpath.js';
import { questionKind, t, type Question } from '../format/schema.js';

export { questionKind, type QuestionKind } from '../format/schema.js';

export type QuizAnswer = number | number[] | string;

/** What a state-computed question reads: the session's activity and a checker read. */
export interface QuizStateSource {
  activity: AuditEvent[];
  api(path: string): Promise<EngineResponse>;
}

export interface Grade {
  correct: boolean;
  /** The right answer, as the learner would write it. */
  expected: string;
  explain: string;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * The accepted answers of a state-computed question, from the learner's engine;
 * `undefined` when the engine holds nothing to ask about yet (e.g. no write was denied).
 */
export async function computedAnswers(q: Question, src: QuizStateSource): Promise<string[] | undefined> {
  const fs = q.from_state;
  if (!fs) return undefined;
  if ('api' in fs) {
    const r = await src.api(fs.api.path);
    if (r.status !== 200) return undefined;
    const { found, value } = select(r.body, fs.api.at);
    if (!found) return undefined;
    return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  }
  const m = fs.event;
  const re = m.path ? globToRegex(m.path) : null;
  const ops = list(m.operation);
  const st = list(m.status);
  const e = [...src.activity]
    .reverse()
    .find(
      (x) =>
        (!re || re.test(x.request.path)) &&
        (!ops.length || ops.includes(x.request.operation as never)) &&
        (!st.length || st.includes(x.status ?? 0)),
    );
  if (!e) return undefined;
  switch (fs.pick) {
    case 'denied_by': {
      if (!e.decision || e.decision.allowed) return undefined;
      return e.decision.rule && e.decision.policies.length
        ? e.decision.policies
        : ['default deny', 'none', 'no policy', 'default-deny'];
    }
    case 'policies':
      return (e.auth?.policies ?? [])
        .filter((p) => p !== 'default')
        .concat((e.auth?.policies ?? []).includes('default') ? ['default'] : []);
    case 'path':
      return [e.request.path];
    case 'operation':
      return [e.request.operation];
    case 'status':
      return [String(e.status ?? '')];
    case 'display_name':
      return [e.auth?.display_name ?? ''];
  }
}

export interface GradedAnswer {
  correct: boolean;
  /** The right answer in words, to show beside the explanation. */
  expected: string;
}

/**
 * Grades one answer (synchronous; what the TUI calls). Choices count from 0; free text
 * matches the question's pattern, case-insensitively, trimmed. A state-computed question
 * cannot be graded without the learner's engine: use `gradeStateAnswer` for those.
 */
export function gradeAnswer(q: Question, given: QuizAnswer, lang = 'default'): GradedAnswer {
  const choice = (i: number) => (q.choices?.[i] !== undefined ? t(q.choices[i], lang) : String(i));
  switch (questionKind(q)) {
    case 'single':
      return { correct: given === q.answer, expected: choice(q.answer as number) };
    case 'multiple': {
      const want = [...new Set(q.answer as number[])].sort((a, b) => a - b);
      const got = [...new Set(Array.isArray(given) ? given : typeof given === 'number' ? [given] : [])].sort(
        (a, b) => a - b,
      );
      return {
        correct: want.length === got.length && want.every((x, i) => x === got[i]),
        expected: want.map(choice).join('; '),
      };
    }
    case 'text': {
      const pattern = q.pattern ?? String(q.answer);
      let re: RegExp;
      try {
        re = new RegExp(pattern, 'i');
      } catch {
        re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      }
      return { correct: typeof given === 'string' && re.test(given.trim()), expected: pattern.replace(/^\^|\$$/g, '') };
    }
    case 'state':
      return { correct: false, expected: 'computed from your lab session' };
  }
}

/**
 * Grades any question, including state-computed ones (which read `src`, e.g.
 * `session.quizSource()`); adds the explanation.
 */
export async function gradeStateAnswer(
  q: Question,
  given: QuizAnswer,
  src: QuizStateSource | undefined,
  lang = 'default',
): Promise<Grade> {
  const explain = t(q.explain, lang);
  if (questionKind(q) !== 'state') return { ...gradeAnswer(q, given, lang), explain };
  const accepted = src ? await computedAnswers(q, src) : undefined;
  if (!accepted)
    return {
      correct: false,
      expected: src ? 'nothing yet — do the lab steps first' : 'computed from your lab session',
      explain,
    };
  const ok = typeof given === 'string' && accepted.some((a) => norm(a) === norm(given));
  return { correct: ok, expected: accepted[0], explain };
}

/** Score of a whole quiz (state-computed questions count only through `gradeStateAnswer`). */
export function scoreQuiz(
  questions: Question[],
  answers: Record<number, QuizAnswer>,
  lang = 'default',
): { score: number; total: number } {
  let score = 0;
  questions.forEach((q, i) => {
    if (answers[i] !== undefined && gradeAnswer(q, answers[i], lang).correct) score++;
  });
  return { score, total: questions.length };
}
