/**
 * The course UI as Ink renders it: creates the state container, provides its state and
 * actions to the screens, and connects it to the terminal (keys, size, quitting).
 */
import { useEffect, useState } from 'react';
import { useApp, useStdout } from 'ink';
import { useRawInput, useTerminalResize } from './terminal.js';
import { App } from './app.js';
import { UiStore, type CourseUiProps } from './state/ui-store.js';
import { UiActionsContext, UiStateContext, useStoreSnapshot, useUiActions } from './state/context.js';

export type { CourseUiProps } from './state/ui-store.js';

export function CourseUi(props: CourseUiProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [store] = useState(() => {
    const size = props.size ?? { cols: stdout.columns ?? 80, rows: stdout.rows ?? 24 };
    return new UiStore(props, size);
  });
  const snapshot = useStoreSnapshot(store);
  useEffect(() => {
    store.bindExit(exit);
  }, [store, exit]);

  // Load the lab runtime in the background once the map is up, so opening a lab is quick.
  useEffect(() => {
    const timer = setTimeout(() => {
      void import('./controller.js').catch(() => undefined);
    }, 0);
    return () => clearTimeout(timer);
  }, []);

  return (
    <UiActionsContext.Provider value={store}>
      <UiStateContext.Provider value={snapshot}>
        <TerminalBridge followResize={!props.size} />
        <App />
      </UiStateContext.Provider>
    </UiActionsContext.Provider>
  );
}

/** Hands the terminal's keys and size changes to the UI's actions; draws nothing. */
function TerminalBridge({ followResize }: { followResize: boolean }) {
  const actions = useUiActions();
  useTerminalResize(actions.resize, followResize);
  useRawInput(actions.input);
  return null;
}
