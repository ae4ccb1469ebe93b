/** How the lab screen splits the terminal; shared by the screen and the state container (scrolling). */
export interface Layout {
  cols: number;
  rows: number;
  /** Lesson and shell side by side (wide terminals) rather than stacked. */
  side: boolean;
  /** Width of the lesson column (the whole width when stacked). */
  lessonCols: number;
  /** Width of the shell pane (and of its pseudo-terminal). */
  shellCols: number;
  lessonRows: number;
  checkRows: number;
  activityRows: number;
  /** Shell rows drawn now. */
  shellRows: number;
  /** Rows of the shell's pseudo-terminal: the most the pane can grow to (fixed for a terminal size). */
  ptyRows: number;
}

/** What the panes hold now, so the rows go where they are needed. */
export interface PaneFill {
  /** Lines of the lesson (or activity feed) at the lesson's width. */
  lessonLines: number;
  /** Shell rows in use, from the top of its screen down to the cursor or last output. */
  shellUsed: number;
  /** A full-screen program (pager, editor) has the shell: it gets all its rows. */
  shellFull: boolean;
}

/** From this width, lesson and shell sit side by side. */
export const SIDE_BY_SIDE_COLS = 160;
/** The shell never gets fewer rows than this (stacked): a prompt, a command and some output. */
export const MIN_SHELL_ROWS = 4;
const MIN_LESSON_ROWS = 3;

/**
 * Splits the terminal; works down to 80×24. Stacked (below 160 columns): header, steps,
 * lesson, checks, the last request, the shell, footer. The lesson gets the rows it needs;
 * the shell takes what is left (at least MIN_SHELL_ROWS) and grows as it fills, up to half
 * of the room (all of it for a full-screen program), the lesson scrolling when it must
 * give rows up. From 160 columns: lesson, checks and last request on the left, the shell
 * at full height on the right.
 */
export function layoutFor(cols: number, rows: number, noShell: boolean, fill?: PaneFill): Layout {
  const checkRows = 2;
  const activityRows = rows >= 24 ? 2 : 1;
  const base = { cols, rows, checkRows, activityRows };
  if (!noShell && cols >= SIDE_BY_SIDE_COLS) {
    const lessonCols = Math.floor((cols - 1) / 2);
    const body = Math.max(6, rows - 3); // header, steps, footer
    const shellRows = body - 1; // under the shell's rule
    return {
      ...base,
      side: true,
      lessonCols,
      shellCols: cols - lessonCols - 1, // one column for the divider
      lessonRows: Math.max(3, body - checkRows - activityRows),
      shellRows,
      ptyRows: shellRows,
    };
  }
  const fixed = 4; // header, steps, shell rule, footer
  const avail = Math.max(6, rows - fixed - checkRows - activityRows);
  const stacked = { ...base, side: false, lessonCols: cols, shellCols: cols };
  if (noShell) return { ...stacked, lessonRows: Math.max(3, avail - 5), shellRows: 0, ptyRows: 0 };
  const ptyRows = Math.max(MIN_SHELL_ROWS, avail - MIN_LESSON_ROWS);
  const need = fill ?? { lessonLines: avail, shellUsed: 0, shellFull: false };
  const cap = need.shellFull ? ptyRows : Math.max(MIN_SHELL_ROWS, Math.floor(avail / 2));
  const wanted = Math.min(cap, Math.max(MIN_SHELL_ROWS, need.shellUsed));
  const shellRows = Math.min(ptyRows, Math.max(avail - need.lessonLines, wanted));
  return { ...stacked, lessonRows: avail - shellRows, shellRows, ptyRows };
}
