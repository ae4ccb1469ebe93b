/** The input reducer on its own: every screen's keys, focus switching, the shell pass-through, the quiz. */
import { describe, expect, it } from 'vitest';
import { KEY } from './keys.js';
import {
  initialState,
  labOpened,
  reduceAll,
  reduceInput,
  reduceKey,
  scopeOf,
  splitKey,
  stepChanged,
  unfinishedEscape,
  type InputContext,
  type LabFacts,
  type UiState,
} from './input.js';

const LABS = [
  { id: 'a', inProgress: false },
  { id: 'b', inProgress: true },
  { id: 'c', inProgress: false },
];
const MAP: UiState = { selected: 0, focus: 'shell', panel: 'lesson', scroll: 0, help: false, resultsFor: null };

function lab(over: Partial<LabFacts> = {}): LabFacts {
  return {
    id: 'a',
    state: 'ready',
    shell: true,
    shellEnded: false,
    quiz: null,
    finished: false,
    hasQuiz: true,
    ...over,
  };
}
function ctx(over: Partial<InputContext> = {}): InputContext {
  return {
    labs: LABS,
    noShell: false,
    lessonRows: 5,
    lab: null,
    maxScroll: (p) => (p === 'lesson' ? 12 : 30),
    ...over,
  };
}
const key = (state: UiState, k: string, c: InputContext) => reduceKey(state, k, c);
const effects = (state: UiState, k: string, c: InputContext) => key(state, k, c).effects.map((e) => e.type);

describe('the course map', () => {
  it('starts on the lab in progress, else the first', () => {
    expect(initialState(LABS).selected).toBe(1);
    expect(initialState([{ id: 'x', inProgress: false }]).selected).toBe(0);
  });

  it('moves the cursor with arrows and j/k, within the list', () => {
    const c = ctx();
    expect(key(MAP, KEY.down, c).state.selected).toBe(1);
    expect(key(MAP, 'j', c).state.selected).toBe(1);
    expect(key(MAP, KEY.up, c).state.selected).toBe(0);
    expect(key({ ...MAP, selected: 2 }, 'k', c).state.selected).toBe(1);
    expect(key({ ...MAP, selected: 2 }, KEY.down, c).state.selected).toBe(2);
  });

  it('opens a lab, resuming the one in progress; x starts it over', () => {
    const c = ctx();
    expect(key(MAP, KEY.enter, c).effects).toEqual([{ type: 'open', index: 0, resume: false }]);
    expect(key({ ...MAP, selected: 1 }, KEY.enter, c).effects).toEqual([{ type: 'open', index: 1, resume: true }]);
    expect(key({ ...MAP, selected: 1 }, KEY.space, c).effects).toEqual([{ type: 'open', index: 1, resume: true }]);
    expect(key({ ...MAP, selected: 1 }, 'x', c).effects).toEqual([{ type: 'open', index: 1, resume: false }]);
  });

  it('shows results with v, help with ?, quits with q or Ctrl-C, ignores other keys', () => {
    const c = ctx();
    expect(key({ ...MAP, selected: 2 }, 'v', c).state.resultsFor).toBe('c');
    expect(key(MAP, '?', c).state.help).toBe(true);
    expect(effects(MAP, 'q', c)).toEqual(['quit']);
    expect(effects(MAP, KEY.ctrlC, c)).toEqual(['quit']);
    expect(key(MAP, 'h', c)).toEqual({ state: MAP, effects: [] });
  });
});

describe('overlays', () => {
  it('help closes on any key, and the key does nothing else', () => {
    const shown = { ...MAP, help: true };
    expect(key(shown, 'q', ctx())).toEqual({ state: MAP, effects: [] });
    expect(key(shown, KEY.enter, ctx())).toEqual({ state: MAP, effects: [] });
  });

  it('results go back to the map; over an open lab, back also closes the lab', () => {
    const shown = { ...MAP, resultsFor: 'a' };
    expect(scopeOf(shown, lab())).toBe('results');
    expect(key(shown, KEY.enter, ctx())).toEqual({ state: MAP, effects: [] });
    expect(key(shown, 'b', ctx({ lab: lab() }))).toEqual({ state: MAP, effects: [{ type: 'close' }] });
    expect(effects(shown, 'q', ctx())).toEqual(['quit']);
    expect(key(shown, '?', ctx()).state.help).toBe(true);
    expect(key(shown, 'x', ctx())).toEqual({ state: shown, effects: [] });
  });
});

