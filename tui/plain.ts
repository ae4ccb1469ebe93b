/**
 * `vault-lab --plain`: the course without a full-screen UI, for screen readers and
 * simple terminals. Every state change is printed once, as a line of plain text (no
 * colour, no cursor movement); the learner types words (`hint`, `skip`, … — the same
 * table as the keys) or shell commands: prefixed with `$`, or as typed when they start
 * with a command the lab's shell knows (./shell-words.ts; the words come first). They
 * may equally work in their own terminal with the printed `export` lines. No React is
 * loaded here.
 */
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { t } from './text.js';
import { loadRuntime, type ScriptShell } from '../labs/index.js';
import type { Course } from './course.js';
import type { LabController } from './controller.js';
import { actionForWord, wordHelp } from './keys.js';
import { renderMarkdown } from './components/markdown.js';
import { NO_COLOR_THEME } from './theme.js';
import { orderLabs, needsText, statusText, resultRows, nextLab, nextLabText, formatMinutes } from './course.js';
import { resultsOf } from './results.js';
import { SHELL_COMMANDS, shellCommandOf } from './shell-words.js';
import type { AuditEvent } from '../labs/index.js';

export interface PlainIO {
  input: Readable;
  output: Writable;
  width?: number;
}

const EXTRA_WORDS = [
  { word: 'lesson', description: 'print the current step again' },
  { word: 'checks', description: 'print the checks of the current step' },
  {
    word: '$ <command>',
    description: 'run a shell command in the lab (or use your own terminal with the export lines)',
  },
  {
    word: '<command>',
    description:
      `a line starting with a command the lab's shell knows runs as typed, no $ needed: ${SHELL_COMMANDS.join(', ')}. ` +
      'The words above come first: to run a shell command of the same name, start it with $',
  },
];

