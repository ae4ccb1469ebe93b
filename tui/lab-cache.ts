/**
 * The course's labs, through a small cache of what `labs/` loaded last time. Parsing
 * and validating every lab's YAML was most of the course's cold start (about 175 KB of
 * YAML through the position-keeping parser and the schema), while the shipped files
 * almost never change between runs. An entry is used only when the file's path, size
 * and modification time and the vault-lab build all match; anything else is loaded by
 * `labs/` afresh. The cache holds lab content only (no progress, no secrets), and a
 * cache that cannot be read or written is simply not used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabLoadError, LoadedLab } from '../labs/load.js';
import type { Lab } from '../labs/schema.js';

declare const __VAULT_LAB_VERSION__: string;

interface Entry { size: number; mtimeMs: number; lab: Lab }
interface CacheFile { build: string; entries: Record<string, Entry> }

/** Identifies this build: the version and the time this module's file was written. */
function buildId(): string {
  const version = typeof __VAULT_LAB_VERSION__ === 'string' ? __VAULT_LAB_VERSION__ : 'dev';
  let stamp = '';
  try { stamp = String(fs.statSync(fileURLToPath(import.meta.url)).mtimeMs); } catch { /* not a file URL */ }
  return `${version}|${stamp}`;
}

function readCache(file: string, build: string): CacheFile {
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    if (c && c.build === build && c.entries && typeof c.entries === 'object') return c;
  } catch { /* absent or unreadable: start empty */ }
  return { build, entries: {} };
}

function writeCache(file: string, c: CacheFile) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(c), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch { /* a cache is optional */ }
}

/** Lab files in a folder (or the one file given), by name — as `labs/load`'s `labFiles`. */
function labFiles(target: string): string[] {
  if (fs.statSync(target).isFile()) return [target];
  return fs.readdirSync(target).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(target, f));
}

/**
 * Like `loadLabDir`, with unchanged files taken from the cache at `cacheFile`; the lab
 * loader (YAML parser and schema) is loaded only when some file has to be read afresh.
 */
export async function loadLabsCached(dir: string, cacheFile: string): Promise<{ labs: LoadedLab[]; errors: LabLoadError[] }> {
  const build = buildId();
  const cache = readCache(cacheFile, build);
  const next: CacheFile = { build, entries: {} };
  const labs: LoadedLab[] = [];
  const errors: LabLoadError[] = [];
  let changed = false;
  for (const file of labFiles(dir)) {
    const abs = path.resolve(file);
    const display = path.relative(process.cwd(), file) || file;
    let st: fs.Stats | undefined;
    try { st = fs.statSync(abs); } catch { /* loadLabFile reports it */ }
    const hit = st ? cache.entries[abs] : undefined;
    if (st && hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) {
      labs.push({ lab: hit.lab, file, dir: path.dirname(file), display });
      next.entries[abs] = hit;
      continue;
    }
    changed = true;
    const { loadLabFile, LabLoadError } = await import('../labs/load.js');
    try {
      const l = loadLabFile(file, display);
      labs.push(l);
      if (st) next.entries[abs] = { size: st.size, mtimeMs: st.mtimeMs, lab: l.lab };
    } catch (e) {
      if (e instanceof LabLoadError) errors.push(e); else throw e;
    }
  }
  if (changed || Object.keys(cache.entries).length !== Object.keys(next.entries).length) writeCache(cacheFile, next);
  // As labs/ does: one lab per id (later duplicates are reported), in course order.
  const ids = new Map<string, string>();
  const kept: LoadedLab[] = [];
  for (const l of labs) {
    const prev = ids.get(l.lab.id);
    if (prev) {
      const { LabLoadError } = await import('../labs/load.js');
      errors.push(new LabLoadError([{ file: l.display ?? l.file, line: 1, column: 1, message: `id: lab id "${l.lab.id}" is already used by ${prev}`, hint: 'every lab in a course needs its own id' }]));
    }
    else { ids.set(l.lab.id, l.display ?? l.file); kept.push(l); }
  }
  kept.sort((a, b) => a.lab.order - b.lab.order || a.lab.id.localeCompare(b.lab.id));
  return { labs: kept, errors };
}
