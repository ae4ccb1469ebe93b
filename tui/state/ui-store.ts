/**
 * The full-screen UI's state container: the UI's own state (cursor, focus, panel, scroll,
 * overlays), the terminal's size and the open lab's controller. Keys go through the pure
 * reducer (../input.ts); this runs the effects it asks for, through controller methods only.
 * React reads a snapshot (`getSnapshot`, rebuilt on every change) and calls the actions;
 * see ./context.tsx. The lab runtime (engine, session, shell) is loaded only when a lab
 * opens, so the course map comes up fast.
 */
import type { CourseInfo, LoadedLab, ProgressStore } from '../../labs/index.js';
import type { ControllerOptions, LabController } from '../controller.js';
import { nextLab, nextLabText, orderLabs } from '../course.js';
import { DevReloader, type DevSource } from './dev-reload.js';
import { activityLines, devLines, lessonLines, traceLines } from '../components/lesson.js';
import { layoutFor, type Layout } from '../layout.js';
import type { Scope } from '../keys.js';
import type { Theme } from '../theme.js';
import {
  initialState,
  labOpened,
  reduceInput,
  scopeOf,
  stepChanged,
  type Effect,
  type InputContext,
  type LabFacts,
  type Panel,
  type UiState,
} from '../input.js';

export interface CourseUiProps {
  labs: LoadedLab[];
  store: ProgressStore;
  theme: Theme;
  noShell: boolean;
  workspaceRoot: string;
  notices: string[];
  /** The course manifest's paths and prerequisites, when the course has one. */
  info?: CourseInfo;
  /** Lets the process entry stop a running lab on SIGTERM. */
  onController?: (c: LabController | null) => void;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: { cols: number; rows: number };
  /** Passed to each lab controller (tests). */
  controllerOptions?: Partial<ControllerOptions>;
  /** `vault-lab dev`: the one lab opens at once and follows its file (see ../dev.ts). */
  dev?: DevSource;
}

export type { DevLoad, DevSource } from './dev-reload.js';

/** What the screens read: the UI state, the course, the open lab and the layout. */
export interface UiSnapshot extends UiState {
  /** In display order. */
  labs: LoadedLab[];
  progress: ProgressStore;
  theme: Theme;
  noShell: boolean;
  notices: string[];
  info?: CourseInfo;
  /** `vault-lab dev`: the file's state (reloaded, or its problems with the last good lab kept). */
  dev: string[];
  controller: LabController | null;
  scope: Exclude<Scope, 'any'>;
  cols: number;
  rows: number;
  layout: Layout;
}

/** What the UI may ask of the container. */
export interface UiActions {
  /** Raw terminal input, as read. */
  input(chunk: string): void;
  resize(cols: number, rows: number): void;
}

/** The open lab as the input reducer sees it. */
export function factsOf(c: LabController): LabFacts {
  const q = c.quiz;
  return {
    id: c.id,
    state: c.state,
    shell: !!c.pty,
    shellEnded: c.shellEnded,
    quiz: q ? { typed: q.typed, answered: !!q.feedback } : null,
    finished: c.session.finished,
    hasQuiz: c.hasQuiz,
  };
}

