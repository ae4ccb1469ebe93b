/**
 * The page: the course map and a running lab (lesson, checks, hints, solution, activity,
 * quiz, results) beside the lab's shell in xterm.js. State comes pushed over /ws/state; the
 * shell is /ws/term through xterm.js's attach addon. No framework: a few panes redrawn from
 * the pushed view, each only when its HTML changed, so focus stays where the learner put it.
 * Lesson, hint and quiz HTML is sanitised on the server; everything else is escaped here.
 */
import { AttachAddon } from '@xterm/addon-attach';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import './app.css';

interface LabSummary {
  id: string;
  title: string;
  summary: string;
  topic: string;
  minutes: number;
  level: string;
  needs: string;
  status: string;
  tone: string;
  resumable: boolean;
}
interface Activity {
  ok: boolean;
  summary: string;
  why: string;
  who: string;
  time: string;
}
interface LabView {
  id: string;
  title: string;
  summary: string;
  state: 'starting' | 'ready' | 'error';
  progressText: string;
  error: string;
  notice: string;
  stepIndex: number;
  finished: boolean;
  steps: Array<{ id: string; title: string; status: string; html: string }>;
  checks: Array<{ pass: boolean; message: string }>;
  hints: string[];
  hintsLeft: number;
  solution: string[] | null;
  shellEnded: boolean;
  activity: Activity[];
  hasQuiz: boolean;
  quiz: null | {
    index: number;
    total: number;
    kind: string;
    typed: boolean;
    question: string;
    choices: string[];
    picked: number[];
    feedback?: { correct: boolean; expected: string; explain: string };
    score: number;
  };
  results: Array<[string, string]>;
  next: string;
}

const SWITCH_KEY = 'Ctrl+]';
const present = new URLSearchParams(location.search).has('present');
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
const dark = matchMedia('(prefers-color-scheme: dark)').matches;

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector(sel) as T;

document.body.innerHTML = `
<a class="skip" href="#main">Skip to the content</a>
<header role="banner">
  <h1><button type="button" id="home" class="linkish">vault-lab</button></h1>
  <p class="keys" id="keys">Keys: <kbd>${SWITCH_KEY}</kbd> moves between lesson and terminal</p>
</header>
<main id="main">
  <section id="map" aria-labelledby="map-h"></section>
  <div id="lab" class="lab" hidden>
    <section id="lesson" class="lesson" aria-labelledby="lab-h" tabindex="-1">
      <h2 id="lab-h"></h2>
      <p id="status" role="status" aria-live="polite"></p>
      <nav aria-label="Steps"><ol id="steps" class="steps"></ol></nav>
      <div id="step"></div>
      <section aria-labelledby="checks-h" id="checks-box">
        <h3 id="checks-h">Checks</h3>
        <ul id="checks" class="checks" aria-live="polite"></ul>
      </section>
      <div class="actions" role="toolbar" aria-label="Step actions">
        <button type="button" data-action="hint">Hint</button>
        <button type="button" data-action="solution">Show solution</button>
        <button type="button" data-action="reset">Reset step</button>
        <button type="button" data-action="skip">Skip step</button>
        <button type="button" data-action="clock">Advance clock 1h</button>
      </div>
      <div id="hints"></div>
      <div id="solution"></div>
      <div id="finish"></div>
      <section aria-labelledby="activity-h">
        <h3 id="activity-h">Activity</h3>
        <ol id="activity" class="activity"></ol>
      </section>
    </section>
    <section id="terminal-pane" class="terminal-pane" aria-label="Terminal: your lab shell">
      <h2 class="sr-only">Terminal</h2>
      <div id="term"></div>
    </section>
  </div>
</main>`;
if (present) document.body.classList.add('present');

// --- the terminal -------------------------------------------------------------------

const term = new Terminal({
  cursorBlink: !reducedMotion,
  fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
  fontSize: present ? 22 : 14,
  // A little air between rows, so underscores are not clipped by the next row.
  lineHeight: 1.15,
  scrollback: 2000,
  screenReaderMode: false,
  theme: dark
    ? { background: '#111418', foreground: '#e6e6e6', cursor: '#e6e6e6' }
    : { background: '#fbfbfb', foreground: '#1d1d1d', cursor: '#1d1d1d', selectionBackground: '#b5d5ff' },
});
const fit = new FitAddon();
term.loadAddon(fit);
term.open($('#term'));
let attach: AttachAddon | undefined;
let termSocket: WebSocket | undefined;
let termLab = '';

const isSwitchKey = (e: KeyboardEvent) => e.ctrlKey && !e.altKey && (e.key === ']' || e.code === 'BracketRight');
// The switch key never reaches the shell; the page's own handler (capture phase, so it runs
// before xterm.js sees the key) moves the focus.
term.attachCustomKeyEventHandler((e) => !isSwitchKey(e));
document.addEventListener(
  'keydown',
  (e) => {
    if (!isSwitchKey(e) || $('#lab').hidden) return;
    e.preventDefault();
    e.stopPropagation();
    if (document.activeElement?.closest('#terminal-pane')) $('#lesson').focus();
    else term.focus();
  },
  true,
);

