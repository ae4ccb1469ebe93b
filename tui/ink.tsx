/** The full-screen UI: alternate screen, Ink render, and a clean exit on q, Ctrl-C, SIGTERM or SIGHUP. */
import { render } from 'ink';
import { CourseUi } from './root.js';
import { pickTheme } from './theme.js';
import { vendorHooks } from './vendor/hooks.js';
import type { LabController } from './controller.js';
import type { Course } from './course.js';
import type { CourseUiProps } from './state/ui-store.js';

export async function runInk(course: Course, noShell: boolean, extra: Partial<CourseUiProps> = {}): Promise<number> {
  let controller: LabController | null = null;
  // Raw mode before the first frame: a key typed as soon as the map shows must reach us
  // as typed (in cooked mode the terminal would echo it and turn Enter into a newline).
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdout.write('\u001b[?1049h\u001b[H');
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.stdout.write('\u001b[0m\u001b[?25h\u001b[?1049l');
    vendorHooks.saveCache(); // if it has not been saved yet: a learner who quits at once still gets it
  };
  const app = render(
    <CourseUi
      labs={course.labs}
      store={course.store}
      theme={pickTheme()}
      noShell={noShell}
      workspaceRoot={course.workspaceRoot}
      notices={course.notices}
      info={course.info}
      {...extra}
      onController={(c) => {
        controller = c;
      }}
    />,
    // 60 frames a second: a keypress shows within one frame (Ink's default is 30).
    { exitOnCtrlC: false, patchConsole: true, maxFps: 60 },
  );
  // The first frame is drawn: keep what was compiled for it, for the next start (see vendor/load.ts).
  setTimeout(() => vendorHooks.saveCache(), 1000).unref();
  let signalled = 0;
  const onSignal = (code: number) => () => {
    if (signalled) return;
    signalled = code;
    void (async () => {
      try {
        await (controller as LabController | null)?.stop();
      } finally {
        app.unmount();
        restore();
        process.exit(code);
      }
    })();
  };
  const onTerm = onSignal(143),
    onHup = onSignal(129);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  try {
    await app.waitUntilExit();
  } finally {
    await (controller as LabController | null)?.stop();
    restore();
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
  }
  return 0;
}
