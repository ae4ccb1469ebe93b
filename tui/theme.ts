/**
 * Semantic colour tokens; components never hard-code colours. Three themes: dark and
 * light terminals, and none at all (`NO_COLOR`). Text that is built as strings (the
 * lesson, the shell) is painted with `paint`, which speaks the same tokens.
 */
export type Tone =
  | 'primary'
  | 'secondary'
  | 'accent'
  | 'title'
  | 'ok'
  | 'fail'
  | 'pending'
  | 'warn'
  | 'code'
  | 'focused'
  | 'idle';

export interface Theme {
  name: 'dark' | 'light' | 'none';
  text: { primary?: string; secondary?: string; accent?: string; title?: string; code?: string };
  status: { ok?: string; fail?: string; pending?: string; warn?: string };
  border: { focused?: string; idle?: string };
  color: boolean;
}

export const DARK: Theme = {
  name: 'dark',
  text: { primary: undefined, secondary: 'gray', accent: 'cyan', title: 'cyanBright', code: 'yellow' },
  status: { ok: 'green', fail: 'red', pending: 'yellow', warn: 'yellow' },
  border: { focused: 'cyan', idle: 'gray' },
  color: true,
};

/** On a light background: no bright or pale colours, which wash out on white. */
export const LIGHT: Theme = {
  name: 'light',
  text: { primary: undefined, secondary: 'gray', accent: 'blue', title: 'blue', code: 'magenta' },
  status: { ok: 'green', fail: 'red', pending: 'magenta', warn: 'magenta' },
  border: { focused: 'blue', idle: 'gray' },
  color: true,
};

export const NO_COLOR_THEME: Theme = { name: 'none', text: {}, status: {}, border: {}, color: false };

/**
 * `NO_COLOR` (any non-empty value) turns colour off; `VAULT_LAB_THEME=light|dark` picks a
 * theme; otherwise `COLORFGBG` (set by many terminals, "fg;bg") tells a light background.
 */
export function pickTheme(env: NodeJS.ProcessEnv = process.env): Theme {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return NO_COLOR_THEME;
  const asked = env.VAULT_LAB_THEME?.toLowerCase();
  if (asked === 'light') return LIGHT;
  if (asked === 'dark') return DARK;
  if (asked === 'none') return NO_COLOR_THEME;
  const bg = Number(env.COLORFGBG?.split(';').pop());
  if (Number.isInteger(bg) && (bg === 7 || bg >= 9)) return LIGHT;
  return DARK;
}

const SGR: Record<string, string> = {
  black: '30',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
  white: '37',
  gray: '90',
  redBright: '91',
  greenBright: '92',
  yellowBright: '93',
  blueBright: '94',
  magentaBright: '95',
  cyanBright: '96',
  whiteBright: '97',
};

export function colorOf(theme: Theme, tone: Tone): string | undefined {
  switch (tone) {
    case 'ok':
    case 'fail':
    case 'pending':
    case 'warn':
      return theme.status[tone];
    case 'focused':
    case 'idle':
      return theme.border[tone];
    default:
      return theme.text[tone];
  }
}

/** Wraps text in the tone's ANSI colour (and bold if asked); plain text when the theme has no colour. */
export function paint(
  theme: Theme,
  tone: Tone | null,
  text: string,
  style: { bold?: boolean; italic?: boolean; underline?: boolean } = {},
): string {
  if (!theme.color || !text) return text;
  const codes: string[] = [];
  if (style.bold) codes.push('1');
  if (style.italic) codes.push('3');
  if (style.underline) codes.push('4');
  const c = tone ? colorOf(theme, tone) : undefined;
  if (c && SGR[c]) codes.push(SGR[c]);
  return codes.length ? `\u001b[${codes.join(';')}m${text}\u001b[0m` : text;
}
