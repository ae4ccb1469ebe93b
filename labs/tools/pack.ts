/**
 * Shipping a course. `vault-lab pack <dir>` validates and tests the whole course, then writes
 * one file an instructor hands out: JSON (no new dependency to read it back) holding the
 * manifest and every file of the labs folder, each with its SHA-256. `vault-lab --course`
 * opens such a file, a course folder, or an npm package installed locally — nothing is
 * fetched: a file is unpacked into the data folder, keyed by its content's hash.
 *
 * Format (`format: "vault-lab-course"`, `version: 1`): `{ format, version, title, packed_at,
 * vault_lab, files: { "course.yaml": { text, sha256 }, "labs/<name>": { text, sha256 } } }`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { COURSE_FILE, findCourseFile, parseCourseFile } from '../format/course.js';

declare const __VAULT_LAB_VERSION__: string;
const VERSION = typeof __VAULT_LAB_VERSION__ === 'string' ? __VAULT_LAB_VERSION__ : 'dev';
export const PACK_FORMAT = 'vault-lab-course';
const MAX_FILE = 2 * 1024 * 1024;

interface PackedFile {
  text: string;
  sha256: string;
}
export interface PackedCourse {
  format: typeof PACK_FORMAT;
  version: 1;
  title: string;
  packed_at: string;
  vault_lab: string;
  files: Record<string, PackedFile>;
}

type Out = { write(s: string): void };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export const PACK_USAGE = `Usage: vault-lab pack <course dir> [-o <file>]

Validates and tests every lab of the course (as \`vault-lab validate\` and \`test\` do), then
writes one file to hand out (default: <course title>.vlcourse.json). Open it with
\`vault-lab --course <file>\`.
`;

/** Every file under the labs folder (not hidden), relative to it. */
function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, r));
    else if (e.isFile() && e.name !== COURSE_FILE) out.push(r);
  }
  return out.sort();
}

/** The course's manifest text with `labs_dir` pointing at `labs` (where a pack keeps them). */
function packedManifest(text: string): string {
  return /^labs_dir:.*$/m.test(text) ? text.replace(/^labs_dir:.*$/m, 'labs_dir: labs') : `${text}\nlabs_dir: labs\n`;
}

export async function runPack(
  args: string[],
  out: Out,
  test: (dir: string) => Promise<number>,
  validate: (dir: string) => number,
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(PACK_USAGE);
    return 0;
  }
  const rest = [...args];
  let target: string | undefined;
  const o = rest.findIndex((a) => a === '-o' || a === '--output');
  if (o !== -1) {
    target = rest[o + 1];
    rest.splice(o, 2);
    if (!target) {
      process.stderr.write(`vault-lab pack: -o needs a file name\n${PACK_USAGE}`);
      return 2;
    }
  }
  if (rest.length !== 1 || rest[0].startsWith('-')) {
    process.stderr.write(
      `vault-lab pack: ${rest.length ? `unexpected ${rest.join(' ')}` : 'which course folder?'}\n${PACK_USAGE}`,
    );
    return 2;
  }
  const dir = path.resolve(rest[0]);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    process.stderr.write(`vault-lab pack: ${rest[0]} is not a folder\n`);
    return 1;
  }
  const courseFile = findCourseFile(dir);
  const labsDir = courseFile ? parseCourseFile(courseFile).labsDir : dir;
  out.write(`Validating ${path.relative(process.cwd(), labsDir) || '.'}…\n`);
  if (validate(labsDir) !== 0) {
    out.write('\nvault-lab pack: the course does not validate; nothing was written.\n');
    return 1;
  }
  out.write('\nTesting every lab…\n');
  if ((await test(labsDir)) !== 0) {
    out.write('\nvault-lab pack: some labs fail their tests; nothing was written.\n');
    return 1;
  }
  const files: Record<string, PackedFile> = {};
  let title = path.basename(dir);
  if (courseFile) {
    const text = packedManifest(fs.readFileSync(courseFile, 'utf8'));
    files[COURSE_FILE] = { text, sha256: sha(text) };
    title = parseCourseFile(courseFile).manifest.title;
  }
  for (const f of filesUnder(labsDir)) {
    const abs = path.join(labsDir, f);
    if (fs.statSync(abs).size > MAX_FILE) {
      out.write(`vault-lab pack: ${f} is larger than 2 MB; a course file holds lab text, not data sets.\n`);
      return 1;
    }
    const text = fs.readFileSync(abs, 'utf8');
    files[`labs/${f}`] = { text, sha256: sha(text) };
  }
  const pack: PackedCourse = {
    format: PACK_FORMAT,
    version: 1,
    title,
    packed_at: new Date().toISOString(),
    vault_lab: VERSION,
    files,
  };
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'course';
  const file = path.resolve(target ?? `${slug}.vlcourse.json`);
  fs.writeFileSync(file, `${JSON.stringify(pack, null, 1)}\n`, { mode: 0o644 });
  out.write(
    `\nWrote ${path.relative(process.cwd(), file)} (${Object.keys(files).length} files). Open it with: vault-lab --course ${path.relative(process.cwd(), file)}\n`,
  );
  return 0;
}