export async function runPlain(course: Course, io: PlainIO): Promise<number> {
  const width = Math.max(40, Math.min(100, io.width ?? ((io.output as NodeJS.WriteStream).columns || 80)));
  const say = (s = '') => {
    io.output.write(s + '\n');
  };
  const labs = orderLabs(course.labs);
  const rl = readline.createInterface({ input: io.input, terminal: false });
  const lines: string[] = [];
  let waiter: ((l: string | null) => void) | null = null;
  let closed = false;
  rl.on('line', (l) => {
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(l);
    } else lines.push(l);
  });
  rl.on('close', () => {
    closed = true;
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(null);
    }
  });
  const next = (prompt: string): Promise<string | null> => {
    say(prompt);
    if (lines.length) return Promise.resolve(lines.shift()!);
    if (closed) return Promise.resolve(null);
    return new Promise((r) => {
      waiter = r;
    });
  };

  let controller: LabController | null = null;
  const stopAll = async () => {
    await controller?.stop();
    controller = null;
  };
  const onSignal = () => {
    void stopAll().finally(() => process.exit(143));
  };
  process.on('SIGTERM', onSignal);

  const printMap = () => {
    for (const p of course.info?.paths ?? [])
      say(`Path: ${p.title} (${formatMinutes(p.minutes)}): ${p.labs.join(' → ')}`);
    say('Labs:');
    let topic = '';
    labs.forEach((l, i) => {
      if (l.lab.topic !== topic) {
        topic = l.lab.topic;
        say(`  ${topic}`);
      }
      const st = statusText(course.store.lab(l.lab.id), l.lab.steps.length).text;
      say(
        `    ${i + 1}. ${t(l.lab.title)} — ${l.lab.minutes} min — ${l.lab.kind === 'reading' ? 'reading + quiz — ' : ''}needs: ${needsText(l) === '—' ? 'nothing else' : needsText(l)} — ${st}`,
      );
    });
  };

  const printHelp = () => {
    say('Commands:');
    for (const w of [...wordHelp(), ...EXTRA_WORDS]) say(`  ${w.word} — ${w.description}`);
  };

  try {
    say('vault-lab, plain mode: every change is printed as a line. Type "help" for commands.');
    for (const n of course.notices) say(`Notice: ${n}`);
    for (;;) {
      printMap();
      const answer = await next(`Choose a lab by number (1-${labs.length}), or "quit":`);
      if (answer === null || actionForWord(answer) === 'quit') break;
      if (!answer.trim()) continue;
      if (actionForWord(answer) === 'help') {
        printHelp();
        continue;
      }
      const m = /^(\d+)\s*(fresh|over|restart)?$/.exec(answer.trim());
      const l = m ? labs[Number(m[1]) - 1] : undefined;
      if (!l) {
        say(`"${answer.trim()}" is not a lab number.`);
        continue;
      }
      const resume = !m![2] && course.store.lab(l.lab.id).status === 'in-progress';
      const outcome = await runLab(l, resume);
      if (outcome === 'quit') break;
    }
  } finally {
    await stopAll();
    rl.close();
    process.off('SIGTERM', onSignal);
  }
  say('Goodbye.');
  return 0;

  async function runLab(l: Course['labs'][number], resume: boolean): Promise<'back' | 'quit'> {
    const { LabController } = await import('./controller.js');
    const c = new LabController(l, {
      cols: width,
      shellRows: 10,
      noShell: true,
      store: course.store,
      workspaceRoot: course.workspaceRoot,
      resume,
    });
    controller = c;
    let learnerShell: ScriptShell | null = null;
    // What was last printed, so each change is said once.
    const said = { progress: '', step: -1, checks: '', notice: '' };
    let lastSaid: AuditEvent | undefined;
    let announced = false;
    const printStep = () => {
      const s = c.session;
      if (!s.step) return;
      say(`Step ${s.stepIndex + 1} of ${l.lab.steps.length}: ${t(s.step.title)}`);
      for (const line of renderMarkdown(t(s.step.body), width, NO_COLOR_THEME)) say(line);
    };
    const printChecks = (force = false) => {
      const s = c.session;
      if (!s.step) return;
      const text = s.results.map((r) => `${r.pass ? 'passed' : 'not yet'}: ${r.message}`).join('\n');
      if (!text || (!force && text === said.checks)) return;
      said.checks = text;
      for (const line of text.split('\n')) say(`Check ${line}`);
    };
    const report = () => {
      if (c.state === 'starting' && c.progressText !== said.progress) {
        said.progress = c.progressText;
        say(`Starting: ${c.progressText}`);
      }
      if (c.state !== 'ready' || !announced) return;
      const entries = c.activity(lastSaid);
      lastSaid = c.lastActivity() ?? lastSaid;
      for (const e of entries) say(`Request: ${e.summary}, ${e.why}`);
      if (c.session.stepIndex !== said.step) {
        const prev = said.step;
        said.step = c.session.stepIndex;
        said.checks = '';
        if (prev >= 0) say(`Step ${prev + 1} ${c.session.statuses[prev] === 'skipped' ? 'skipped' : 'complete'}.`);
        if (c.session.finished) {
          say(
            `Lab complete: ${t(l.lab.title)}. Type "quiz" for the quiz${c.hasQuiz ? ` (${l.lab.quiz.length} questions)` : ' (none: shows your results)'}, or "back".`,
          );
          say(nextLabText(nextLab(course.info, course.labs, course.store, l.lab.id)));
        } else printStep();
      }
      if (c.notice && c.notice !== said.notice) {
        said.notice = c.notice;
        say(`Note: ${c.notice}`);
      }
      printChecks();
    };
    c.on('update', report);
    await c.start();
    if (c.state === 'error') {
      say(`Could not start the lab: ${c.error}`);
      c.off('update', report);
      await stopAll();
      return 'back';
    }
    say('The engine is running. To work in your own terminal, paste:');
    for (const e of c.exportLines()) say(`  ${e}`);
    say('Or type shell commands here, e.g. "vault status" (start any other shell line with $).');
    announced = true;
    report();
    try {
      for (;;) {
        const line = await next(
          c.session.finished ? 'Type quiz, back or quit:' : 'Type a command, a shell command, or "help":',
        );
        if (line === null) return 'quit';
        const text = line.trim();
        if (!text) continue;
        if (text.startsWith('$') || text.startsWith('!')) {
          await runShell(text.slice(1).trim());
          continue;
        }
        if (text === 'lesson') {
          said.step = c.session.stepIndex;
          printStep();
          continue;
        }
        if (text === 'checks') {
          printChecks(true);
          continue;
        }
        const a = actionForWord(text);
        // Not one of the course's words: a line starting with a known shell command runs as typed.
        const typed = a ? undefined : shellCommandOf(text);
        if (typed) {
          await runShell(typed);
          continue;
        }
        switch (a) {
          case 'quit':
            return 'quit';
          case 'back':
            return 'back';
          case 'help':
            printHelp();
            break;
          case 'hint': {
            const before = c.hintsShown;
            c.revealHint();
            const step = c.session.step;
            if (step && c.hintsShown > before)
              say(
                `Hint ${c.hintsShown} of ${step.hints.length}: ${renderMarkdown(t(step.hints[c.hintsShown - 1]), width, NO_COLOR_THEME).join(' ')}`,
              );
            break;
          }
          case 'solution': {
            const step = c.session.step;
            if (!step) break;
            c.showSolution();
            say('Solution (recorded as shown):');
            for (const cmd of step.solution) for (const x of cmd.trimEnd().split('\n')) say(`    ${x}`);
            break;
          }
          case 'reset':
            await c.resetStep();
            break;
          case 'skip':
            await c.skipStep();
            break;
          case 'advance':
            await c.advanceClock();
            break;
          case 'activity': {
            const all = c.activity();
            if (!all.length) say('No requests yet.');
            for (const e of all) say(`Request at ${e.time}: ${e.summary} by ${e.who}, ${e.why}`);
            break;
          }
          case 'quiz': {
            if (!c.session.finished) {
              say('The quiz opens once the lab is complete.');
              break;
            }
            const done = await quiz(c);
            if (done === 'quit') return 'quit';
            say(`Results for ${t(l.lab.title)}:`);
            for (const [k, v] of resultRows(resultsOf(course.store, l))) say(`  ${k}: ${v}`);
            return 'back';
          }
          default:
            say(`"${text}" is not a command. Type "help" for the commands, or start a shell command with $.`);
        }
        report();
      }
    } finally {
      c.off('update', report);
      (learnerShell as ScriptShell | null)?.close(); // set in runShell, below
      await stopAll();
    }

    /** Runs a line in the learner's lab shell, as the embedded shell would, and prints its output. */
    async function runShell(cmd: string) {
      learnerShell ??= new (await loadRuntime()).ScriptShell(c.session.workspace, c.session.env());
      const res = await learnerShell.run(cmd, 120_000).catch((e: Error) => ({ output: `${e.message}\n`, code: 1 }));
      // What the embedded shell's integration would report: `command` checks judge it.
      c.session.recordCommand(cmd, res.code, 'shell');
      for (const o of res.output.replace(/\n$/, '').split('\n')) if (o) say(`  ${o}`);
      say(`  (exit ${res.code})`);
      await c.session.settle();
      report();
    }
  }

  async function quiz(c: LabController): Promise<'done' | 'quit'> {
    c.startQuiz();
    while (c.quiz) {
      const q = c.quiz;
      say(`Question ${q.index + 1} of ${q.total}: ${q.question}`);
      q.choices.forEach((ch, i) => say(`  ${i + 1}. ${ch}`));
      const how =
        q.kind === 'multiple'
          ? 'Answer with every right number, separated by commas:'
          : q.typed
            ? 'Type your answer:'
            : 'Answer with a number:';
      const a = await next(how);
      if (a === null) return 'quit';
      if (q.typed) c.quizType(a);
      else {
        const picks = a
          .split(/[\s,]+/)
          .map(Number)
          .filter((n) => Number.isInteger(n) && n >= 1 && n <= q.choices.length);
        if (!picks.length) {
          say(`Please answer with a number from 1 to ${q.choices.length}.`);
          continue;
        }
        for (const n of q.kind === 'multiple' ? picks : picks.slice(0, 1)) c.quizChoose(n);
      }
      await c.quizSubmit();
      const f = c.quiz?.feedback;
      if (!f) continue;
      say(f.correct ? 'Right.' : `Not quite. The answer: ${f.expected}.`);
      say(`Why: ${f.explain}`);
      await c.quizSubmit();
    }
    return 'done';
  }
}
