/**
 * Keyboard input as a pure reducer over the key table (keys.ts): given the UI state, a chunk
 * of raw terminal input and what the open lab looks like now, it returns the next UI state,
 * the effects to run (on the lab controller, or quitting) and the input left over. No React,
 * no I/O: the state container (state/ui-store.ts) runs the effects, the tests call it directly.
 */
import { actionFor, FOCUS_KEYS, KEY, type Scope } from './keys.js';

export type Focus = 'lesson' | 'shell';
export type Panel = 'lesson' | 'activity' | 'trace';

/** What the UI itself keeps: everything else it shows comes from the lab controller. */
export interface UiState {
  /** The lab under the cursor on the course map (display order). */
  selected: number;
  focus: Focus;
  panel: Panel;
  /** Lesson: lines from the top; activity feed: lines back from the newest entry. */
  scroll: number;
  help: boolean;
  /** The lab whose results are shown, if any. */
  resultsFor: string | null;
}

/** The open lab as the reducer needs it, read from the controller before each key. */
export interface LabFacts {
  id: string;
  state: 'starting' | 'ready' | 'error';
  /** An embedded shell exists (it may have ended). */
  shell: boolean;
  shellEnded: boolean;
  /** The question on screen, if the quiz is open. */
  quiz: { typed: boolean; answered: boolean } | null;
  finished: boolean;
  hasQuiz: boolean;
}

export interface InputContext {
  /** The course map's labs, in display order. */
  labs: ReadonlyArray<{ id: string; inProgress: boolean }>;
  noShell: boolean;
  /** Rows of the lesson pane: PgUp and PgDn move by this much. */
  lessonRows: number;
  lab: LabFacts | null;
  /** How far a panel scrolls (its lines less the rows shown); asked only when scrolling. */
  maxScroll(panel: Panel): number;
}

export type QuizChoice = 'up' | 'down' | 'toggle' | number;

export type Effect =
  | { type: 'quit' }
  | { type: 'open'; index: number; resume: boolean }
  /** Stop the open lab and go back to the course map. */
  | { type: 'close' }
  | { type: 'shell'; data: string }
  | { type: 'restartShell' }
  | { type: 'hint' }
  | { type: 'solution' }
  | { type: 'reset' }
  | { type: 'skip' }
  | { type: 'advance' }
  | { type: 'startQuiz' }
  | { type: 'leaveQuiz' }
  | { type: 'quizChoose'; how: QuizChoice }
  | { type: 'quizType'; text: string }
  /** Grade or go on; with `resultsWhenOver`, show the results once the last question is done. */
  | { type: 'quizSubmit'; resultsWhenOver: boolean }
  /** Scroll the lesson to its end, once the effects before this one have run (newly revealed text). */
  | { type: 'scrollToEnd' };

export interface Reduced {
  state: UiState;
  effects: Effect[];
  /** Input not yet consumed: call again with it (the lab may have changed in between). */
  rest: string;
}

/** The first state: the cursor on the lab in progress, if any. */
export function initialState(labs: InputContext['labs']): UiState {
  const selected = Math.max(
    0,
    labs.findIndex((l) => l.inProgress),
  );
  return { selected, focus: 'shell', panel: 'lesson', scroll: 0, help: false, resultsFor: null };
}

/** A lab has opened: typing goes to its shell (or the lesson without one), from the top. */
export function labOpened(state: UiState, noShell: boolean): UiState {
  return { ...state, focus: noShell ? 'lesson' : 'shell', panel: 'lesson', scroll: 0 };
}

/** The step changed: back to the top of the lesson. */
export function stepChanged(state: UiState): UiState {
  return state.scroll === 0 ? state : { ...state, scroll: 0 };
}

/** Which part of the key table applies now. */
export function scopeOf(state: UiState, lab: LabFacts | null): Exclude<Scope, 'any'> {
  if (state.resultsFor) return 'results';
  if (lab?.quiz) return 'quiz';
  return lab ? 'lesson' : 'map';
}