/** Reads a packed course, checking its shape and every file's hash. @throws Error with a sentence. */
export function readPack(file: string): PackedCourse {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not a packed course (${(e as Error).message.split('\n')[0]})`);
  }
  const p = raw as PackedCourse;
  if (!p || p.format !== PACK_FORMAT || p.version !== 1 || !p.files || typeof p.files !== 'object')
    throw new Error(`${file} is not a vault-lab course file (format ${PACK_FORMAT}, version 1)`);
  for (const [name, f] of Object.entries(p.files)) {
    if (!f || typeof f.text !== 'string' || sha(f.text) !== f.sha256)
      throw new Error(`${file}: ${name} is damaged (its SHA-256 does not match); ask for the course file again`);
    const norm = path.posix.normalize(name);
    if (
      norm !== name ||
      name.startsWith('/') ||
      name.startsWith('..') ||
      !(name === COURSE_FILE || name.startsWith('labs/'))
    )
      throw new Error(`${file}: refusing the file name ${JSON.stringify(name)} (outside the course)`);
  }
  return p;
}

/**
 * The labs folder for `--course <file|dir|npm package>`: a packed file is unpacked once into
 * `<data>/courses/<hash>/`; a folder is used where it is; a package name is looked up among
 * the packages installed from the current folder (node_modules), never fetched.
 * @throws Error with a sentence saying what to do.
 */
export function openCourse(arg: string, dataDir: string): string {
  const asPath = path.resolve(arg);
  if (fs.existsSync(asPath)) {
    if (fs.statSync(asPath).isDirectory()) {
      const c = findCourseFile(asPath);
      if (c) return parseCourseFile(c).labsDir;
      const packed = fs.readdirSync(asPath).find((f) => f.endsWith('.vlcourse.json'));
      return packed ? unpack(path.join(asPath, packed), dataDir) : asPath;
    }
    return path.basename(asPath) === COURSE_FILE ? parseCourseFile(asPath).labsDir : unpack(asPath, dataDir);
  }
  let pkgJson: string;
  try {
    pkgJson = createRequire(path.join(process.cwd(), 'noop.js')).resolve(`${arg}/package.json`);
  } catch {
    throw new Error(
      `no course file, folder or installed npm package named "${arg}" (install it first: npm install ${arg})`,
    );
  }
  const pkgDir = path.dirname(pkgJson);
  const meta = JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { 'vault-lab'?: { course?: string } };
  const entry = meta['vault-lab']?.course;
  return openCourse(entry ? path.join(pkgDir, entry) : pkgDir, dataDir);
}

function unpack(file: string, dataDir: string): string {
  const p = readPack(file);
  const key = sha(JSON.stringify(Object.entries(p.files).map(([n, f]) => [n, f.sha256]))).slice(0, 16);
  const root = path.join(dataDir, 'courses', key);
  if (!fs.existsSync(path.join(root, '.complete'))) {
    const tmp = `${root}.${process.pid}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const [name, f] of Object.entries(p.files)) {
      const to = path.join(tmp, name);
      fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
      fs.writeFileSync(to, f.text, { mode: 0o600 });
    }
    if (!p.files[COURSE_FILE]) fs.mkdirSync(path.join(tmp, 'labs'), { recursive: true });
    fs.writeFileSync(path.join(tmp, '.complete'), p.packed_at);
    fs.rmSync(root, { recursive: true, force: true });
    fs.renameSync(tmp, root);
  }
  return path.join(root, 'labs');
}
