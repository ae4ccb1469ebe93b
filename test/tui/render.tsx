/**
 * The one render helper for every UI test: renders an element with ink-testing-library,
 * presses keys the way a terminal sends them, waits for frames, and cleans up (lab
 * engines included) when the test ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type React from 'react';
import { render } from 'ink-testing-library';
import { onTestFinished } from 'vitest';
import { CourseUi } from '../../tui/root.js';
import { loadLabDir, type LoadedLab } from '../../labs/format/load.js';
import { ProgressStore } from '../../labs/runtime/progress.js';
import { NO_COLOR_THEME, type Theme } from '../../tui/theme.js';
import type { LabController } from '../../tui/controller.js';
import { ROOT } from '../support/engine.js';

export const FIXTURE_COURSE = path.join(ROOT, 'test', 'tui', 'fixtures', 'course');
export const SHIPPED_COURSE = path.join(ROOT, 'content', 'labs');

export interface Ui {
  frame(): string;
  frames: string[];
  /** Writes keys one at a time, letting Ink read each (it keeps one pending chunk). */
  press(...keys: string[]): Promise<void>;
  /** Writes one chunk as a terminal would on a paste or fast typing. */
  type(chunk: string): Promise<void>;
  /** Writes at once, without waiting for the UI (several reads in a row). */
  write(chunk: string): void;
  waitFor(what: string | RegExp | (() => boolean), ms?: number): Promise<string>;
  unmount(): void;
}

export function renderUi(tree: React.ReactElement): Ui {
  const r = render(tree);
  let unmounted = false;
  const ui: Ui = {
    frame: () => r.lastFrame() ?? '',
    get frames() {
      return r.frames;
    },
    async press(...keys) {
      for (const k of keys) {
        r.stdin.write(k);
        await new Promise((res) => setTimeout(res, 30));
      }
    },
    async type(chunk) {
      r.stdin.write(chunk);
      await new Promise((res) => setTimeout(res, 30));
    },
    write(chunk) {
      r.stdin.write(chunk);
    },
    async waitFor(what, ms = 15_000) {
      const t0 = Date.now();
      const ok = () =>
        typeof what === 'function'
          ? what()
          : typeof what === 'string'
            ? ui.frame().includes(what)
            : what.test(ui.frame());
      while (!ok()) {
        if (Date.now() - t0 > ms)
          throw new Error(`timed out waiting for ${String(what)}; the frame was:\n${ui.frame()}`);
        await new Promise((res) => setTimeout(res, 25));
      }
      return ui.frame();
    },
    unmount() {
      if (!unmounted) {
        unmounted = true;
        r.unmount();
      }
    },
  };
  onTestFinished(() => ui.unmount());
  return ui;
}

export interface RenderedCourse extends Ui {
  labs: LoadedLab[];
  store: ProgressStore;
  data: string;
  controller(): LabController | null;
}

/** The whole App over a course folder, with its own data dir (progress, workspaces). */
export function renderCourse(
  opts: {
    labsDir?: string;
    cols?: number;
    rows?: number;
    noShell?: boolean;
    theme?: Theme;
    data?: string;
    notices?: string[];
  } = {},
): RenderedCourse {
  const data = opts.data ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vl-tui-'));
  const { labs } = loadLabDir(opts.labsDir ?? FIXTURE_COURSE);
  const store = new ProgressStore(data).load();
  let controller: LabController | null = null;
  const controllers: LabController[] = [];
  const ui = renderUi(
    <CourseUi
      labs={labs}
      store={store}
      theme={opts.theme ?? NO_COLOR_THEME}
      noShell={opts.noShell ?? false}
      workspaceRoot={path.join(data, 'ws')}
      notices={opts.notices ?? []}
      onController={(c) => {
        controller = c;
        if (c) controllers.push(c);
      }}
      size={{ cols: opts.cols ?? 80, rows: opts.rows ?? 24 }}
    />,
  );
  onTestFinished(async () => {
    for (const c of controllers) await c.stop();
  });
  return Object.assign(ui, { labs, store, data, controller: () => controller });
}

/** Every line of a frame fits the width (the layout never wraps at 80 columns). */
export function widest(frame: string): number {
  // eslint-disable-next-line no-control-regex
  return Math.max(...frame.split('\n').map((l) => [...l.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')].length));
}
