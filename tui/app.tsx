/**
 * The root: chooses the screen, routes keys by focus and screen, and owns the lab
 * controller. The lab runtime (engine, session, shell) is loaded only when a lab
 * opens, so the course map comes up fast.
 */
import React, { useCallback, useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useStdin, useStdout } from 'ink';
import type { LoadedLab } from '../labs/index.js';
import type { ProgressStore } from '../labs/index.js';
import { t } from './text.js';
import { CourseMap } from './screens/CourseMap.js';
import { orderLabs } from './course.js';
import { LabScreen, layoutFor, lessonLines, activityLines } from './screens/LabScreen.js';
import { Quiz } from './screens/Quiz.js';
import { Results } from './screens/Results.js';
import { Help } from './screens/Help.js';
import type { LabController, ControllerOptions } from './controller.js';
import { resultsOf } from './results.js';
import { actionFor, FOCUS_KEYS, KEY, type Scope } from './keys.js';
import { splitKey } from './input.js';
import type { Theme } from './theme.js';


export interface AppProps {
  labs: LoadedLab[];
  store: ProgressStore;
  theme: Theme;
  noShell: boolean;
  workspaceRoot: string;
  notices: string[];
  /** Lets the process entry stop a running lab on SIGTERM. */
  onController?: (c: LabController | null) => void;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: { cols: number; rows: number };
  /** Passed to each lab controller (tests). */
  controllerOptions?: Partial<ControllerOptions>;
}

type Focus = 'lesson' | 'shell';

