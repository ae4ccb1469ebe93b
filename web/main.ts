/**
 * `vault-lab web [--port N] [--labs DIR] [--no-open]`: loads the course as the terminal UI
 * does, starts the server (web/server.ts), prints the link with its capability token on a
 * line of its own and opens the learner's browser when there is a display. Runs until
 * Ctrl-C, then stops the lab (shell, engine) and the server.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentDir } from '../labs/index.js';
import { loadCourse } from '../tui/main.js';
import { startWebServer } from './server.js';

export interface WebArgs {
  port: number;
  labsDir: string;
  open: boolean;
}

/** Options from `--name=value` words (bin/src/subcommands.ts normalises them). */
export function parseWebArgs(argv: string[]): WebArgs | string {
  const o: WebArgs = { port: 0, labsDir: contentDir(), open: true };
  for (const a of argv) {
    const [k, v] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (k === '--port' && v !== undefined && /^\d+$/.test(v) && Number(v) <= 65535) o.port = Number(v);
    else if (k === '--port') return `--port wants a port number (0-65535), not "${v ?? ''}"`;
    else if (k === '--labs' && v) o.labsDir = path.resolve(v);
    else if (k === '--no-open') o.open = false;
    else return `unknown option ${a} (see vault-lab web --help)`;
  }
  return o;
}

/** The bundled page: dist/web/ next to the built binary, or the repository's dist/web/ from source. */
export function assetsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const d of [path.join(here, 'web'), path.join(here, '..', 'dist', 'web')])
    if (fs.existsSync(path.join(d, 'index.html'))) return d;
  throw new Error('the web page is not built: run `npm run build`');
}

/** Opens the URL in the learner's browser, when there is one to open. */
function openBrowser(url: string): boolean {
  const cmd =
    process.platform === 'darwin'
      ? 'open'
      : process.platform === 'win32'
        ? undefined
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? 'xdg-open'
          : undefined;
  if (!cmd) return false;
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

export async function runWeb(argv: string[]): Promise<number> {
  const o = parseWebArgs(argv);
  if (typeof o === 'string') {
    process.stderr.write(`vault-lab web: ${o}\n`);
    return 2;
  }
  const course = await loadCourse({ labsDir: o.labsDir, noShell: false, plain: false });
  if (typeof course === 'string') {
    process.stderr.write(`vault-lab web: ${course}\n`);
    return 1;
  }
  for (const n of course.notices) process.stderr.write(`vault-lab web: ${n}\n`);
  let server;
  try {
    server = await startWebServer({ course, port: o.port, assetsDir: assetsDir() });
  } catch (e) {
    process.stderr.write(`vault-lab web: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`The course is at this link (it carries your access token; keep it to yourself):\n`);
  process.stdout.write(`${server.url}\n`);
  const opened = o.open && openBrowser(server.url);
  process.stdout.write(
    opened ? 'Opened it in your browser. Ctrl-C stops.\n' : 'Open it in your browser. Ctrl-C stops.\n',
  );
  return new Promise<number>((resolve) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      void server.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
