/**
 * `vault-lab report <results.json…>`: a class's results — completion per lab, the steps where
 * learners used hints or solutions most, the quiz questions most missed, the diagnostics met
 * most — printed as tables and written as one self-contained HTML page (inline CSS and SVG,
 * nothing from a CDN). A file that is not a results file is named with the reason and left
 * alone; the others are still reported (exit 1 tells a script that one was skipped).
 */
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS_FORMAT, type ResultsFile } from './results.js';

type Out = { write(s: string): void };

export const REPORT_USAGE = `Usage: vault-lab report <results.json…> [--html <file>]

Summarises learners' results files (from \`vault-lab results --export\`): completion per lab,
the steps with the most hints and solutions, the quiz questions most missed and the
diagnostics met most. Prints tables and writes an HTML page (default: class-report.html).
`;

/** Reads a results file; a sentence naming the file and what is wrong otherwise. */
export function readResults(file: string): ResultsFile | string {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0];
    return `${file}: not a readable JSON results file (${why})`;
  }
  const r = raw as ResultsFile;
  if (!r || typeof r !== 'object' || r.format !== RESULTS_FORMAT)
    return `${file}: not a vault-lab results file (no "format": "${RESULTS_FORMAT}")`;
  if (r.version !== 1)
    return `${file}: results format version ${JSON.stringify(r.version)} is not one this vault-lab reads (1)`;
  if (!Array.isArray(r.labs) || r.labs.some((l) => !l || typeof l.id !== 'string' || !Array.isArray(l.steps)))
    return `${file}: "labs" must be a list of labs, each with an id and its steps`;
  return r;
}

export interface ClassReport {
  learners: number;
  completion: Array<{ lab: string; title: string; done: number; started: number }>;
  help: Array<{ lab: string; step: string; title: string; hints: number; solutions: number }>;
  missed: Array<{ lab: string; question: string; missed: number; answered: number }>;
  diagnostics: Array<{ lab: string; step: string; message: string; count: number; learners: number }>;
}

