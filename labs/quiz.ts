/**
 * Quiz questions as the learner meets them: what kind each is and whether an answer is
 * right. The TUI (and `vault-lab quiz`) only ask and show; grading lives here.
 */
import { t, type Question } from './schema.js';

export type QuestionKind = 'single' | 'multiple' | 'text';
/** A choice index, a set of choice indexes, or free text. */
export type QuizAnswer = number | number[] | string;

export interface GradedAnswer {
  correct: boolean;
  /** The right answer in words, to show beside the explanation. */
  expected: string;
}

export function questionKind(q: Question): QuestionKind {
  if (!q.choices) return 'text';
  return Array.isArray(q.answer) ? 'multiple' : 'single';
}

/** Grades one answer. Free-text answers match the question's pattern, case-insensitively, trimmed. */
export function gradeAnswer(q: Question, given: QuizAnswer, lang = 'default'): GradedAnswer {
  const kind = questionKind(q);
  const choice = (i: number) => t(q.choices?.[i], lang);
  if (kind === 'text') {
    const pattern = String(q.answer);
    let re: RegExp;
    try { re = new RegExp(pattern, 'i'); } catch { re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'); }
    return { correct: typeof given === 'string' && re.test(given.trim()), expected: pattern.replace(/^\^|\$$/g, '') };
  }
  if (kind === 'multiple') {
    const want = [...new Set(q.answer as number[])].sort((a, b) => a - b);
    const got = [...new Set(Array.isArray(given) ? given : typeof given === 'number' ? [given] : [])].sort((a, b) => a - b);
    return { correct: want.length === got.length && want.every((x, i) => x === got[i]), expected: want.map(choice).join('; ') };
  }
  return { correct: given === q.answer, expected: choice(q.answer as number) };
}

/** Score of a whole quiz. */
export function scoreQuiz(questions: Question[], answers: Record<number, QuizAnswer>, lang = 'default'): { score: number; total: number } {
  let score = 0;
  questions.forEach((q, i) => { if (answers[i] !== undefined && gradeAnswer(q, answers[i], lang).correct) score++; });
  return { score, total: questions.length };
}