export class UiStore implements UiActions {
  labs: LoadedLab[];
  private devLines: string[] = [];
  private ui: UiState;
  private controller: LabController | null = null;
  private stepIndex: number | undefined;
  private openError = '';
  private quitting = false;
  private opening = false;
  private exit: () => void = () => undefined;
  private snapshot: UiSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly props: CourseUiProps,
    private dims: { cols: number; rows: number },
  ) {
    this.labs = orderLabs(props.labs);
    this.ui = initialState(this.labFacts());
    this.snapshot = this.build();
    if (props.dev) {
      const dev = props.dev;
      const reloader = new DevReloader(dev, {
        current: () => this.controller,
        replace: (l) => {
          this.labs = [l];
          this.controller = null;
        },
        open: (l, extra) => this.openLab(l, false, extra),
        keepView: () => {
          const keep = this.ui;
          return () => {
            this.ui = { ...this.ui, panel: keep.panel, focus: keep.focus };
            this.controller?.setTracing(keep.panel === 'trace');
          };
        },
        show: (lines) => {
          this.devLines = lines;
          this.changed();
        },
        lines: () => this.devLines,
        sessionOptions: () => this.props.controllerOptions?.sessionOptions ?? {},
      });
      dev.subscribe((l) => reloader.onLoad(l));
      queueMicrotask(() => void this.openLab(this.labs[0], false, { workspaceRoot: dev.workspaceFor(0) }));
    }
  }

  /** Ink's exit, called once the open lab has stopped after a quit. */
  bindExit(exit: () => void) {
    this.exit = exit;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): UiSnapshot => this.snapshot;

  input = (chunk: string): void => {
    const before = this.ui;
    let rest = chunk;
    while (rest.length) {
      // The lab is read again for every part: an effect may have changed it (a question answered).
      const r = reduceInput(this.ui, rest, this.context());
      this.ui = r.state;
      rest = r.rest;
      for (const e of r.effects) this.run(e);
    }
    this.controller?.setTracing(this.ui.panel === 'trace');
    if (this.ui !== before) this.changed();
  };

  resize = (cols: number, rows: number): void => {
    if (cols === this.dims.cols && rows === this.dims.rows) return;
    this.dims = { cols, rows };
    const layout = this.layout();
    this.controller?.resize(layout.shellCols, layout.ptyRows);
    this.changed();
  };

  /** The split for the terminal's size and what the panes hold now (see ../layout.ts). */
  private layout(): Layout {
    const { cols, rows } = this.dims;
    const { noShell } = this.props;
    const base = layoutFor(cols, rows, noShell);
    const c = this.controller;
    if (c?.state !== 'ready' || base.side || noShell) return base;
    return layoutFor(cols, rows, noShell, {
      lessonLines: this.paneLines(c, this.ui.panel, base.lessonCols).length,
      shellUsed: c.pty?.usedRows() ?? 0,
      shellFull: c.pty?.fullScreen ?? false,
    });
  }

  private paneLines(c: LabController, panel: Panel, lessonCols: number): string[] {
    const { theme } = this.props;
    const lines =
      panel === 'activity'
        ? activityLines(c.activity(), theme)
        : panel === 'trace'
          ? traceLines(c, theme)
          : lessonLines(c, lessonCols - 1, theme);
    return panel === 'activity' ? lines : [...devLines(this.devLines, lessonCols - 1, theme), ...lines];
  }

  private labFacts(): InputContext['labs'] {
    return this.labs.map((l) => ({
      id: l.lab.id,
      inProgress: this.props.store.lab(l.lab.id).status === 'in-progress',
    }));
  }

  private context(): InputContext {
    const c = this.controller;
    return {
      labs: this.labFacts(),
      noShell: this.props.noShell,
      lessonRows: this.layout().lessonRows,
      lab: c ? factsOf(c) : null,
      maxScroll: (panel) => this.maxScroll(panel),
    };
  }

  private maxScroll(panel: Panel): number {
    const c = this.controller;
    if (!c) return 0;
    const layout = this.layout();
    return Math.max(0, this.paneLines(c, panel, layout.lessonCols).length - layout.lessonRows);
  }

  private run(e: Effect): void {
    const c = this.controller;
    switch (e.type) {
      case 'quit':
        void this.quit();
        return;
      case 'open': {
        const l = this.labs[e.index];
        if (l) void this.openLab(l, e.resume);
        return;
      }
      case 'close':
        void this.close();
        return;
      case 'scrollToEnd':
        this.ui = { ...this.ui, scroll: this.maxScroll('lesson') };
        return;
      default:
        break;
    }
    if (!c) return;
    switch (e.type) {
      case 'shell':
        c.input(e.data);
        break;
      case 'restartShell':
        c.restartShell();
        break;
      case 'hint':
        c.revealHint();
        break;
      case 'solution':
        c.showSolution();
        break;
      case 'reset':
        void c.resetStep();
        break;
      case 'skip':
        void c.skipStep();
        break;
      case 'advance':
        void c.advanceClock();
        break;
      case 'startQuiz':
        c.startQuiz();
        break;
      case 'leaveQuiz':
        c.leaveQuiz();
        break;
      case 'quizChoose':
        c.quizChoose(e.how);
        break;
      case 'quizType':
        c.quizType(e.text);
        break;
      case 'quizSubmit':
        void c.quizSubmit().then((over) => {
          if (!e.resultsWhenOver || !over || this.controller !== c) return;
          this.ui = { ...this.ui, resultsFor: c.id };
          this.changed();
        });
        break;
    }
  }

  private async quit() {
    if (this.quitting) return;
    this.quitting = true;
    await this.controller?.stop();
    this.exit();
  }

  private async openLab(
    l: LoadedLab,
    resume: boolean,
    extra: Partial<ControllerOptions> = {},
  ): Promise<LabController | undefined> {
    if (this.opening) return;
    this.opening = true;
    try {
      let mod: typeof import('../controller.js');
      try {
        mod = await import('../controller.js');
      } catch (e) {
        const why = (e as Error).message.split('\n')[0];
        this.openError = `Could not load the lab runtime (${why}). Was vault-lab updated while it ran? Restart it.`;
        this.changed();
        return;
      }
      this.openError = '';
      const { noShell, store, workspaceRoot, controllerOptions } = this.props;
      const layout = this.layout();
      const c = new mod.LabController(l, {
        cols: layout.shellCols,
        shellRows: layout.ptyRows,
        noShell,
        store,
        workspaceRoot,
        resume,
        suggestNext: () => nextLabText(nextLab(this.props.info, this.labs, store, l.lab.id)),
        ...(controllerOptions ?? {}),
        ...extra,
      });
      c.on('update', () => this.onUpdate(c));
      this.controller = c;
      this.props.onController?.(c);
      this.stepIndex = c.session.stepIndex;
      this.ui = labOpened(this.ui, noShell);
      c.setTracing(this.ui.panel === 'trace');
      this.changed();
      void c.start();
      return c;
    } finally {
      this.opening = false;
    }
  }

  private async close() {
    const c = this.controller;
    this.controller = null;
    this.props.onController?.(null);
    this.stepIndex = undefined;
    this.ui = stepChanged({ ...this.ui, resultsFor: null });
    this.changed();
    await c?.stop();
  }

  private onUpdate(c: LabController) {
    if (c !== this.controller) return;
    // Back to the top of the lesson when the step changes.
    if (c.session.stepIndex !== this.stepIndex) {
      this.stepIndex = c.session.stepIndex;
      this.ui = stepChanged(this.ui);
    }
    this.changed();
  }

  private changed() {
    this.snapshot = this.build();
    for (const l of [...this.listeners]) l();
  }

  private build(): UiSnapshot {
    const { store, theme, noShell, notices } = this.props;
    const c = this.controller;
    return {
      ...this.ui,
      labs: this.labs,
      progress: store,
      theme,
      noShell,
      info: this.props.info,
      dev: this.devLines,
      notices: this.openError ? [...notices, this.openError] : notices,
      controller: c,
      scope: scopeOf(this.ui, c ? factsOf(c) : null),
      cols: this.dims.cols,
      rows: this.dims.rows,
      layout: this.layout(),
    };
  }
}
