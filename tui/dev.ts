/**
 * `vault-lab dev <lab.yaml>`: the lab in the full-screen UI with its file watched. On every
 * save the file is loaded again; a broken file shows its problems (file:line:column) above
 * the lesson and the last good lab keeps running; a good one is reloaded at the same step,
 * its earlier steps' solutions replayed in a fresh engine. The `c` key shows the check trace.
 * The lab shells' `vault` runs in this process, so a replay costs no Node.js start per command.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostVaultCli, loadDevLab, ProgressStore } from '../labs/index.js';
import type { DevLoad, DevSource } from './state/ui-store.js';
import { importUi } from './vendor/patches.js';

export const DEV_USAGE = `Usage: vault-lab dev <lab.yaml>

Opens the lab in the course UI and follows its file: on every save it is validated again
(problems shown as file:line:column; the last good version keeps running) and reloaded at
the step you were on, the earlier steps' solutions replayed. In the lesson, c shows the
check trace of the step: every check, what it read (requests, state, SQL), why it passes or fails.
`;

type CliRunner = Parameters<typeof hostVaultCli>[0];

/** Watches one file (through its folder: editors often replace the file on save). */
export function watchLab(file: string, onLoad: (l: DevLoad) => void, display: string): () => void {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const reload = (seenAt: number) => {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return; // mid-save: the next event brings the file
    }
    if (text === last) return;
    last = text;
    void loadDevLab(file, display).then((r) => onLoad({ ...r, seenAt }));
  };
  try {
    last = fs.readFileSync(file, 'utf8');
  } catch {
    /* reported by the first load */
  }
  const w = fs.watch(dir, (_event, name) => {
    if (name && name !== base) return;
    const seenAt = performance.now();
    clearTimeout(timer);
    // A save is often several writes: load once they settle.
    timer = setTimeout(() => reload(seenAt), 10);
  });
  return () => {
    clearTimeout(timer);
    w.close();
  };
}

/** A solution line that is one plain `vault …` command: words, or words in single quotes. */
const PLAIN_VAULT = /^\s*vault(\s+([A-Za-z0-9_@%+=:,./-]+|'[^'\n]*'))*\s*$/;

/** Replays plain `vault …` solution lines with the CLI in this process (no bash, no Node.js start). */
export function replayInProcess(runCli: CliRunner) {
  return async (cmd: string, env: Record<string, string>, cwd: string): Promise<number | undefined> => {
    if (!PLAIN_VAULT.test(cmd)) return undefined;
    const argv = (cmd.trim().match(/'[^']*'|\S+/g) ?? []).slice(1).map((w) => w.replace(/^'(.*)'$/s, '$1'));
    const quiet = () => undefined;
    return runCli(argv, env, { stdout: quiet, stderr: quiet, readStdin: async () => '', isTTY: false, cwd });
  };
}

export async function runDev(argv: string[], runCli: CliRunner): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(DEV_USAGE);
    return 0;
  }
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    process.stderr.write(
      `vault-lab dev: ${argv.length ? `unexpected ${argv.join(' ')}` : 'which lab file?'}\n${DEV_USAGE}`,
    );
    return 2;
  }
  const file = path.resolve(argv[0]);
  const display = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) {
    process.stderr.write(`vault-lab dev: there is no file ${display}\n`);
    return 1;
  }
  const first = await loadDevLab(file, display);
  if (!first.loaded) {
    process.stderr.write(`${first.problems.join('\n')}\nvault-lab dev: fix the lab file and run dev again.\n`);
    return 1;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('vault-lab dev: needs an interactive terminal (use `vault-lab test --watch` headlessly).\n');
    return 1;
  }
  // Dev sessions keep their progress and workspaces apart from the learner's.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-lab-dev-'));
  const store = new ProgressStore(root).load();
  const listeners = new Set<(l: DevLoad) => void>();
  const stopWatch = watchLab(file, (l) => listeners.forEach((f) => f(l)), display);
  const dev: DevSource = {
    file: display,
    subscribe: (f) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    workspaceFor: (n) => path.join(root, 'workspaces', String(n)),
  };
  const stopCli = await hostVaultCli(runCli);
  try {
    const { runInk } = await importUi(() => import('./ink.js'));
    return await runInk(
      { labs: [first.loaded], store, notices: await first.lint(), workspaceRoot: path.join(root, 'workspaces') },
      false,
      { dev, controllerOptions: { sessionOptions: { replayCommand: replayInProcess(runCli) } } },
    );
  } finally {
    stopWatch();
    await stopCli();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