describe('the lab screen', () => {
  const inShell = labOpened(MAP, false);
  const inLesson: UiState = { ...inShell, focus: 'lesson' };

  it('opens with the shell focused, or the lesson without a shell', () => {
    expect(labOpened({ ...MAP, panel: 'activity', scroll: 4 }, false)).toMatchObject({
      focus: 'shell',
      panel: 'lesson',
      scroll: 0,
    });
    expect(labOpened(MAP, true).focus).toBe('lesson');
    expect(stepChanged({ ...inLesson, scroll: 7 }).scroll).toBe(0);
  });

  it('switches focus with Ctrl-] or F2, but not without a shell', () => {
    const c = ctx({ lab: lab() });
    expect(key(inShell, KEY.ctrlBracket, c).state.focus).toBe('lesson');
    expect(key(inLesson, KEY.ctrlBracket, c).state.focus).toBe('shell');
    expect(key(inShell, KEY.f2, c).state.focus).toBe('lesson');
    expect(key(inShell, KEY.f2, ctx({ lab: lab({ shell: false, state: 'starting' }) })).state.focus).toBe('shell');
    expect(key(inLesson, KEY.ctrlBracket, ctx({ lab: lab(), noShell: true })).state.focus).toBe('lesson');
  });

  it('sends a chunk to the shell whole, up to a focus key, which is then honoured', () => {
    const c = ctx({ lab: lab() });
    expect(reduceInput(inShell, 'vault status\r', c)).toEqual({
      state: inShell,
      effects: [{ type: 'shell', data: 'vault status\r' }],
      rest: '',
    });
    expect(reduceInput(inShell, `ls\r${KEY.ctrlBracket}h`, c).rest).toBe(`${KEY.ctrlBracket}h`);
    const all = reduceAll(inShell, `ls\r${KEY.ctrlBracket}hq`, c);
    expect(all.state.focus).toBe('lesson');
    expect(all.effects.map((e) => e.type)).toEqual(['shell', 'hint', 'scrollToEnd', 'quit']);
    // Arrows and Ctrl-C in the shell are the shell's.
    expect(reduceAll(inShell, `${KEY.up}${KEY.ctrlC}q`, c).effects).toEqual([
      { type: 'shell', data: `${KEY.up}${KEY.ctrlC}q` },
    ]);
    expect(reduceAll(inShell, `x${KEY.f2}s`, c).effects.map((e) => e.type)).toEqual([
      'shell',
      'solution',
      'scrollToEnd',
    ]);
  });

  it('after the shell ends, Enter starts a new one and other keys are dropped', () => {
    const c = ctx({ lab: lab({ shellEnded: true }) });
    expect(reduceAll(inShell, 'ab\r', c).effects).toEqual([{ type: 'restartShell' }]);
  });

  it('while the lab starts, keys wait for the shell; Ctrl-C quits and Esc goes back', () => {
    const c = ctx({ lab: lab({ state: 'starting', shell: false }) });
    expect(reduceAll(inShell, 'ls', c).effects).toEqual([
      { type: 'shell', data: 'l' },
      { type: 'shell', data: 's' },
    ]);
    expect(effects(inShell, KEY.ctrlC, c)).toEqual(['quit']);
    expect(effects(inShell, KEY.esc, c)).toEqual(['close']);
    // A lab that failed to start takes lesson keys even with the shell focused.
    expect(effects(inShell, 'b', ctx({ lab: lab({ state: 'error', shell: false }) }))).toEqual(['close']);
  });

  it('lesson keys act only once the lab is ready', () => {
    const ready = ctx({ lab: lab() });
    const starting = ctx({ lab: lab({ state: 'starting' }), noShell: true });
    for (const [k, type] of [
      ['h', 'hint'],
      ['s', 'solution'],
      ['r', 'reset'],
      ['n', 'skip'],
      ['t', 'advance'],
    ] as const) {
      expect(effects(inLesson, k, ready)[0]).toBe(type);
      expect(effects(inLesson, k, starting)).toEqual([]);
    }
    expect(effects(inLesson, 'q', starting)).toEqual(['quit']);
    expect(effects(inLesson, KEY.esc, ready)).toEqual(['close']);
    expect(effects(inLesson, 'b', ready)).toEqual(['close']);
    expect(key(inLesson, '?', ready).state.help).toBe(true);
  });

  it('a hint or the solution brings the lesson back and scrolls to the new text', () => {
    const r = key({ ...inLesson, panel: 'activity' }, 'h', ctx({ lab: lab() }));
    expect(r.state.panel).toBe('lesson');
    expect(r.effects).toEqual([{ type: 'hint' }, { type: 'scrollToEnd' }]);
  });

  it('z opens the quiz once the lab is complete, or the results when it has none', () => {
    expect(effects(inLesson, 'z', ctx({ lab: lab() }))).toEqual([]);
    expect(effects(inLesson, 'z', ctx({ lab: lab({ finished: true }) }))).toEqual(['startQuiz']);
    const noQuiz = key(inLesson, 'z', ctx({ lab: lab({ finished: true, hasQuiz: false }) }));
    expect(noQuiz).toEqual({ state: { ...inLesson, resultsFor: 'a' }, effects: [] });
  });

  it('a toggles the activity feed from its newest entry', () => {
    const c = ctx({ lab: lab() });
    const feed = key({ ...inLesson, scroll: 3 }, 'a', c).state;
    expect(feed).toMatchObject({ panel: 'activity', scroll: 0 });
    expect(key(feed, 'a', c).state.panel).toBe('lesson');
  });

  it('scrolls the lesson down from the top and the feed back from the newest, by line or page, within bounds', () => {
    const c = ctx({ lab: lab() });
    expect(key(inLesson, 'j', c).state.scroll).toBe(1);
    expect(key(inLesson, KEY.pgDn, c).state.scroll).toBe(5);
    expect(key({ ...inLesson, scroll: 10 }, KEY.pgDn, c).state.scroll).toBe(12);
    expect(key({ ...inLesson, scroll: 3 }, KEY.pgUp, c).state.scroll).toBe(0);
    expect(key({ ...inLesson, scroll: 40 }, KEY.up, c).state.scroll).toBe(11); // clamped first
    const feed: UiState = { ...inLesson, panel: 'activity' };
    expect(key(feed, KEY.up, c).state.scroll).toBe(1);
    expect(key({ ...feed, scroll: 28 }, KEY.pgUp, c).state.scroll).toBe(30);
    expect(key({ ...feed, scroll: 2 }, KEY.pgDn, c).state.scroll).toBe(0);
  });
});

