/**
 * `vault-lab quiz`: a self-assessment in the plain terminal (no React) drawing on every
 * lab's quiz, scored per topic, ending with the labs worth revisiting. Answers are kept
 * in progress so the course can show them. State-computed questions need a lab session
 * and are left to the course.
 */
import path from 'node:path';
import readline from 'node:readline';
import { loadLabDir, formatProblem, type LoadedLab } from '../format/load.js';
import { contentDir, dataDir } from '../runtime/paths.js';
import { applyCourse, CourseError, findCourseFile, parseCourseFile } from '../format/course.js';
import { ProgressStore } from '../runtime/progress.js';
import { gradeAnswer, questionKind, type QuizAnswer } from '../runtime/quiz.js';
import { t, type Question } from '../format/schema.js';

interface Item {
  lab: LoadedLab;
  index: number;
  q: Question;
  topic: string;
}

/** Parses what the learner typed for a question; `undefined` when it cannot be an answer. */
export function parseAnswer(q: Question, text: string): QuizAnswer | undefined {
  const s = text.trim();
  const kind = questionKind(q);
  if (kind === 'text' || kind === 'state') return s === '' ? undefined : s;
  const n = q.choices?.length ?? 0;
  const nums = s
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((x) => Number(x));
  if (!nums.length || nums.some((x) => !Number.isInteger(x) || x < 1 || x > n)) return undefined;
  if (kind === 'single') return nums.length === 1 ? nums[0] - 1 : undefined;
  return nums.map((x) => x - 1);
}

export async function runQuiz(
  args: string[],
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; env: NodeJS.ProcessEnv } = {
    input: process.stdin,
    output: process.stdout,
    env: process.env,
  },
): Promise<number> {
  let dir = contentDir();
  let topic: string | undefined;
  // The learner's language: VAULT_LAB_LANG, else LANG (fr_FR.UTF-8 → fr_FR → fr); untranslated text falls back.
  let lang = io.env.VAULT_LAB_LANG || (io.env.LANG ?? '').split('.')[0] || 'default';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--labs') dir = path.resolve(args[++i] ?? '.');
    else if (a.startsWith('--labs=')) dir = path.resolve(a.slice(7));
    else if (a === '--topic') topic = args[++i];
    else if (a.startsWith('--topic=')) topic = a.slice(8);
    else if (a.startsWith('--lang=')) lang = a.slice(7);
    else {
      process.stderr.write(
        `vault-lab quiz: unknown option ${a}\nUsage: vault-lab quiz [--labs <dir>] [--topic <topic>] [--lang=<code>]\n`,
      );
      return 1;
    }
  }
  const write = (s: string) => {
    io.output.write(s);
  };
  let loaded;
  try {
    loaded = loadLabDir(dir);
  } catch {
    process.stderr.write(`vault-lab quiz: cannot read labs from ${dir}\n`);
    return 1;
  }
  // With a course manifest, topics are its sections (the course map's groups).
  const courseFile = findCourseFile(dir);
  if (courseFile) {
    try {
      loaded = { ...loaded, labs: applyCourse(parseCourseFile(courseFile), loaded.labs).labs };
    } catch (e) {
      if (!(e instanceof CourseError)) throw e;
      write(`the course manifest has problems (vault-lab validate ${courseFile}); topics are the labs' own\n`);
    }
  }
  for (const e of loaded.errors)
    for (const p of e.problems) write(`skipped a broken lab: ${formatProblem(p).split('\n')[0]}\n`);
  const items: Item[] = [];
  let stateOnly = 0;
  for (const l of loaded.labs)
    l.lab.quiz.forEach((q, index) => {
      const tp = q.topic ?? l.lab.topic;
      if (topic && tp.toLowerCase() !== topic.toLowerCase()) return;
      if (questionKind(q) === 'state') {
        stateOnly++;
        return;
      }
      items.push({ lab: l, index, q, topic: tp });
    });
  if (!items.length) {
    write(`No quiz questions${topic ? ` on "${topic}"` : ''} in ${dir}.\n`);
    return 1;
  }
  const store = new ProgressStore(dataDir(io.env)).load();
  if (store.damaged)
    write(`Your progress file could not be read (${store.damaged.reason}); it was kept at ${store.damaged.movedTo}.\n`);

  const rl = readline.createInterface({ input: io.input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | undefined> => {
    write(prompt);
    const r = await lines.next();
    return r.done ? undefined : r.value;
  };

  write(
    `Self-assessment: ${items.length} question(s) from ${new Set(items.map((i) => i.lab.lab.id)).size} lab(s). Type the number of your answer (several numbers for "choose all"), or your text. Empty input skips.\n`,
  );
  const perTopic = new Map<string, { right: number; total: number; revisit: Set<string> }>();
  let n = 0;
  let ended = false;
  for (const it of items) {
    n++;
    const kind = questionKind(it.q);
    write(`\n[${n}/${items.length}] ${it.topic} — ${t(it.lab.lab.title, lang)}\n${t(it.q.question, lang)}\n`);
    (it.q.choices ?? []).forEach((c, i) => write(`  ${i + 1}) ${t(c, lang)}\n`));
    const prompt =
      kind === 'multiple' ? 'Your answers (e.g. 1,3): ' : kind === 'single' ? 'Your answer: ' : 'Your answer (text): ';
    let answer: QuizAnswer | undefined;
    for (;;) {
      const line = await ask(prompt);
      if (line === undefined) {
        ended = true;
        break;
      }
      if (line.trim() === '') break;
      answer = parseAnswer(it.q, line);
      if (answer !== undefined) break;
      write(
        `Please type ${kind === 'single' ? 'one number' : 'numbers'} between 1 and ${it.q.choices?.length ?? 0}.\n`,
      );
    }
    if (ended) break;
    const stat = perTopic.get(it.topic) ?? { right: 0, total: 0, revisit: new Set<string>() };
    perTopic.set(it.topic, stat);
    stat.total++;
    const g =
      answer === undefined
        ? { correct: false, expected: gradeAnswer(it.q, -1, lang).expected }
        : gradeAnswer(it.q, answer, lang);
    if (g.correct) stat.right++;
    else stat.revisit.add(`${t(it.lab.lab.title, lang)} (${it.lab.lab.id})`);
    write(
      `${g.correct ? '✓ Right.' : answer === undefined ? `Skipped. The answer: ${g.expected}.` : `✗ Not quite. The answer: ${g.expected}.`} ${t(it.q.explain, lang)}\n`,
    );
    if (answer !== undefined) {
      store.update(it.lab.lab.id, (p) => {
        p.quiz ??= { answers: {} };
        p.quiz.answers[it.index] = answer;
        (p.quiz.correct ??= {})[it.index] = g.correct;
      });
    }
  }
  rl.close();
  write('\nScore per topic:\n');
  let right = 0,
    total = 0;
  for (const [tp, s] of perTopic) {
    right += s.right;
    total += s.total;
    write(`  ${tp.padEnd(24)} ${s.right}/${s.total}${s.total ? ` (${Math.round((100 * s.right) / s.total)}%)` : ''}\n`);
  }
  write(`  ${'All'.padEnd(24)} ${right}/${total}\n`);
  const revisit = [...perTopic.values()].flatMap((s) => [...s.revisit]);
  write(
    revisit.length
      ? `\nWorth revisiting:\n${[...new Set(revisit)].map((r) => `  - ${r}`).join('\n')}\n`
      : total
        ? '\nNothing to revisit — well done.\n'
        : '',
  );
  if (stateOnly) write(`\n${stateOnly} question(s) about your own lab engine are asked inside the course.\n`);
  return 0;
}