export function summarise(files: ResultsFile[]): ClassReport {
  const completion = new Map<string, ClassReport['completion'][number]>();
  const help = new Map<string, ClassReport['help'][number]>();
  const missed = new Map<string, ClassReport['missed'][number]>();
  const diags = new Map<string, ClassReport['diagnostics'][number]>();
  for (const f of files)
    for (const l of f.labs) {
      const c = completion.get(l.id) ?? { lab: l.id, title: l.title, done: 0, started: 0 };
      completion.set(l.id, c);
      if (l.status === 'done') c.done++;
      if (l.status !== 'not-started') c.started++;
      for (const s of l.steps) {
        const k = `${l.id}/${s.id}`;
        const h = help.get(k) ?? { lab: l.id, step: s.id, title: s.title, hints: 0, solutions: 0 };
        help.set(k, h);
        h.hints += s.hints ?? 0;
        h.solutions += s.solution_shown ? 1 : 0;
        for (const d of s.diagnostics ?? []) {
          const dk = `${k}|${d.message}`;
          const e = diags.get(dk) ?? { lab: l.id, step: s.id, message: d.message, count: 0, learners: 0 };
          diags.set(dk, e);
          e.count += d.count;
          e.learners++;
        }
      }
      for (const q of l.quiz?.questions ?? []) {
        if (q.correct === null) continue;
        const k = `${l.id}#${q.index}`;
        const m = missed.get(k) ?? { lab: l.id, question: q.question, missed: 0, answered: 0 };
        missed.set(k, m);
        m.answered++;
        if (!q.correct) m.missed++;
      }
    }
  return {
    learners: files.length,
    completion: [...completion.values()],
    help: [...help.values()]
      .filter((h) => h.hints || h.solutions)
      .sort((a, b) => b.solutions - a.solutions || b.hints - a.hints)
      .slice(0, 10),
    missed: [...missed.values()]
      .filter((m) => m.missed)
      .sort((a, b) => b.missed - a.missed)
      .slice(0, 10),
    diagnostics: [...diags.values()].sort((a, b) => b.learners - a.learners || b.count - a.count).slice(0, 10),
  };
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(w[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

export function textReport(r: ClassReport): string {
  const parts = [
    `Class report: ${r.learners} learner${r.learners === 1 ? '' : 's'}`,
    '',
    'Completion per lab',
    table(
      ['lab', 'done', 'started'],
      r.completion.map((c) => [cut(c.title, 48), `${c.done}/${r.learners}`, `${c.started}/${r.learners}`]),
    ),
    '',
    'Steps with the most help',
    r.help.length
      ? table(
          ['lab / step', 'solutions', 'hints'],
          r.help.map((h) => [`${h.lab} / ${h.step}`, String(h.solutions), String(h.hints)]),
        )
      : '(no hints or solutions used)',
    '',
    'Quiz questions most missed',
    r.missed.length
      ? table(
          ['lab', 'question', 'missed'],
          r.missed.map((m) => [m.lab, cut(m.question, 60), `${m.missed}/${m.answered}`]),
        )
      : '(none missed)',
    '',
    'Diagnostics met most often',
    r.diagnostics.length
      ? table(
          ['lab / step', 'learners', 'times', 'diagnostic'],
          r.diagnostics.map((d) => [`${d.lab} / ${d.step}`, String(d.learners), String(d.count), cut(d.message, 70)]),
        )
      : '(none recorded)',
  ];
  return `${parts.join('\n')}\n`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Horizontal bars as inline SVG: one row per item, the value against `max`. */
function bars(items: Array<{ label: string; value: number; note: string }>, max: number): string {
  const rowH = 22,
    labelW = 300,
    barW = 360;
  const h = items.length * rowH + 4;
  const rows = items
    .map((it, i) => {
      const y = i * rowH + 2;
      const w = max ? Math.round((it.value / max) * barW) : 0;
      return `<text x="0" y="${y + 15}">${esc(cut(it.label, 44))}</text><rect x="${labelW}" y="${y + 3}" width="${barW}" height="14" class="track"/><rect x="${labelW}" y="${y + 3}" width="${w}" height="14" class="bar"/><text x="${labelW + barW + 8}" y="${y + 15}">${esc(it.note)}</text>`;
    })
    .join('');
  return `<svg role="img" width="${labelW + barW + 90}" height="${h}" viewBox="0 0 ${labelW + barW + 90} ${h}">${rows}</svg>`;
}

export function htmlReport(r: ClassReport, skipped: string[]): string {
  const list = (head: string[], rows: string[][]) =>
    `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
  const maxHelp = Math.max(1, ...r.help.map((h) => h.hints + h.solutions));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vault-lab class report</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left}
svg text{font:13px system-ui,sans-serif;fill:#1b1b1b}.bar{fill:#2f6f4f}.track{fill:#e8e8e8}.warn{color:#8a4b00}
</style></head><body>
<h1>vault-lab class report</h1>
<p>${r.learners} learner${r.learners === 1 ? '' : 's'}.</p>
${skipped.length ? `<p class="warn">Skipped (not results files): ${skipped.map(esc).join('; ')}</p>` : ''}
<h2>Completion per lab</h2>
${bars(
  r.completion.map((c) => ({ label: c.title, value: c.done, note: `${c.done}/${r.learners} done` })),
  r.learners,
)}
<h2>Steps with the most help</h2>
${
  r.help.length
    ? bars(
        r.help.map((h) => ({
          label: `${h.lab} / ${h.step}`,
          value: h.hints + h.solutions,
          note: `${h.solutions} sol., ${h.hints} hints`,
        })),
        maxHelp,
      )
    : '<p>No hints or solutions used.</p>'
}
<h2>Quiz questions most missed</h2>
${
  r.missed.length
    ? list(
        ['lab', 'question', 'missed'],
        r.missed.map((m) => [m.lab, m.question, `${m.missed}/${m.answered}`]),
      )
    : '<p>None missed.</p>'
}
<h2>Diagnostics met most often</h2>
${
  r.diagnostics.length
    ? list(
        ['lab / step', 'learners', 'times', 'diagnostic'],
        r.diagnostics.map((d) => [`${d.lab} / ${d.step}`, String(d.learners), String(d.count), d.message]),
      )
    : '<p>None recorded.</p>'
}
</body></html>
`;
}

export function runReport(args: string[], out: Out): number {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(REPORT_USAGE);
    return 0;
  }
  const files: string[] = [];
  let html = 'class-report.html';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--html' || a.startsWith('--html=')) {
      const v = a.includes('=') ? a.slice(7) : args[++i];
      if (!v) {
        process.stderr.write(`vault-lab report: --html needs a file name\n${REPORT_USAGE}`);
        return 2;
      }
      html = v;
    } else if (a.startsWith('-')) {
      process.stderr.write(`vault-lab report: unknown option ${a}\n${REPORT_USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (!files.length) {
    process.stderr.write(`vault-lab report: which results files?\n${REPORT_USAGE}`);
    return 2;
  }
  const good: ResultsFile[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    const r = readResults(f);
    if (typeof r === 'string') {
      skipped.push(r);
      process.stderr.write(`vault-lab report: skipped ${r}\n`);
    } else good.push(r);
  }
  if (!good.length) {
    process.stderr.write('vault-lab report: no results file could be read; nothing was written.\n');
    return 1;
  }
  const report = summarise(good);
  out.write(textReport(report));
  const target = path.resolve(html);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, htmlReport(report, skipped));
  fs.renameSync(tmp, target);
  out.write(`\nWrote ${html}${skipped.length ? ` (${skipped.length} file(s) skipped, left as they were)` : ''}.\n`);
  return skipped.length ? 1 : 0;
}
