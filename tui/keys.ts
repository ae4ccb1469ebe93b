/** Keybindings as data: the dispatcher and the help text both come from this table. */
export type Scope = 'map' | 'lesson' | 'shell' | 'any';
export type Action = 'focus' | 'quit' | 'up' | 'down' | 'open' | 'hint' | 'solution' | 'reset' | 'skip' | 'back' | 'help' | 'scrollUp' | 'scrollDown' | 'advance';

export interface Binding { action: Action; keys: string[]; label: string; scope: Scope; description: string }

/** Raw input sequences as the terminal sends them. */
export const KEY = { ctrlC: '\u0003', ctrlBracket: '\u001d', up: '\u001b[A', down: '\u001b[B', enter: '\r', esc: '\u001b', pgUp: '\u001b[5~', pgDn: '\u001b[6~', f2: '\u001bOQ' };

export const BINDINGS: Binding[] = [
  { action: 'focus', keys: [KEY.ctrlBracket, KEY.f2], label: 'Ctrl-]', scope: 'any', description: 'switch focus between the lesson and the shell' },
  { action: 'quit', keys: ['q', KEY.ctrlC], label: 'q', scope: 'lesson', description: 'quit (stops the engine and restores your terminal)' },
  { action: 'quit', keys: ['q', KEY.ctrlC], label: 'q', scope: 'map', description: 'quit' },
  { action: 'up', keys: [KEY.up, 'k'], label: '↑', scope: 'map', description: 'previous lab' },
  { action: 'down', keys: [KEY.down, 'j'], label: '↓', scope: 'map', description: 'next lab' },
  { action: 'open', keys: [KEY.enter, '\n', ' '], label: 'Enter', scope: 'map', description: 'start the lab' },
  { action: 'hint', keys: ['h'], label: 'h', scope: 'lesson', description: 'reveal the next hint' },
  { action: 'solution', keys: ['s'], label: 's', scope: 'lesson', description: 'show the solution' },
  { action: 'reset', keys: ['r'], label: 'r', scope: 'lesson', description: 'reset this step (the engine goes back to how it was when the step began)' },
  { action: 'skip', keys: ['n'], label: 'n', scope: 'lesson', description: 'skip this step (its solution is applied for you)' },
  { action: 'advance', keys: ['t'], label: 't', scope: 'lesson', description: 'advance the engine clock by one hour' },
  { action: 'scrollUp', keys: [KEY.up, KEY.pgUp, 'k'], label: '↑', scope: 'lesson', description: 'scroll the lesson up' },
  { action: 'scrollDown', keys: [KEY.down, KEY.pgDn, 'j'], label: '↓', scope: 'lesson', description: 'scroll the lesson down' },
  { action: 'back', keys: [KEY.esc, 'b'], label: 'Esc', scope: 'lesson', description: 'back to the course map' },
  { action: 'help', keys: ['?'], label: '?', scope: 'lesson', description: 'show the keys' },
  { action: 'help', keys: ['?'], label: '?', scope: 'map', description: 'show the keys' },
];

/** The action a key means in a scope, if any. */
export function actionFor(input: string, scope: Exclude<Scope, 'any'>): Action | undefined {
  return BINDINGS.find((b) => (b.scope === scope || b.scope === 'any') && b.keys.includes(input))?.action;
}

export function hintLine(scope: Exclude<Scope, 'any'>): string {
  const seen = new Set<string>();
  return BINDINGS.filter((b) => (b.scope === scope || b.scope === 'any') && !['up', 'down', 'scrollUp', 'scrollDown'].includes(b.action))
    .filter((b) => (seen.has(b.action) ? false : (seen.add(b.action), true)))
    .map((b) => `${b.label} ${b.action}`).join(' · ');
}