describe('the quiz', () => {
  const inQuiz: UiState = { ...MAP, focus: 'lesson' };
  const choice = ctx({ lab: lab({ finished: true, quiz: { typed: false, answered: false } }) });
  const typed = ctx({ lab: lab({ finished: true, quiz: { typed: true, answered: false } }) });

  it('is its own scope, whatever has focus', () => {
    expect(scopeOf(inQuiz, choice.lab)).toBe('quiz');
    expect(effects({ ...inQuiz, focus: 'shell' }, '2', choice)).toEqual(['quizChoose']);
  });

  it('picks choices by number, arrows and Space, and answers with Enter', () => {
    expect(key(inQuiz, '3', choice).effects).toEqual([{ type: 'quizChoose', how: 3 }]);
    expect(key(inQuiz, KEY.up, choice).effects).toEqual([{ type: 'quizChoose', how: 'up' }]);
    expect(key(inQuiz, KEY.down, choice).effects).toEqual([{ type: 'quizChoose', how: 'down' }]);
    expect(key(inQuiz, KEY.space, choice).effects).toEqual([{ type: 'quizChoose', how: 'toggle' }]);
    expect(key(inQuiz, KEY.enter, choice).effects).toEqual([{ type: 'quizSubmit', resultsWhenOver: true }]);
    expect(reduceAll(inQuiz, '2\r', choice).effects.map((e) => e.type)).toEqual(['quizChoose', 'quizSubmit']);
  });

  it('Esc leaves the quiz, q and Ctrl-C quit, ? shows help', () => {
    expect(effects(inQuiz, KEY.esc, choice)).toEqual(['leaveQuiz']);
    expect(effects(inQuiz, 'q', choice)).toEqual(['quit']);
    expect(effects(inQuiz, KEY.ctrlC, choice)).toEqual(['quit']);
    expect(key(inQuiz, '?', choice).state.help).toBe(true);
  });

  it('a typed answer takes every printable key, q and ? included, until Enter grades it', () => {
    expect(reduceAll(inQuiz, 'q?', typed).effects).toEqual([
      { type: 'quizType', text: 'q' },
      { type: 'quizType', text: '?' },
    ]);
    expect(key(inQuiz, '?', typed).state.help).toBe(false);
    expect(key(inQuiz, KEY.up, typed).effects).toEqual([]);
    expect(key(inQuiz, KEY.enter, typed).effects).toEqual([{ type: 'quizSubmit', resultsWhenOver: false }]);
    expect(effects(inQuiz, KEY.esc, typed)).toEqual(['leaveQuiz']);
    expect(effects(inQuiz, KEY.ctrlC, typed)).toEqual(['quit']);
    const answered = ctx({ lab: lab({ finished: true, quiz: { typed: true, answered: true } }) });
    expect(effects(inQuiz, 'q', answered)).toEqual(['quit']);
    expect(key(inQuiz, KEY.enter, answered).effects).toEqual([{ type: 'quizSubmit', resultsWhenOver: true }]);
  });
});

describe('splitKey', () => {
  it('takes one escape sequence or one character', () => {
    expect(splitKey(`${KEY.up}x`)).toBe(KEY.up);
    expect(splitKey(`${KEY.pgDn}x`)).toBe(KEY.pgDn);
    expect(splitKey(`${KEY.f2}x`)).toBe(KEY.f2);
    expect(splitKey(KEY.esc)).toBe(KEY.esc);
    expect(splitKey('\u001bbx')).toBe('\u001bb');
    expect(splitKey('ab')).toBe('a');
    expect(splitKey('\u{1F600}!')).toBe('\u{1F600}');
  });
});

describe('unfinishedEscape', () => {
  it('finds an escape sequence the chunk does not finish', () => {
    expect(unfinishedEscape('abc')).toBe(-1);
    expect(unfinishedEscape(`ab${KEY.up}`)).toBe(-1);
    expect(unfinishedEscape(`ab${KEY.esc}`)).toBe(2);
    expect(unfinishedEscape('ab\u001b[')).toBe(2);
    expect(unfinishedEscape('\u001b[5')).toBe(0);
    expect(unfinishedEscape('\u001bO')).toBe(0);
    expect(unfinishedEscape(KEY.f2)).toBe(-1);
    expect(unfinishedEscape(`${KEY.esc}b`)).toBe(-1);
  });
});
