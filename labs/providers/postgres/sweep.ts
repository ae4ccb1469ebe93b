/** Cleaning up after crashed runs: lab clusters whose owner is gone, half-made spares. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunAs } from './run-as.js';

const alive = (pid: number) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes what a crashed or killed earlier run left in the temp folder: lab clusters whose
 * owning process is gone (their server is stopped first) and half-made spare copies.
 * Only folders belonging to the server account are touched. Runs once per process.
 */
let swept = false;
export function sweepLeftovers(runAs: RunAs | null, again = false) {
  if (swept && !again) return;
  swept = true;
  const uid = runAs?.uid ?? process.getuid?.() ?? -1;
  let names: string[] = [];
  try {
    names = fs.readdirSync(os.tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const full = path.join(os.tmpdir(), name);
    let owner = 0;
    if (/^vault-lab-pg-spare-tmp-(\d+)-/.test(name)) owner = Number(/^vault-lab-pg-spare-tmp-(\d+)-/.exec(name)![1]);
    else if (/^vault-lab-pg-(?!spare-)[A-Za-z0-9]{6}$/.test(name)) {
      try {
        owner = Number(fs.readFileSync(path.join(full, 'owner'), 'utf8'));
      } catch {
        continue;
      }
    } else continue;
    try {
      const st = fs.lstatSync(full);
      if (!st.isDirectory() || (st.uid !== uid && st.uid !== process.getuid?.())) continue;
    } catch {
      continue;
    }
    if (alive(owner)) continue;
    try {
      const pm = Number(fs.readFileSync(path.join(full, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (alive(pm) && fs.readFileSync(`/proc/${pm}/cmdline`, 'utf8').includes('postgres')) process.kill(pm, 'SIGQUIT');
    } catch {
      /* no server was running */
    }
    try {
      fs.rmSync(full, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
}
