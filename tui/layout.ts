/** How the lab screen splits the terminal; shared by the screen and the state container (scrolling). */
export interface Layout {
  cols: number;
  rows: number;
  lessonRows: number;
  checkRows: number;
  activityRows: number;
  shellRows: number;
}

/** Splits the terminal: lesson on top, checks, the last request, then the shell; works down to 80×24. */
export function layoutFor(cols: number, rows: number, noShell: boolean): Layout {
  const fixed = 4; // header, steps, shell rule, footer
  const checkRows = 2;
  const activityRows = rows >= 24 ? 2 : 1;
  const avail = Math.max(6, rows - fixed - checkRows - activityRows);
  if (noShell) return { cols, rows, lessonRows: Math.max(3, avail - 5), checkRows, activityRows, shellRows: 0 };
  const lessonRows = Math.max(3, Math.floor(avail * 0.45));
  return { cols, rows, lessonRows, checkRows, activityRows, shellRows: Math.max(3, avail - lessonRows) };
}
