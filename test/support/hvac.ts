/**
 * Runs a Python hvac script (Debian's python3-hvac, installed by .ci/run) as a real process
 * against an engine; the script prints its findings as JSON on its last line.
 */
import { execFile, execFileSync } from 'node:child_process';

/** The first interpreter that can import hvac (Debian's lives in /usr/bin). */
function pythonWithHvac(): string {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(py, ['-c', 'import hvac'], { stdio: 'ignore' });
      return py;
    } catch {
      /* next */
    }
  }
  throw new Error('python3-hvac is not installed: run `apt-get install -y python3-hvac` (.ci/run does this)');
}

/** Runs `script` with `args`; resolves with the JSON object its last output line holds. */
export function runHvacScript<T = Record<string, any>>(script: string, args: string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    execFile(pythonWithHvac(), [script, ...args], { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (err, so, se) =>
      err ? reject(new Error(`${err.message}\n${se}`)) : resolve(JSON.parse(so.trim().split('\n').pop()!)),
    );
  });
}
