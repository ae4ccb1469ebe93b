/**
 * Keybindings as data: the dispatcher, the footer hints, the help overlay and the plain
 * mode's command words all come from this one table.
 */
export type Scope = 'map' | 'lesson' | 'quiz' | 'results' | 'any';
export type Action =
  | 'focus'
  | 'quit'
  | 'up'
  | 'down'
  | 'open'
  | 'restart'
  | 'results'
  | 'hint'
  | 'solution'
  | 'reset'
  | 'skip'
  | 'advance'
  | 'activity'
  | 'trace'
  | 'quiz'
  | 'back'
  | 'help'
  | 'scrollUp'
  | 'scrollDown'
  | 'choose'
  | 'submit';

export interface Binding {
  action: Action;
  keys: string[];
  /** How the key is written in help and footers. */
  label: string;
  scope: Scope;
  description: string;
  /** The word that does the same in plain mode (`--plain`), if any. */
  word?: string;
  /** Shown in the one-line footer, in this short form. */
  footer?: string;
}

/** Raw input sequences as the terminal sends them. */
export const KEY = {
  ctrlC: '\u0003',
  ctrlD: '\u0004',
  ctrlBracket: '\u001d',
  up: '\u001b[A',
  down: '\u001b[B',
  enter: '\r',
  esc: '\u001b',
  pgUp: '\u001b[5~',
  pgDn: '\u001b[6~',
  f2: '\u001bOQ',
  space: ' ',
};

/** The one key that moves focus between the shell and the lesson. */
export const FOCUS_KEYS = [KEY.ctrlBracket, KEY.f2];
export const FOCUS_LABEL = 'Ctrl-] or F2';

