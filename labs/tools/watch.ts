/**
 * `vault-lab test <lab|dir> --watch`: runs the tests, then again after every save of a lab
 * file (or the course manifest) under the target, until interrupted. Saves during a run are
 * gathered into one more run after it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunOutput } from './runner.js';

export async function watchTests(target: string, out: RunOutput, run: () => Promise<number>): Promise<number> {
  const abs = path.resolve(target);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    out.write(`vault-lab test: cannot read ${target}: no such file or folder\n`);
    return 1;
  }
  const dir = st.isDirectory() ? abs : path.dirname(abs);
  const wanted = (name: string | null) =>
    !name || (st.isDirectory() ? /\.ya?ml$/.test(name) : name === path.basename(abs));
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const cycle = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      out.write(`\n── ${new Date().toLocaleTimeString()} testing ${target} ──\n`);
      await run();
      out.write(`\nwatching ${path.relative(process.cwd(), dir) || '.'} for saves (Ctrl-C stops)\n`);
    } while (again);
    running = false;
  };
  const w = fs.watch(dir, (_e, name) => {
    if (!wanted(name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void cycle(), 50);
  });
  await cycle();
  return new Promise<number>((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      w.close();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