export function App({ labs: unordered, store, theme, noShell, workspaceRoot, notices, onController, size, controllerOptions }: AppProps) {
  const labs = React.useMemo(() => orderLabs(unordered), [unordered]);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const stdinCtx = useStdin();
  const [selected, setSelectedState] = useState(() => Math.max(0, labs.findIndex((l) => store.lab(l.lab.id).status === 'in-progress')));
  const selectedRef = useRef(selected);
  const setSelected = (f: (s: number) => number) => { selectedRef.current = f(selectedRef.current); setSelectedState(selectedRef.current); };
  const [controller, setController] = useState<LabController | null>(null);
  const [focus, setFocusState] = useState<Focus>('shell');
  const [panel, setPanel] = useState<'lesson' | 'activity'>('lesson');
  const [scroll, setScroll] = useState(0);
  const [help, setHelp] = useState(false);
  const [resultsFor, setResultsFor] = useState<string | null>(null);
  const [openError, setOpenError] = useState('');
  const [, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const [dims, setDims] = useState({ cols: size?.cols ?? stdout.columns ?? 80, rows: size?.rows ?? stdout.rows ?? 24 });
  const ctrlRef = useRef<LabController | null>(null);
  const quitting = useRef(false);
  const opening = useRef(false);
  // Refs mirror state so a burst of keys in one chunk sees each key's effect at once.
  const focusRef = useRef<Focus>(focus);
  const helpRef = useRef(help);
  const resultsRef = useRef(resultsFor);
  const setFocus = (f: Focus) => { focusRef.current = f; setFocusState(f); };
  const showHelp = (v: boolean) => { helpRef.current = v; setHelp(v); };
  const showResults = (id: string | null) => { resultsRef.current = id; setResultsFor(id); };

  const layout = layoutFor(dims.cols, dims.rows, noShell);

  // Load the lab runtime in the background once the map is up, so opening a lab is quick.
  useEffect(() => {
    const timer = setTimeout(() => { void import('./controller.js').catch(() => undefined); }, 0);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    if (size) return;
    // Frames fill the terminal, so Ink clears and redraws the whole screen each time: a
    // resize needs only the new layout.
    const onResize = () => setDims({ cols: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
    stdout.on('resize', onResize);
    return () => { stdout.off('resize', onResize); };
  }, [stdout, size]);

  useEffect(() => { controller?.resize(layout.cols, layout.shellRows); }, [controller, layout.cols, layout.shellRows]);

  // The spinner turns only while something is being provisioned.
  const starting = controller?.state === 'starting';
  useEffect(() => {
    if (!starting) return;
    const timer = setInterval(() => setTick((x) => x + 1), 80);
    return () => clearInterval(timer);
  }, [starting]);

  const quit = useCallback(async () => {
    if (quitting.current) return;
    quitting.current = true;
    await ctrlRef.current?.stop();
    exit();
  }, [exit]);

  const openLab = useCallback(async (l: LoadedLab, resume: boolean) => {
    if (opening.current) return;
    opening.current = true;
    try {
      let mod: typeof import('./controller.js');
      try { mod = await import('./controller.js'); } catch (e) {
        setOpenError(`Could not load the lab runtime (${(e as Error).message.split('\n')[0]}). Was vault-lab updated while it ran? Restart it.`);
        return;
      }
      setOpenError('');
      const { LabController } = mod;
      const lay = layoutFor(dims.cols, dims.rows, noShell);
      const c = new LabController(l, { cols: lay.cols, shellRows: lay.shellRows, noShell, store, workspaceRoot, resume, ...(controllerOptions ?? {}) });
      c.on('update', () => setVersion((v) => v + 1));
      ctrlRef.current = c;
      onController?.(c);
      setController(c);
      setFocus(noShell ? 'lesson' : 'shell');
      setPanel('lesson');
      setScroll(0);
      void c.start();
    } finally {
      opening.current = false;
    }
  }, [dims, noShell, store, workspaceRoot, onController, controllerOptions]);

  const back = useCallback(async () => {
    const c = ctrlRef.current;
    ctrlRef.current = null;
    onController?.(null);
    setController(null);
    showResults(null);
    await c?.stop();
  }, [onController]);

  // Back to the top of the lesson when the step changes.
  const stepIndex = controller?.session.stepIndex;
  useEffect(() => { setScroll(0); }, [stepIndex]);

  const scopeNow = (): Exclude<Scope, 'any'> => {
    const c = ctrlRef.current;
    if (resultsRef.current) return 'results';
    if (c?.quiz) return 'quiz';
    return c ? 'lesson' : 'map';
  };

  const onKey = useCallback((input: string) => {
    if (helpRef.current) { showHelp(false); return; }
    const c = ctrlRef.current;
    const scope = scopeNow();

    if (scope === 'results') {
      const a = actionFor(input, 'results');
      if (a === 'quit') void quit();
      else if (a === 'help') showHelp(true);
      else if (a === 'back') { if (c) void back(); else showResults(null); }
      return;
    }

    if (scope === 'map') {
      const a = actionFor(input, 'map');
      const l = labs[selectedRef.current];
      if (a === 'quit') void quit();
      else if (a === 'up') setSelected((s) => Math.max(0, s - 1));
      else if (a === 'down') setSelected((s) => Math.min(labs.length - 1, s + 1));
      else if (a === 'open' && l) void openLab(l, store.lab(l.lab.id).status === 'in-progress');
      else if (a === 'restart' && l) void openLab(l, false);
      else if (a === 'results' && l) showResults(l.lab.id);
      else if (a === 'help') showHelp(true);
      return;
    }

    if (!c) return;

    if (scope === 'quiz') {
      const q = c.quiz!;
      if (input === KEY.ctrlC) { void quit(); return; }
      if (input === KEY.esc) { c.quiz = null; setVersion((v) => v + 1); return; }
      if (q.typed && !q.feedback) {
        if (input === KEY.enter) void c.quizSubmit();
        else if (!input.startsWith('\u001b')) c.quizType(input);
        return;
      }
      const a = actionFor(input, 'quiz');
      if (a === 'quit') void quit();
      else if (a === 'help') showHelp(true);
      else if (a === 'submit') void c.quizSubmit().then((over) => { if (over && ctrlRef.current === c) showResults(c.id); });
      else if (a === 'choose') {
        if (input === KEY.up) c.quizChoose('up');
        else if (input === KEY.down) c.quizChoose('down');
        else if (input === KEY.space) c.quizChoose('toggle');
        else c.quizChoose(Number(input));
      }
      return;
    }

    // The lab screen.
    if (FOCUS_KEYS.includes(input)) {
      if (!noShell && c.pty) setFocus(focusRef.current === 'shell' ? 'lesson' : 'shell');
      return;
    }
    if (focusRef.current === 'shell' && !noShell && c.state !== 'error') {
      if (c.state === 'ready') { if (c.shellEnded) { if (input === KEY.enter) c.restartShell(); } else c.input(input); }
      else if (input === KEY.ctrlC) void quit();
      else if (input === KEY.esc) void back();
      else c.input(input); // buffered until the shell is up
      return;
    }
    const a = actionFor(input, 'lesson');
    const rowsOf = () => (panel === 'activity' ? activityLines(c.activity(), theme) : lessonLines(c, layout.cols - 1, theme)).length;
    const maxScroll = () => Math.max(0, rowsOf() - layout.lessonRows);
    const page = (k: string) => (k === KEY.pgUp || k === KEY.pgDn ? layout.lessonRows : 1);
    const ready = c.state === 'ready';
    switch (a) {
      case 'quit': void quit(); break;
      case 'back': void back(); break;
      // Newly revealed text is at the end of the lesson: scroll it into view.
      case 'hint': if (ready) { c.revealHint(); setPanel('lesson'); setScroll(maxScroll()); } break;
      case 'solution': if (ready) { c.showSolution(); setPanel('lesson'); setScroll(maxScroll()); } break;
      case 'reset': if (ready) void c.resetStep(); break;
      case 'skip': if (ready) void c.skipStep(); break;
      case 'advance': if (ready) void c.advanceClock(); break;
      case 'activity': setPanel((p) => (p === 'activity' ? 'lesson' : 'activity')); setScroll(0); break;
      case 'quiz':
        if (ready && c.session.finished) { if (c.hasQuiz) c.startQuiz(); else showResults(c.id); }
        break;
      // In the feed, scroll counts lines back from the newest entry.
      case 'scrollUp': setScroll((x) => (panel === 'activity' ? Math.min(maxScroll(), x + page(input)) : Math.max(0, Math.min(x, maxScroll()) - page(input)))); break;
      case 'scrollDown': setScroll((x) => (panel === 'activity' ? Math.max(0, x - page(input)) : Math.min(maxScroll(), x + page(input)))); break;
      case 'help': showHelp(true); break;
      default: break;
    }
  }, [labs, openLab, quit, back, noShell, layout.lessonRows, layout.cols, theme, panel, store]);

  // Ink may hand over several keys in one chunk (fast typing, paste): text bound for the
  // shell goes through whole; a focus switch inside the chunk is honoured in order.
  const onInput = useCallback((input: string) => {
    let rest = input;
    while (rest.length) {
      const c = ctrlRef.current;
      if (focusRef.current === 'shell' && c && !noShell && c.state !== 'error' && !helpRef.current && !resultsRef.current && !c.quiz && c.state === 'ready') {
        const at = FOCUS_KEYS.map((k) => rest.indexOf(k)).filter((x) => x >= 0).sort((a, b) => a - b)[0];
        if (c.shellEnded) { const key = splitKey(rest); onKey(key); rest = rest.slice(key.length); continue; }
        if (at === undefined) { c.input(rest); return; }
        if (at > 0) c.input(rest.slice(0, at));
        const len = rest.startsWith(KEY.f2, at) ? KEY.f2.length : 1;
        onKey(rest.slice(at, at + len));
        rest = rest.slice(at + len);
        continue;
      }
      const key = splitKey(rest);
      onKey(key);
      rest = rest.slice(key.length);
    }
  }, [onKey, noShell]);

  // Raw input: Ink hands us whole key sequences, which the shell needs verbatim.
  useEffect(() => {
    const emitter = (stdinCtx as unknown as { internal_eventEmitter?: NodeJS.EventEmitter }).internal_eventEmitter;
    if (stdinCtx.isRawModeSupported) stdinCtx.setRawMode(true);
    emitter?.on('input', onInput);
    return () => { emitter?.off('input', onInput); };
  }, [stdinCtx, onInput]);

  if (help) return <Help scope={scopeNow()} theme={theme} width={dims.cols} />;
  if (resultsFor) {
    const l = labs.find((x) => x.lab.id === resultsFor);
    if (l) return <Results title={t(l.lab.title)} results={resultsOf(store, l)} theme={theme} />;
  }
  if (controller?.quiz) return <Quiz quiz={controller.quiz} title={t(controller.lab.title)} theme={theme} width={dims.cols} />;
  if (!controller) {
    if (!labs.length) return <Box><Text>No labs.</Text></Box>;
    return <CourseMap labs={labs} progress={(id) => store.lab(id)} selected={selected} theme={theme} width={dims.cols} height={dims.rows} notices={openError ? [...notices, openError] : notices} />;
  }
  return <LabScreen c={controller} theme={theme} layout={layout} focus={focus} panel={panel} scroll={scroll} tick={tick} noShell={noShell} />;
}