export const BINDINGS: Binding[] = [
  {
    action: 'focus',
    keys: FOCUS_KEYS,
    label: FOCUS_LABEL,
    scope: 'lesson',
    description: 'move focus between the lesson and the shell',
    footer: '^] shell',
  },
  { action: 'up', keys: [KEY.up, 'k'], label: '↑ k', scope: 'map', description: 'previous lab' },
  { action: 'down', keys: [KEY.down, 'j'], label: '↓ j', scope: 'map', description: 'next lab' },
  {
    action: 'open',
    keys: [KEY.enter, '\n', KEY.space],
    label: 'Enter',
    scope: 'map',
    description: 'start the lab, or resume it where you left off',
    footer: 'Enter start/resume',
  },
  {
    action: 'restart',
    keys: ['x'],
    label: 'x',
    scope: 'map',
    description: 'start the lab over from its first step',
    footer: 'x start over',
  },
  {
    action: 'results',
    keys: ['v'],
    label: 'v',
    scope: 'map',
    description: 'show your results for the lab',
    footer: 'v results',
  },
  {
    action: 'hint',
    keys: ['h'],
    label: 'h',
    scope: 'lesson',
    description: 'reveal the next hint (hints used are recorded)',
    word: 'hint',
    footer: 'h hint',
  },
  {
    action: 'solution',
    keys: ['s'],
    label: 's',
    scope: 'lesson',
    description: 'show the solution (recorded)',
    word: 'solution',
    footer: 's solution',
  },
  {
    action: 'reset',
    keys: ['r'],
    label: 'r',
    scope: 'lesson',
    description: 'reset this step: the engine goes back to how it was when the step began',
    word: 'reset',
    footer: 'r reset',
  },
  {
    action: 'skip',
    keys: ['n'],
    label: 'n',
    scope: 'lesson',
    description: 'skip this step (its solution is applied for you)',
    word: 'skip',
    footer: 'n skip',
  },
  {
    action: 'advance',
    keys: ['t'],
    label: 't',
    scope: 'lesson',
    description: 'advance the engine clock by 1h (TTLs and leases expire)',
    word: 'advance',
    footer: 't +1h',
  },
  {
    action: 'activity',
    keys: ['a'],
    label: 'a',
    scope: 'lesson',
    description: 'show or hide the activity feed: your requests and why each was allowed or denied',
    word: 'activity',
    footer: 'a feed',
  },
  {
    action: 'trace',
    keys: ['c'],
    label: 'c',
    scope: 'lesson',
    description: 'show or hide the check trace: every check of this step, what it read, why it passes or fails',
    word: 'trace',
  },
  {
    action: 'quiz',
    keys: ['z'],
    label: 'z',
    scope: 'lesson',
    description: 'take the quiz (once the lab is complete)',
    word: 'quiz',
  },
  {
    action: 'scrollUp',
    keys: [KEY.up, KEY.pgUp, 'k'],
    label: '↑ PgUp',
    scope: 'lesson',
    description: 'scroll the lesson (or the activity feed) up',
  },
  {
    action: 'scrollDown',
    keys: [KEY.down, KEY.pgDn, 'j'],
    label: '↓ PgDn',
    scope: 'lesson',
    description: 'scroll the lesson (or the activity feed) down',
  },
  {
    action: 'back',
    keys: [KEY.esc, 'b'],
    label: 'Esc',
    scope: 'lesson',
    description: "back to the course map (stops this lab's engine)",
    word: 'back',
  },
  {
    action: 'choose',
    keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9', KEY.up, KEY.down, KEY.space],
    label: '1-9 ↑↓',
    scope: 'quiz',
    description: 'pick a choice (Space toggles one in a multiple-choice question)',
  },
  {
    action: 'submit',
    keys: [KEY.enter],
    label: 'Enter',
    scope: 'quiz',
    description: 'answer, then go on to the next question',
    footer: 'Enter answer/next',
  },
  {
    action: 'back',
    keys: [KEY.esc],
    label: 'Esc',
    scope: 'quiz',
    description: 'leave the quiz',
    footer: 'Esc leave quiz',
  },
  {
    action: 'back',
    keys: [KEY.enter, KEY.esc, 'b'],
    label: 'Enter',
    scope: 'results',
    description: 'back to the course map',
    footer: 'Enter course map',
  },
  {
    action: 'help',
    keys: ['?'],
    label: '?',
    scope: 'any',
    description: 'show these keys',
    word: 'help',
    footer: '? help',
  },
  {
    action: 'quit',
    keys: ['q', KEY.ctrlC],
    label: 'q Ctrl-C',
    scope: 'any',
    description: 'quit: stops the engine and restores your terminal',
    word: 'quit',
    footer: 'q quit',
  },
];

/** The action a key means in a scope, if any. */
export function actionFor(input: string, scope: Exclude<Scope, 'any'>): Action | undefined {
  return BINDINGS.find((b) => (b.scope === scope || b.scope === 'any') && b.keys.includes(input))?.action;
}

/** Bindings that apply in a scope, in table order. */
export function bindingsFor(scope: Exclude<Scope, 'any'>): Binding[] {
  return BINDINGS.filter((b) => b.scope === scope || b.scope === 'any');
}

/** The one-line footer for a scope. */
export function hintLine(scope: Exclude<Scope, 'any'>): string {
  const seen = new Set<string>();
  return bindingsFor(scope)
    .filter((b) => b.footer)
    .filter((b) => {
      if (seen.has(b.action)) return false;
      seen.add(b.action);
      return true;
    })
    .map((b) => b.footer)
    .join('  ');
}

/** The help overlay's lines for a scope: key, then what it does. */
export function helpLines(scope: Exclude<Scope, 'any'>): Array<{ key: string; description: string }> {
  return bindingsFor(scope).map((b) => ({ key: b.label, description: b.description }));
}

/** Plain mode: the action a typed word means. */
export function actionForWord(word: string): Action | undefined {
  const w = word.trim().toLowerCase();
  return BINDINGS.find((b) => b.word === w)?.action;
}

/** Plain mode's command list, from the same table. */
export function wordHelp(): Array<{ word: string; description: string }> {
  const seen = new Set<string>();
  return BINDINGS.filter((b) => b.word && !seen.has(b.word) && seen.add(b.word)).map((b) => ({
    word: b.word!,
    description: b.description,
  }));
}
