/**
 * The course UI as Ink renders it: creates the state container, provides its state and
 * actions to the screens, and connects it to the terminal (keys, size, quitting).
 */
import React, { useEffect, useState } from 'react';
import { useApp, useStdout } from 'ink';
import { useRawInput, useTerminalResize } from './terminal.js';
import { App } from './app.js';
import { UiStore, type CourseUiProps } from './state/ui-store.js';
import { UiActionsContext, UiStateContext, useStoreSnapshot } from './state/context.js';

export type { CourseUiProps } from './state/ui-store.js';

export function CourseUi(props: CourseUiProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [store] = useState(() => new UiStore(props, { cols: props.size?.cols ?? stdout.columns ?? 80, rows: props.size?.rows ?? stdout.rows ?? 24 }));
  const snapshot = useStoreSnapshot(store);
  useEffect(() => { store.bindExit(exit); }, [store, exit]);

  // Load the lab runtime in the background once the map is up, so opening a lab is quick.
  useEffect(() => {
    const timer = setTimeout(() => { void import('./controller.js').catch(() => undefined); }, 0);
    return () => clearTimeout(timer);
  }, []);

  useTerminalResize(store.resize, !props.size);
  useRawInput(store.input);

  return (
    <UiActionsContext.Provider value={store}>
      <UiStateContext.Provider value={snapshot}>
        <App />
      </UiStateContext.Provider>
    </UiActionsContext.Provider>
  );
}
