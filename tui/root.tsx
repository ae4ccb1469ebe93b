/**
 * The course UI as Ink renders it: creates the state container, provides its state and
 * actions to the screens, and connects it to the terminal (keys, size, quitting).
 */
import React, { useEffect, useState } from 'react';
import { useApp, useStdin, useStdout } from 'ink';
import { App } from './app.js';
import { UiStore, type CourseUiProps } from './state/ui-store.js';
import { UiActionsContext, UiStateContext, useStoreSnapshot } from './state/context.js';

export type { CourseUiProps } from './state/ui-store.js';

export function CourseUi(props: CourseUiProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const stdinCtx = useStdin();
  const [store] = useState(() => new UiStore(props, { cols: props.size?.cols ?? stdout.columns ?? 80, rows: props.size?.rows ?? stdout.rows ?? 24 }));
  const snapshot = useStoreSnapshot(store);
  useEffect(() => { store.bindExit(exit); }, [store, exit]);

  // Load the lab runtime in the background once the map is up, so opening a lab is quick.
  useEffect(() => {
    const timer = setTimeout(() => { void import('./controller.js').catch(() => undefined); }, 0);
    return () => clearTimeout(timer);
  }, []);

  const fixed = !!props.size;
  useEffect(() => {
    if (fixed) return;
    // Frames fill the terminal, so Ink clears and redraws the whole screen each time: a
    // resize needs only the new layout.
    const onResize = () => store.resize(stdout.columns ?? 80, stdout.rows ?? 24);
    stdout.on('resize', onResize);
    return () => { stdout.off('resize', onResize); };
  }, [stdout, fixed, store]);

  // Raw input: Ink hands us whole key sequences, which the shell needs verbatim.
  useEffect(() => {
    const emitter = (stdinCtx as unknown as { internal_eventEmitter?: NodeJS.EventEmitter }).internal_eventEmitter;
    if (stdinCtx.isRawModeSupported) stdinCtx.setRawMode(true);
    emitter?.on('input', store.input);
    return () => { emitter?.off('input', store.input); };
  }, [stdinCtx, store]);

  return (
    <UiActionsContext.Provider value={store}>
      <UiStateContext.Provider value={snapshot}>
        <App />
      </UiStateContext.Provider>
    </UiActionsContext.Provider>
  );
}
