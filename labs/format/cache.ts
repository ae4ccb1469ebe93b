/**
 * The labs of a course, through a small cache of what `load.ts` loaded last time (the
 * course reads its labs this way; `vault-lab test` and `validate` always parse). Parsing
 * and validating every lab's YAML was most of the course's cold start (about 175 KB of
 * YAML through the position-keeping parser and the schema), while the shipped files
 * almost never change between runs. An entry is used only when the file's path, size
 * and modification time and the vault-lab build all match; anything else is loaded by
 * `labs/` afresh. The cache holds lab content only (no progress, no secrets), and a
 * cache that cannot be read or written is simply not used.
 *
 * The build also ships the course's own labs already parsed (`dist/lab-seed.json`, keyed
 * by the SHA-256 of each file's text), so even the very first start skips parsing a lab
 * whose file is exactly as shipped; an edited file never matches and is parsed afresh.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabLoadError, LoadedLab } from './load.js';
import type { Lab } from './schema.js';

declare const __VAULT_LAB_VERSION__: string;

interface Entry {
  size: number;
  mtimeMs: number;
  lab: Lab;
}
interface CacheFile {
  build: string;
  entries: Record<string, Entry>;
}

/** Identifies this build: the version and the time this module's file was written. */
function buildId(): string {
  const version = typeof __VAULT_LAB_VERSION__ === 'string' ? __VAULT_LAB_VERSION__ : 'dev';
  let stamp = '';
  try {
    stamp = String(fs.statSync(fileURLToPath(import.meta.url)).mtimeMs);
  } catch {
    /* not a file URL */
  }
  return `${version}|${stamp}`;
}

function readCache(file: string, build: string): CacheFile {
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    if (c && c.build === build && c.entries && typeof c.entries === 'object') return c;
  } catch {
    /* absent or unreadable: start empty */
  }
  return { build, entries: {} };
}

function writeCache(file: string, c: CacheFile) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(c), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    /* a cache is optional */
  }
}

type Seed = Record<string, Lab>;
const textHash = (text: Buffer) => createHash('sha256').update(text).digest('hex');

/** Where the build puts the seed: next to the built code. */
function shippedSeedFile(): string | undefined {
  try {
    return fileURLToPath(new URL('./lab-seed.json', import.meta.url));
  } catch {
    return undefined;
  }
}

/** The shipped labs, parsed, keyed by the hash of each file's text (read once per start). */
const seeds = new Map<string, Seed>();
function seed(file: string | undefined): Seed {
  if (!file) return {};
  let s = seeds.get(file);
  if (s) return s;
  s = {};
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { build?: string; labs?: Seed };
    if (raw.build === buildId().split('|')[0] && raw.labs && typeof raw.labs === 'object') s = raw.labs;
  } catch {
    /* running from source, or not shipped: no seed */
  }
  seeds.set(file, s);
  return s;
}

/** What the build ships as `dist/lab-seed.json`: every valid lab in `dir`, keyed by its text's hash. */
export async function labSeed(dir: string): Promise<{ build: string; labs: Seed }> {
  const { loadLabFile } = await import('./load.js');
  const labs: Seed = {};
  for (const file of labFiles(dir)) {
    try {
      labs[textHash(fs.readFileSync(file))] = loadLabFile(file, file).lab;
    } catch {
      /* broken labs are never seeded */
    }
  }
  return { build: buildId().split('|')[0], labs };
}

/** Lab files in a folder (or the one file given), by name — as `labs/load`'s `labFiles`. */
function labFiles(target: string): string[] {
  if (fs.statSync(target).isFile()) return [target];
  return fs
    .readdirSync(target)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'course.yaml')
    .sort()
    .map((f) => path.join(target, f));
}

/**
 * Like `loadLabDir`, with unchanged files taken from the cache at `cacheFile`; the lab
 * loader (YAML parser and schema) is loaded only when some file has to be read afresh.
 */
export async function loadLabsCached(
  dir: string,
  cacheFile: string,
  seedFile = shippedSeedFile(),
): Promise<{ labs: LoadedLab[]; errors: LabLoadError[] }> {
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
    try {
      st = fs.statSync(abs);
    } catch {
      /* loadLabFile reports it */
    }
    const hit = st ? cache.entries[abs] : undefined;
    if (st && hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) {
      labs.push({ lab: hit.lab, file, dir: path.dirname(file), display });
      next.entries[abs] = hit;
      continue;
    }
    changed = true;
    const seeded = st ? seed(seedFile) : {};
    if (st && Object.keys(seeded).length) {
      let text: Buffer | undefined;
      try {
        text = fs.readFileSync(abs);
      } catch {
        /* loadLabFile reports it */
      }
      const lab = text && seeded[textHash(text)];
      if (lab) {
        labs.push({ lab, file, dir: path.dirname(file), display });
        next.entries[abs] = { size: st.size, mtimeMs: st.mtimeMs, lab };
        continue;
      }
    }
    const { loadLabFile, LabLoadError } = await import('./load.js');
    try {
      const l = loadLabFile(file, display);
      labs.push(l);
      if (st) next.entries[abs] = { size: st.size, mtimeMs: st.mtimeMs, lab: l.lab };
    } catch (e) {
      if (e instanceof LabLoadError) errors.push(e);
      else throw e;
    }
  }
  if (changed || Object.keys(cache.entries).length !== Object.keys(next.entries).length) writeCache(cacheFile, next);
  // As labs/ does: one lab per id (later duplicates are reported), in course order.
  const ids = new Map<string, string>();
  const kept: LoadedLab[] = [];
  for (const l of labs) {
    const prev = ids.get(l.lab.id);
    if (prev) {
      const { LabLoadError } = await import('./load.js');
      errors.push(
        new LabLoadError([
          {
            file: l.display ?? l.file,
            line: 1,
            column: 1,
            message: `id: lab id "${l.lab.id}" is already used by ${prev}`,
            hint: 'every lab in a course needs its own id',
          },
        ]),
      );
    } else {
      ids.set(l.lab.id, l.display ?? l.file);
      kept.push(l);
    }
  }
  kept.sort((a, b) => a.lab.order - b.lab.order || a.lab.id.localeCompare(b.lab.id));
  return { labs: kept, errors };
}