function wsUrl(p: string) {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${p}`;
}

function connectTerminal(labId: string) {
  termSocket?.close();
  attach?.dispose();
  termLab = labId;
  const s = new WebSocket(wsUrl('/ws/term'));
  termSocket = s;
  attach = new AttachAddon(s);
  term.loadAddon(attach);
  s.addEventListener('close', () => {
    if (termSocket === s) termLab = '';
  });
}

function sendSize() {
  if (stateSocket?.readyState === WebSocket.OPEN)
    stateSocket.send(JSON.stringify({ type: 'resize', cols: term.cols, rows: term.rows }));
}
function refit() {
  if ($('#lab').hidden) return;
  try {
    fit.fit();
  } catch {
    /* not laid out yet */
  }
  sendSize();
}
new ResizeObserver(() => refit()).observe($('#term'));

// --- the server ---------------------------------------------------------------------

async function post(p: string, body: unknown) {
  const r = await fetch(p, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (!r.ok) {
    const v = await r.json().catch(() => ({ errors: [r.statusText] }));
    $('#status').textContent = (v.errors ?? []).join('; ');
  }
}

let stateSocket: WebSocket | undefined;
let current: LabView | null = null;

function connectState() {
  const s = new WebSocket(wsUrl('/ws/state'));
  stateSocket = s;
  s.addEventListener('open', () => sendSize());
  s.addEventListener('message', (ev) => {
    const v = JSON.parse(String(ev.data)) as { lab: LabView | null };
    current = v.lab;
    if (v.lab) showLab(v.lab);
  });
  s.addEventListener('close', () => setTimeout(connectState, 1000));
}

// --- the course map -------------------------------------------------------------------

async function showMap() {
  const r = await fetch('/api/course', { credentials: 'same-origin' });
  const c = (await r.json()) as { title: string; notices: string[]; labs: LabSummary[] };
  const topics: string[] = [];
  for (const l of c.labs) if (!topics.includes(l.topic)) topics.push(l.topic);
  $('#map').innerHTML = `<h2 id="map-h">Course map — ${esc(c.title)}</h2>
${c.notices.map((n) => `<p class="notice">${esc(n)}</p>`).join('')}
${topics
  .map(
    (t) =>
      `<section class="topic"><h3>${esc(t)}</h3><ul class="labs">${c.labs
        .filter((l) => l.topic === t)
        .map(
          (l) => `<li class="lab-card" data-tone="${esc(l.tone)}">
  <h4>${esc(l.title)}</h4>
  <p>${esc(l.summary)}</p>
  <p class="meta"><span class="status">${esc(l.status)}</span> · ${l.minutes} min · ${esc(l.level)} · ${esc(l.needs)}</p>
  <p>${l.resumable ? `<button type="button" data-resume="${esc(l.id)}">Resume</button> ` : ''}<button type="button" data-start="${esc(l.id)}">${l.resumable || l.tone === 'ok' ? 'Start over' : 'Start'}</button></p>
</li>`,
        )
        .join('')}</ul></section>`,
  )
  .join('')}`;
  $('#map').hidden = false;
  $('#lab').hidden = true;
  document.title = 'Course map — vault-lab';
}

$('#map').addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest('button');
  if (!b) return;
  const id = b.dataset.start ?? b.dataset.resume;
  if (!id) return;
  term.reset();
  termLab = '';
  void post('/api/lab/start', { id, resume: !!b.dataset.resume });
});
$('#home').addEventListener('click', () => {
  void post('/api/lab/leave', {}).then(() => {
    current = null;
    void showMap();
  });
});

// --- the lab ------------------------------------------------------------------------

/** Sets an element's HTML only when it changed (keeps focus and selection otherwise). */
function put(el: HTMLElement, html: string) {
  if (el.dataset.html !== html) {
    el.innerHTML = html;
    el.dataset.html = html;
  }
}

function showLab(v: LabView) {
  const wasHidden = $('#lab').hidden;
  $('#map').hidden = true;
  $('#lab').hidden = false;
  if (wasHidden) requestAnimationFrame(refit);
  document.title = `${v.title} — vault-lab`;
  put($('#lab-h'), esc(v.title));
  const status =
    v.state === 'error' ? `Could not start: ${v.error}` : v.state === 'starting' ? v.progressText : v.notice;
  put($('#status'), esc(status));
  put(
    $('#steps'),
    v.steps
      .map(
        (s, i) =>
          `<li data-status="${esc(s.status)}"${i === v.stepIndex ? ' aria-current="step"' : ''}><span class="sr-only">${esc(s.status)}: </span>${esc(s.title)}</li>`,
      )
      .join(''),
  );
  const step = v.steps[v.stepIndex];
  put(
    $('#step'),
    step
      ? `<h3 id="step-h">Step ${v.stepIndex + 1} of ${v.steps.length}: ${esc(step.title)}</h3><div class="body">${step.html}</div>`
      : '<h3 id="step-h">All steps done</h3>',
  );
  $('#checks-box').hidden = !step;
  put(
    $('#checks'),
    v.checks.length
      ? v.checks
          .map(
            (c) =>
              `<li class="${c.pass ? 'pass' : 'fail'}"><span class="mark" aria-hidden="true">${c.pass ? '✓' : '✗'}</span><span class="sr-only">${c.pass ? 'passes' : 'not yet'}: </span>${esc(c.message)}</li>`,
          )
          .join('')
      : step && v.state === 'ready'
        ? '<li>checking…</li>'
        : '',
  );
  for (const b of document.querySelectorAll<HTMLButtonElement>('.actions button')) {
    b.disabled = v.state !== 'ready' || !step;
    if (b.dataset.action === 'hint') b.textContent = v.hintsLeft > 0 ? `Hint (${v.hintsLeft} left)` : 'Hint';
  }
  put(
    $('#hints'),
    v.hints.length ? `<h3>Hints</h3><ol class="hints">${v.hints.map((h) => `<li>${h}</li>`).join('')}</ol>` : '',
  );
  put(
    $('#solution'),
    v.solution
      ? `<h3>Solution</h3><div class="code"><pre><code>${esc(v.solution.join('\n'))}</code></pre><button type="button" class="copy" aria-label="Copy the solution">Copy</button></div>`
      : '',
  );
  put($('#finish'), finishHtml(v));
  put(
    $('#activity'),
    v.activity
      .slice()
      .reverse()
      .map(
        (a) =>
          `<li class="${a.ok ? 'ok' : 'denied'}"><span class="time">${esc(a.time)}</span> <code>${esc(a.summary)}</code><br><span class="why">${esc(a.why)}</span> <span class="who">${esc(a.who)}</span></li>`,
      )
      .join(''),
  );
  if (v.state === 'ready' && termLab !== v.id) connectTerminal(v.id);
}

function finishHtml(v: LabView): string {
  if (v.quiz) {
    const q = v.quiz;
    const input = q.typed
      ? `<label>Your answer <input type="text" name="answer" autocomplete="off"${q.feedback ? ' disabled' : ''}></label>`
      : q.choices
          .map(
            (c, i) =>
              `<label class="choice"><input type="${q.kind === 'multiple' ? 'checkbox' : 'radio'}" name="answer" value="${i}"${q.picked.includes(i) ? ' checked' : ''}${q.feedback ? ' disabled' : ''}> ${c}</label>`,
          )
          .join('');
    const fb = q.feedback
      ? `<p class="${q.feedback.correct ? 'pass' : 'fail'}" role="status">${q.feedback.correct ? 'Right.' : `Not quite: the answer is ${q.feedback.expected}.`} ${q.feedback.explain}</p>
<button type="button" data-quiz="next">${q.index + 1 < q.total ? 'Next question' : 'Finish the quiz'}</button>`
      : '<button type="submit">Check my answer</button>';
    return `<section aria-labelledby="quiz-h" class="quiz"><h3 id="quiz-h">Quiz: question ${q.index + 1} of ${q.total} (score ${q.score})</h3>
<form id="quiz-form"><fieldset><legend>${q.question}</legend>${input}</fieldset>${fb}</form>
<button type="button" data-quiz="leave">Leave the quiz</button></section>`;
  }
  if (!v.finished) return '';
  return `<section aria-labelledby="results-h" class="results"><h3 id="results-h">Lab complete — your results</h3>
<table><tbody>${v.results.map(([k, x]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(x)}</td></tr>`).join('')}</tbody></table>
${v.next ? `<p>${esc(v.next)}</p>` : ''}
${v.hasQuiz ? '<button type="button" data-quiz="start">Take the quiz</button>' : ''}
<button type="button" data-map>Back to the course map</button></section>`;
}

$('#lesson').addEventListener('click', (e) => {
  const el = e.target as HTMLElement;
  const b = el.closest('button');
  if (!b) return;
  if (b.classList.contains('copy')) {
    const code = b.parentElement?.querySelector('code')?.textContent ?? '';
    void navigator.clipboard.writeText(code).then(
      () => {
        b.textContent = 'Copied';
        setTimeout(() => {
          b.textContent = 'Copy';
        }, 1500);
      },
      () => {
        b.textContent = 'Copy failed';
      },
    );
    return;
  }
  if (b.dataset.action) void post('/api/lab/action', { action: b.dataset.action });
  else if (b.dataset.quiz) void post('/api/lab/quiz', { op: b.dataset.quiz });
  else if (b.hasAttribute('data-map')) $('#home').click();
});
$('#lesson').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  const q = current?.quiz;
  if (!q) return;
  if (q.typed) {
    const text = (form.elements.namedItem('answer') as HTMLInputElement).value;
    void post('/api/lab/quiz', { op: 'answer', text });
  } else {
    const picked = [...form.querySelectorAll<HTMLInputElement>('input[name=answer]:checked')].map((i) =>
      Number(i.value),
    );
    void post('/api/lab/quiz', { op: 'answer', picked });
  }
});

void fetch('/api/lab', { credentials: 'same-origin' })
  .then((r) => r.json())
  .then((v: { lab: LabView | null }) => {
    if (!v.lab) void showMap();
    connectState();
  });
