/** The lesson pane's text as lines (so it can scroll): the step, its hints and solution, or the activity feed. */
import { t } from '../text.js';
import type { LabController } from '../controller.js';
import { paint, type Theme } from '../theme.js';
import { renderMarkdown } from './markdown.js';
import { fitWords } from '../text.js';
import type { ActivityEntry } from '../activity.js';
import type { TraceNode } from '../../labs/index.js';

/** Everything the lesson pane shows, as lines (so it can scroll). */
export function lessonLines(c: LabController, width: number, theme: Theme): string[] {
  const s = c.session;
  const step = s.step;
  if (!step) {
    const next = c.hasQuiz
      ? `Press z to take the quiz (${c.lab.quiz.length} question${c.lab.quiz.length === 1 ? '' : 's'}), Esc for the course map, or q to quit.`
      : 'Press z to see your results, Esc for the course map, or q to quit.';
    const suggestion = c.nextText();
    return [
      paint(theme, 'ok', 'Lab complete!', { bold: true }),
      '',
      ...renderMarkdown(`You finished **${t(c.lab.title)}**. ${next}`, width, theme),
      ...(suggestion ? ['', ...renderMarkdown(suggestion, width, theme)] : []),
    ];
  }
  const lines = [paint(theme, 'title', t(step.title), { bold: true }), ...renderMarkdown(t(step.body), width, theme)];
  for (let i = 0; i < c.hintsShown; i++) {
    lines.push('', ...renderMarkdown(`**Hint ${i + 1}/${step.hints.length}:** ${t(step.hints[i])}`, width, theme));
  }
  if (c.solutionShown) {
    lines.push('', paint(theme, 'warn', 'Solution (recorded as shown):', { bold: true }));
    for (const cmd of step.solution)
      for (const l of cmd.trimEnd().split('\n')) lines.push('    ' + paint(theme, 'code', l));
  }
  return lines;
}

/** The activity feed as lines: two per request, newest last. */
export function activityLines(entries: ActivityEntry[], theme: Theme): string[] {
  if (!entries.length)
    return [
      paint(
        theme,
        'secondary',
        'No requests yet. Everything you (or any client) send to the engine appears here, with the reason it was allowed or denied.',
      ),
    ];
  return entries.flatMap((e) => [
    `${paint(theme, e.ok ? 'ok' : 'fail', e.ok ? '✓' : '✗')} ${paint(theme, 'secondary', e.time)} ${e.summary}  ${paint(theme, 'secondary', e.who)}`,
    `  ${paint(theme, e.why.startsWith('denied') ? 'fail' : e.ok ? 'secondary' : 'warn', e.why)}`,
  ]);
}

/** The check trace as lines: each check, its verdict and reason, and what it looked at. */
export function traceLines(c: LabController, theme: Theme): string[] {
  const step = c.session.step;
  if (!step) return [paint(theme, 'secondary', 'The lab is complete: no step to trace.')];
  const head = paint(theme, 'title', `Check trace · ${t(step.title)} (c: lesson)`, { bold: true });
  if (!c.trace) return [head, paint(theme, 'secondary', 'evaluating the checks…')];
  const lines = [head];
  const walk = (n: TraceNode, depth: number) => {
    const pad = '  '.repeat(depth);
    lines.push(`${pad}${paint(theme, n.pass ? 'ok' : 'fail', n.pass ? '✓' : '✗')} ${n.kind} ${n.spec}`);
    lines.push(
      `${pad}    ${paint(theme, n.pass ? 'secondary' : 'warn', `${n.pass ? 'passes' : 'fails'}: ${n.message}`)}`,
    );
    for (const r of n.reads) lines.push(`${pad}    ${paint(theme, 'secondary', `read: ${r}`)}`);
    for (const k of n.children) walk(k, depth + 1);
  };
  for (const n of c.trace) walk(n, 0);
  return lines;
}

/** `vault-lab dev`'s lines above the lesson (reloaded, or the file's problems), wrapped to the pane. */
export function devLines(dev: string[], width: number, theme: Theme): string[] {
  return dev.flatMap((l) => {
    const tone = l.startsWith('✓') ? 'ok' : l.startsWith('✗') ? 'fail' : l.startsWith('•') ? 'secondary' : 'warn';
    return l.split('\n').flatMap((part) => fitWords(part, width, 6).map((x) => paint(theme, tone, x)));
  });
}
