/** `vault-lab` with no subcommand: the course in a full-screen terminal UI. */
import path from 'node:path';
import React from 'react';
import { render } from 'ink';
import { loadLabDir, formatProblem } from '../labs/load.js';
import { ProgressStore } from '../labs/progress.js';
import { contentDir, dataDir } from '../labs/paths.js';
import { App } from './app.js';
import { pickTheme } from './theme.js';
import type { LabController } from './controller.js';

export async function runCourse(argv: string[]): Promise<number> {
  let labsDir = contentDir();
  let noShell = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--labs') labsDir = path.resolve(argv[++i] ?? '.');
    else if (a.startsWith('--labs=')) labsDir = path.resolve(a.slice(7));
    else if (a === '--no-shell') noShell = true;
    else if (a === '--plain') { process.stderr.write('vault-lab: --plain is not available yet; use --no-shell with your own terminal.\n'); return 1; }
    else { process.stderr.write(`vault-lab: unknown option ${a} (see vault-lab --help)\n`); return 1; }
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('vault-lab: the course needs an interactive terminal. To run labs headlessly use: vault-lab test <dir>\n');
    return 1;
  }
  let loaded;
  try { loaded = loadLabDir(labsDir); } catch { process.stderr.write(`vault-lab: cannot read labs from ${labsDir}\n`); return 1; }
  const notices: string[] = [];
  for (const e of loaded.errors) for (const p of e.problems) notices.push(`skipped a broken lab: ${formatProblem(p).split('\n')[0]}`);
  if (!loaded.labs.length) {
    process.stderr.write(`vault-lab: no labs in ${labsDir}\n${notices.join('\n')}\n`);
    return 1;
  }
  const data = dataDir();
  const store = new ProgressStore(data).load();
  if (store.damaged) notices.push(`Your progress file could not be read (${store.damaged.reason}); it was kept at ${store.damaged.movedTo} and a new one started.`);

  let controller: LabController | null = null;
  process.stdout.write('\u001b[?1049h\u001b[H');
  const restore = () => process.stdout.write('\u001b[?25h\u001b[?1049l');
  const app = render(<App labs={loaded.labs} store={store} theme={pickTheme()} noShell={noShell} workspaceRoot={path.join(data, 'workspaces')} notices={notices} onController={(c) => { controller = c; }} />, { exitOnCtrlC: false, patchConsole: true });
  const onSignal = () => { void (async () => { await (controller as LabController | null)?.stop(); app.unmount(); restore(); process.exit(143); })(); };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    await app.waitUntilExit();
  } finally {
    await (controller as LabController | null)?.stop();
    restore();
  }
  return 0;
}