/** The first key of a chunk: an escape sequence or one character. */
export function splitKey(s: string): string {
  if (s[0] !== '\u001b' || s.length === 1) return [...s][0];
  const m = /^\u001b(\[[0-9;?]*[ -/]*[@-~]|O.|.)/.exec(s);
  return m ? m[0] : s[0];
}

/**
 * Where an escape sequence that the chunk does not finish begins (-1 if none): a terminal
 * may split a key such as an arrow (ESC [ A) over two reads, and a lone ESC may be the Esc
 * key or the start of one. The caller holds that tail back until more input comes, or
 * briefly, as Ink's own input parser does.
 */
export function unfinishedEscape(s: string): number {
  const at = s.lastIndexOf('\u001b');
  if (at < 0) return -1;
  const tail = s.slice(at);
  if (tail === '\u001b' || tail === '\u001bO' || /^\u001b\[[0-9;?]*[ -/]*$/.test(tail)) return at;
  return -1;
}

/** Typing goes straight to the shell: it has focus, is up, and nothing covers it. */
function typingToShell(state: UiState, ctx: InputContext): boolean {
  const lab = ctx.lab;
  return (
    !!lab &&
    !ctx.noShell &&
    state.focus === 'shell' &&
    !state.help &&
    !state.resultsFor &&
    !lab.quiz &&
    lab.state === 'ready' &&
    !lab.shellEnded
  );
}

/**
 * Consumes the next part of a chunk. Text bound for the shell goes through whole (a paste,
 * fast typing) up to a focus key; anything else is taken one key at a time.
 */
export function reduceInput(state: UiState, chunk: string, ctx: InputContext): Reduced {
  if (typingToShell(state, ctx)) {
    const at = FOCUS_KEYS.map((k) => chunk.indexOf(k))
      .filter((x) => x >= 0)
      .sort((a, b) => a - b)[0];
    if (at === undefined) return { state, effects: [{ type: 'shell', data: chunk }], rest: '' };
    if (at > 0) return { state, effects: [{ type: 'shell', data: chunk.slice(0, at) }], rest: chunk.slice(at) };
  }
  const key = splitKey(chunk);
  return { ...reduceKey(state, key, ctx), rest: chunk.slice(key.length) };
}

/** A whole chunk against one context (tests; the container re-reads the lab between parts). */
export function reduceAll(state: UiState, chunk: string, ctx: InputContext): { state: UiState; effects: Effect[] } {
  const effects: Effect[] = [];
  let rest = chunk;
  while (rest.length) {
    const r = reduceInput(state, rest, ctx);
    state = r.state;
    effects.push(...r.effects);
    rest = r.rest;
  }
  return { state, effects };
}

const none = (state: UiState): Omit<Reduced, 'rest'> => ({ state, effects: [] });
const run = (state: UiState, ...effects: Effect[]): Omit<Reduced, 'rest'> => ({ state, effects });

/** One key. */
export function reduceKey(state: UiState, key: string, ctx: InputContext): Omit<Reduced, 'rest'> {
  // The help overlay closes on any key, which does nothing else.
  if (state.help) return none({ ...state, help: false });
  const scope = scopeOf(state, ctx.lab);
  if (scope === 'results') return resultsKey(state, key, ctx);
  if (scope === 'map') return mapKey(state, key, ctx);
  if (scope === 'quiz') return quizKey(state, key, ctx.lab!);
  return labKey(state, key, ctx, ctx.lab!);
}

function resultsKey(state: UiState, key: string, ctx: InputContext): Omit<Reduced, 'rest'> {
  const a = actionFor(key, 'results');
  if (a === 'quit') return run(state, { type: 'quit' });
  if (a === 'help') return none({ ...state, help: true });
  if (a === 'back') {
    const map = { ...state, resultsFor: null };
    return ctx.lab ? run(map, { type: 'close' }) : none(map);
  }
  return none(state);
}

function mapKey(state: UiState, key: string, ctx: InputContext): Omit<Reduced, 'rest'> {
  const a = actionFor(key, 'map');
  const l = ctx.labs[state.selected];
  switch (a) {
    case 'quit':
      return run(state, { type: 'quit' });
    case 'up':
      return none({ ...state, selected: Math.max(0, state.selected - 1) });
    case 'down':
      return none({ ...state, selected: Math.max(0, Math.min(ctx.labs.length - 1, state.selected + 1)) });
    case 'open':
      return l ? run(state, { type: 'open', index: state.selected, resume: l.inProgress }) : none(state);
    case 'restart':
      return l ? run(state, { type: 'open', index: state.selected, resume: false }) : none(state);
    case 'results':
      return l ? none({ ...state, resultsFor: l.id }) : none(state);
    case 'help':
      return none({ ...state, help: true });
    default:
      return none(state);
  }
}

function quizKey(state: UiState, key: string, lab: LabFacts): Omit<Reduced, 'rest'> {
  const q = lab.quiz!;
  if (key === KEY.ctrlC) return run(state, { type: 'quit' });
  if (key === KEY.esc) return run(state, { type: 'leaveQuiz' });
  // A typed answer takes every printable key (q and ? included) until it is graded.
  if (q.typed && !q.answered) {
    if (key === KEY.enter) return run(state, { type: 'quizSubmit', resultsWhenOver: false });
    if (!key.startsWith('\u001b')) return run(state, { type: 'quizType', text: key });
    return none(state);
  }
  const a = actionFor(key, 'quiz');
  if (a === 'quit') return run(state, { type: 'quit' });
  if (a === 'help') return none({ ...state, help: true });
  if (a === 'submit') return run(state, { type: 'quizSubmit', resultsWhenOver: true });
  if (a === 'choose') {
    const how: QuizChoice =
      key === KEY.up ? 'up' : key === KEY.down ? 'down' : key === KEY.space ? 'toggle' : Number(key);
    return run(state, { type: 'quizChoose', how });
  }
  return none(state);
}

function labKey(state: UiState, key: string, ctx: InputContext, lab: LabFacts): Omit<Reduced, 'rest'> {
  if (FOCUS_KEYS.includes(key)) {
    if (ctx.noShell || !lab.shell) return none(state);
    return none({ ...state, focus: state.focus === 'shell' ? 'lesson' : 'shell' });
  }
  if (state.focus === 'shell' && !ctx.noShell && lab.state !== 'error') {
    if (lab.state === 'ready') {
      if (!lab.shellEnded) return run(state, { type: 'shell', data: key });
      return key === KEY.enter ? run(state, { type: 'restartShell' }) : none(state);
    }
    // Still starting: Ctrl-C and Esc still work; other keys wait for the shell.
    if (key === KEY.ctrlC) return run(state, { type: 'quit' });
    if (key === KEY.esc) return run(state, { type: 'close' });
    return run(state, { type: 'shell', data: key });
  }
  const ready = lab.state === 'ready';
  const page = key === KEY.pgUp || key === KEY.pgDn ? ctx.lessonRows : 1;
  const a = actionFor(key, 'lesson');
  switch (a) {
    case 'quit':
      return run(state, { type: 'quit' });
    case 'back':
      return run(state, { type: 'close' });
    // Newly revealed text is at the end of the lesson: scroll it into view.
    case 'hint':
    case 'solution': {
      if (!ready) return none(state);
      return run({ ...state, panel: 'lesson' }, { type: a === 'hint' ? 'hint' : 'solution' }, { type: 'scrollToEnd' });
    }
    case 'reset':
      return ready ? run(state, { type: 'reset' }) : none(state);
    case 'skip':
      return ready ? run(state, { type: 'skip' }) : none(state);
    case 'advance':
      return ready ? run(state, { type: 'advance' }) : none(state);
    case 'activity':
      return none({ ...state, panel: state.panel === 'activity' ? 'lesson' : 'activity', scroll: 0 });
    case 'trace':
      return none({ ...state, panel: state.panel === 'trace' ? 'lesson' : 'trace', scroll: 0 });
    case 'quiz':
      if (!ready || !lab.finished) return none(state);
      return lab.hasQuiz ? run(state, { type: 'startQuiz' }) : none({ ...state, resultsFor: lab.id });
    // In the feed, scroll counts lines back from the newest entry.
    case 'scrollUp': {
      const max = ctx.maxScroll(state.panel);
      const scroll =
        state.panel === 'activity'
          ? Math.min(max, state.scroll + page)
          : Math.max(0, Math.min(state.scroll, max) - page);
      return none({ ...state, scroll });
    }
    case 'scrollDown': {
      const max = ctx.maxScroll(state.panel);
      const scroll = state.panel === 'activity' ? Math.max(0, state.scroll - page) : Math.min(max, state.scroll + page);
      return none({ ...state, scroll });
    }
    case 'help':
      return none({ ...state, help: true });
    default:
      return none(state);
  }
}
