/** The root: chooses the screen, routes keys by focus, and owns the lab controller. */
import React, { useCallback, useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useStdin, useStdout } from 'ink';
import type { LoadedLab } from '../labs/load.js';
import type { ProgressStore } from '../labs/progress.js';
import { CourseMap } from './screens/CourseMap.js';
import { LabScreen, layoutFor } from './screens/LabScreen.js';
import { LabController } from './controller.js';
import { actionFor, BINDINGS, KEY } from './keys.js';
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

  const onInput = useCallback((input: string) => {
    if (help) { setHelp(false); return; }
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
      if (!noShell && c.pty) setFocus((f) => (f === 'shell' ? 'lesson' : 'shell'));
      return;
    }
    if (focus === 'shell' && c.pty && c.state === 'ready') { c.input(input); return; }
    const a = actionFor(input, 'lesson');
    switch (a) {
      case 'quit': void quit(); break;
      case 'back': void back(); break;
      case 'hint': c.revealHint(); break;
      case 'solution': c.showSolution(); break;
      case 'reset': void c.resetStep(); break;
      case 'skip': void c.skipStep(); break;
      case 'advance': void c.advanceClock(); break;
      case 'scrollUp': setScroll((x) => Math.max(0, x - (input === KEY.pgUp ? layout.lessonRows : 1))); break;
      case 'scrollDown': setScroll((x) => x + (input === KEY.pgDn ? layout.lessonRows : 1)); break;
      case 'help': setHelp(true); break;
      default: break;
    }
  }, [help, labs, selected, openLab, quit, back, focus, noShell, layout.lessonRows]);

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
