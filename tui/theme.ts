/** Semantic colour tokens; components never hard-code colours. `NO_COLOR` selects the plain theme. */
export interface Theme {
  text: { primary?: string; secondary?: string; accent?: string; title?: string };
  status: { ok?: string; fail?: string; pending?: string; warn?: string };
  border: { focused?: string; idle?: string };
  color: boolean;
}

export const DARK: Theme = {
  text: { primary: undefined, secondary: 'gray', accent: 'cyan', title: 'cyanBright' },
  status: { ok: 'green', fail: 'red', pending: 'yellow', warn: 'yellow' },
  border: { focused: 'cyan', idle: 'gray' },
  color: true,
};

export const NO_COLOR_THEME: Theme = { text: {}, status: {}, border: {}, color: false };

export function pickTheme(env: NodeJS.ProcessEnv = process.env): Theme {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? NO_COLOR_THEME : DARK;
}
