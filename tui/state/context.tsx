/**
 * The UI's two contexts, as gemini-cli has them: the state through one (a snapshot that
 * changes on every update), the actions through the other (stable for the UI's life).
 */
import { createContext, useContext, useEffect, useState } from 'react';
import type { UiActions, UiSnapshot, UiStore } from './ui-store.js';

export const UiStateContext = createContext<UiSnapshot | null>(null);
export const UiActionsContext = createContext<UiActions | null>(null);

/** The current UI snapshot; only inside the course UI. */
export function useUiState(): UiSnapshot {
  const s = useContext(UiStateContext);
  if (!s) throw new Error('useUiState: no UI state here (render inside <CourseUi>)');
  return s;
}

/** The UI's actions; only inside the course UI. */
export function useUiActions(): UiActions {
  const a = useContext(UiActionsContext);
  if (!a) throw new Error('useUiActions: no UI actions here (render inside <CourseUi>)');
  return a;
}

/** Re-renders on every change of the store, as a state update (batched like any other). */
export function useStoreSnapshot(store: UiStore): UiSnapshot {
  const [snapshot, setSnapshot] = useState(store.getSnapshot);
  useEffect(() => {
    const update = () => setSnapshot(store.getSnapshot());
    const off = store.subscribe(update);
    update(); // a change between the first render and now
    return off;
  }, [store]);
  return snapshot;
}
