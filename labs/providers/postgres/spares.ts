/** Spare copies of the template, so the next lab start only renames a folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { copyTree } from './template-cache.js';

/**
 * One spare copy of the template per template key, prepared in the background after a
 * lab starts, so the next lab (in this process or a later one) only renames a folder.
 * A spare is accepted only when it is a real folder owned by the server account and
 * private to it.
 */
const preparing = new Map<string, Promise<void>>();
const spareTmp = new Set<string>();
// Per OS user: in a shared /tmp another user's spare could be neither claimed nor replaced.
const spareName = (key: string) => path.join(os.tmpdir(), `vault-lab-pg-spare-${process.getuid?.() ?? 0}-${key}`);

export async function claimSpare(key: string, target: string, uid: number): Promise<boolean> {
  await preparing.get(key);
  try {
    fs.renameSync(spareName(key), target);
  } catch {
    return false;
  }
  const st = fs.lstatSync(target);
  if (st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0 && fs.existsSync(path.join(target, 'PG_VERSION')))
    return true;
  fs.rmSync(target, { recursive: true, force: true });
  return false;
}

export function prepareSpare(key: string, template: string) {
  if (preparing.has(key) || fs.existsSync(spareName(key))) return;
  const tmp = path.join(os.tmpdir(), `vault-lab-pg-spare-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  spareTmp.add(tmp);
  const job = (async () => {
    try {
      await copyTree(template, tmp);
      try {
        fs.renameSync(tmp, spareName(key));
      } catch {
        /* someone else's spare won */
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      spareTmp.delete(tmp);
      preparing.delete(key);
    }
  })();
  preparing.set(
    key,
    job.catch(() => undefined),
  );
}

/** Resolves when the spare copy being prepared for this template key (if any) is done. */
export async function waitForSpare(key: string): Promise<void> {
  await preparing.get(key);
}

/** Resolves when every spare copy being prepared in the background is done. */
export async function sparesReady(): Promise<void> {
  await Promise.all([...preparing.values()]);
}

process.once('exit', () => {
  for (const t of spareTmp) {
    try {
      fs.rmSync(t, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
});
