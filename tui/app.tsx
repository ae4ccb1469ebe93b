/** The root: chooses the screen, routes keys by focus, and owns the lab controller. */
import React, { useCallback, useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useStdin, useStdout } from 'ink';
import type { LoadedLab } from '../labs/load.js';
import type { ProgressStore } from '../labs/progress.js';
import { CourseMap } from './screens/CourseMap.js';
import { LabScreen, layoutFor, lessonLines } from './screens/LabScreen.js';
import { LabController } from './controller.js';
import { actionFor, BINDINGS, KEY } from './keys.js';
import type { Theme } from './theme.js';

/** The first key of a chunk: an escape sequence or one character. */
function splitKey(s: string): string {
  if (s[0] !== '\u001b' || s.length === 1) return [...s][0];
  const m = /^\u001b(\[[0-9;?]*[ -\/]*[@-~]|O.|.)/.exec(s);
  return m ? m[0] : s[0];
}

export interface AppProps {
  labs: LoadedLab[];
  store: ProgressStore;
  theme: Theme;
  noShell: boolean;
  workspaceRoot: string;
  notices: string[];
  /** Lets the process entry stop a running lab on SIGTERM. */
  onController?: (c: LabController | null) => void;
  size?: { cols: number; rows: number };
}

export function App({ labs, store, theme, noShell, workspaceRoot, notices, onController, size }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const stdinCtx = useStdin();
  const [selected, setSelected] = useState(0);
  const [controller, setController] = useState<LabController | null>(null);
  const [focus, setFocus] = useState<'lesson' | 'shell'>('shell');
  const [scroll, setScroll] = useState(0);
  const [help, setHelp] = useState(false);
  const [, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const [dims, setDims] = useState({ cols: size?.cols ?? stdout.columns ?? 80, rows: size?.rows ?? stdout.rows ?? 24 });
  const ctrlRef = useRef<LabController | null>(null);
  const quitting = useRef(false);

  const layout = layoutFor(dims.cols, dims.rows, noShell);

  useEffect(() => {
    if (size) return;
    const onResize = () => setDims({ cols: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
    stdout.on('resize', onResize);
    return () => { stdout.off('resize', onResize); };
  }, [stdout, size]);

  useEffect(() => { controller?.resize(layout.cols, layout.shellRows); }, [controller, layout.cols, layout.shellRows]);

  useEffect(() => {
    if (!controller || controller.state !== 'starting') return;
    const t = setInterval(() => setTick((x) => x + 1), 80);
    return () => clearInterval(t);
  });

  const quit = useCallback(async () => {
    if (quitting.current) return;
    quitting.current = true;
    await ctrlRef.current?.stop();
    exit();
  }, [exit]);

  const openLab = useCallback((l: LoadedLab) => {
    const lay = layoutFor(dims.cols, dims.rows, noShell);
    const c = new LabController(l, { cols: lay.cols, shellRows: lay.shellRows, noShell, store, workspaceRoot });
    c.on('update', () => setVersion((v) => v + 1));
    ctrlRef.current = c;
    onController?.(c);
    setController(c);
    setFocus(noShell ? 'lesson' : 'shell');
    setScroll(0);
    void c.start();
  }, [dims, noShell, store, workspaceRoot, onController]);

  const back = useCallback(async () => {
    const c = ctrlRef.current;
    ctrlRef.current = null;
    onController?.(null);
    setController(null);
    await c?.stop();
  }, [onController]);

  // Reset the lesson scroll when the step changes.
  const stepIndex = controller?.session.stepIndex;
  useEffect(() => { setScroll(0); }, [stepIndex]);

  const focusRef = useRef(focus);
  focusRef.current = focus;
  const helpRef = useRef(help);
  helpRef.current = help;

  const onKey = useCallback((input: string) => {
    if (helpRef.current) { helpRef.current = false; setHelp(false); return; }
    const focus = focusRef.current;
    const c = ctrlRef.current;
    if (!c) {
      const a = actionFor(input, 'map');
      if (a === 'quit') void quit();
      else if (a === 'up') setSelected((s) => Math.max(0, s - 1));
      else if (a === 'down') setSelected((s) => Math.min(labs.length - 1, s + 1));
      else if (a === 'open' && labs[selected]) openLab(labs[selected]);
      else if (a === 'help') setHelp(true);
      return;
    }
    if (input === KEY.ctrlBracket || input === KEY.f2) {
      if (!noShell && c.pty) { focusRef.current = focus === 'shell' ? 'lesson' : 'shell'; setFocus(focusRef.current); }
      return;
    }
    if (focus === 'shell' && c.pty && c.state === 'ready') { c.input(input); return; }
    const a = actionFor(input, 'lesson');
    const maxScroll = () => Math.max(0, lessonLines(c, layout.cols - 2, theme.color).length - layout.lessonRows);
    switch (a) {
      case 'quit': void quit(); break;
      case 'back': void back(); break;
      // Newly revealed text is at the end of the lesson: scroll it into view.
      case 'hint': c.revealHint(); setScroll(maxScroll()); break;
      case 'solution': c.showSolution(); setScroll(maxScroll()); break;
      case 'reset': void c.resetStep(); break;
      case 'skip': void c.skipStep(); break;
      case 'advance': void c.advanceClock(); break;
      case 'scrollUp': setScroll((x) => Math.max(0, Math.min(x, maxScroll()) - (input === KEY.pgUp ? layout.lessonRows : 1))); break;
      case 'scrollDown': setScroll((x) => Math.min(maxScroll(), x + (input === KEY.pgDn ? layout.lessonRows : 1))); break;
      case 'help': helpRef.current = true; setHelp(true); break;
      default: break;
    }
  }, [labs, selected, openLab, quit, back, noShell, layout.lessonRows, layout.cols, theme.color]);

  // Ink may hand over several keys in one chunk (fast typing, paste): text bound for the
  // shell goes through whole; a focus switch inside the chunk is honoured in order.
  const onInput = useCallback((input: string) => {
    let rest = input;
    while (rest.length) {
      if (focusRef.current === 'shell' && ctrlRef.current?.pty && ctrlRef.current.state === 'ready' && !helpRef.current) {
        const i = [rest.indexOf(KEY.ctrlBracket), rest.indexOf(KEY.f2)].filter((x) => x >= 0).sort((a, b) => a - b)[0];
        if (i === undefined) { ctrlRef.current.input(rest); return; }
        if (i > 0) ctrlRef.current.input(rest.slice(0, i));
        const len = rest.startsWith(KEY.f2, i) ? KEY.f2.length : 1;
        onKey(rest.slice(i, i + len));
        rest = rest.slice(i + len);
        continue;
      }
      const key = splitKey(rest);
      onKey(key);
      rest = rest.slice(key.length);
    }
  }, [onKey]);

  // Raw input: Ink hands us whole key sequences, which the shell needs verbatim.
  useEffect(() => {
    const emitter = (stdinCtx as unknown as { internal_eventEmitter?: NodeJS.EventEmitter }).internal_eventEmitter;
    if (stdinCtx.isRawModeSupported) stdinCtx.setRawMode(true);
    emitter?.on('input', onInput);
    return () => { emitter?.off('input', onInput); };
  }, [stdinCtx, onInput]);

  if (help) {
    const scope = controller ? 'lesson' : 'map';
    return (
      <Box flexDirection="column" paddingX={1}>
        <Text bold color={theme.text.title}>Keys</Text>
        {BINDINGS.filter((b) => b.scope === scope || b.scope === 'any').map((b, i) => (
          <Text key={i}>{b.label.padEnd(8)} {b.description}</Text>
        ))}
        <Text color={theme.text.secondary}>In the shell, every key goes to the shell — Ctrl-C interrupts, Ctrl-D ends input. Ctrl-] (or F2) returns to the lesson.</Text>
        <Text color={theme.text.secondary}>Press any key to close.</Text>
      </Box>
    );
  }
  if (!controller) return <CourseMap labs={labs} progress={(id) => store.lab(id)} selected={selected} theme={theme} width={dims.cols} notices={notices} />;
  return <LabScreen c={controller} theme={theme} layout={layout} focus={focus} scroll={scroll} tick={tick} noShell={noShell} />;
}
