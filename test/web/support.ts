/** `vault-lab web` as a real process, and a labs folder whose policies lab carries hostile markdown. */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { VAULT_LAB_JS } from '../support/engine.js';

export const POLICIES_YAML = path.resolve('content/labs/10-policies-and-tokens.yaml');
/** What the hostile markdown tries: each sets a global the tests look for. */
export const HOSTILE =
  '\n\n<script>window.__pwned = "script"</script>\n\n<img src="x" onerror="window.__pwned = \'onerror\'">\n\n[a link](javascript:window.__pwned=1)\n';

export interface WebProcess {
  url: string;
  port: number;
  token: string;
  origin: string;
  dir: string;
  stdout: () => string;
  stop(): Promise<void>;
}

/** A labs folder with the policies lab, its first step's body ending in HOSTILE. */
export function hostileLabs(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-web-labs-'));
  const lab = parse(fs.readFileSync(POLICIES_YAML, 'utf8'));
  lab.steps[0].body += HOSTILE;
  fs.writeFileSync(path.join(dir, '10-policies-and-tokens.yaml'), stringify(lab));
  return dir;
}

export async function startWeb(labsDir: string): Promise<WebProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-web-'));
  const p: ChildProcess = spawn(
    process.execPath,
    [VAULT_LAB_JS, 'web', '--no-open', '--port', '0', '--labs', labsDir],
    {
      cwd: dir,
      env: { ...process.env, VAULT_LAB_DATA_DIR: path.join(dir, 'data'), DISPLAY: '', WAYLAND_DISPLAY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  p.stdout!.on('data', (d) => {
    out += d;
  });
  p.stderr!.on('data', (d) => {
    err += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`vault-lab web printed no link: ${out} ${err}`)), 20_000);
    const look = () => {
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/m.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    p.stdout!.on('data', look);
    p.on('exit', (code) => reject(new Error(`vault-lab web exited ${code}: ${err}`)));
  });
  const u = new URL(url);
  return {
    url,
    port: Number(u.port),
    token: u.hash.replace('#token=', ''),
    origin: `http://127.0.0.1:${u.port}`,
    dir,
    stdout: () => out + err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (p.exitCode !== null) return resolve();
        p.on('exit', () => resolve());
        p.kill('SIGTERM');
        setTimeout(() => p.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** The session cookie, got the way the page gets it. */
export async function login(w: WebProcess): Promise<string> {
  const r = await fetch(`${w.origin}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: w.origin },
    body: JSON.stringify({ token: w.token }),
  });
  if (r.status !== 200) throw new Error(`login: ${r.status}`);
  return (r.headers.get('set-cookie') ?? '').split(';')[0];
}
