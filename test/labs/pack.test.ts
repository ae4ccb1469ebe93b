/** `vault-lab pack` → `vault-lab --course` round trip: a file, a folder, an installed npm package. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runVaultLab } from '../support/vault-lab.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-pack-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A course folder: course.yaml beside labs/, two scaffolded labs, the second listed first. */
async function makeCourse(root: string) {
  fs.mkdirSync(path.join(root, 'labs'), { recursive: true });
  for (const id of ['alpha-lab', 'beta-lab'])
    expect((await runVaultLab(['new', id, '--dir', path.join(root, 'labs')], { cwd: dir })).code).toBe(0);
  const files = fs.readdirSync(path.join(root, 'labs')).sort();
  fs.writeFileSync(
    path.join(root, 'course.yaml'),
    `title: Packed class\nlabs_dir: labs\nsections:\n  - title: First things\n    labs:\n      - { file: ${files[1]} }\n` +
      `  - title: Then\n    labs:\n      - { file: ${files[0]}, requires: [beta-lab] }\n` +
      'paths:\n  - { id: all, title: Everything, labs: [beta-lab, alpha-lab] }\n',
  );
}

describe('vault-lab pack and --course', () => {
  it('packs a tested course into one file that --course opens in the manifest order, with nothing fetched', async () => {
    await makeCourse(path.join(dir, 'course'));
    const packed = await runVaultLab(['pack', 'course', '-o', 'class.vlcourse.json'], { cwd: dir });
    expect(packed.out).toContain('passed, 0 failed');
    expect(packed.code).toBe(0);
    const file = JSON.parse(fs.readFileSync(path.join(dir, 'class.vlcourse.json'), 'utf8'));
    expect(file.format).toBe('vault-lab-course');
    expect(Object.keys(file.files).sort()).toEqual(['course.yaml', 'labs/alpha-lab.yaml', 'labs/beta-lab.yaml']);

    // Opened elsewhere: the course folder is gone, the file is all there is.
    fs.rmSync(path.join(dir, 'course'), { recursive: true });
    const opened = await runVaultLab(['--course', 'class.vlcourse.json', '--plain'], { cwd: dir, input: 'quit\n' });
    expect(opened.code).toBe(0);
    expect(opened.out).toMatch(/Path: Everything \(\d+ (s|min)\): beta-lab → alpha-lab/);
    expect(opened.out).toMatch(/First things\n\s+1\. Beta lab[\s\S]*Then\n\s+2\. Alpha lab/i);
  }, 120_000);

  it('opens an npm package installed here, and a course folder', async () => {
    const pkg = path.join(dir, 'node_modules', 'my-vault-course');
    await makeCourse(path.join(pkg, 'course'));
    fs.writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({ name: 'my-vault-course', version: '1.0.0', 'vault-lab': { course: 'course' } }),
    );
    const byName = await runVaultLab(['--course', 'my-vault-course', '--plain'], { cwd: dir, input: 'quit\n' });
    expect(byName.out).toContain('First things');
    expect(byName.code).toBe(0);
    const byDir = await runVaultLab(['--course', path.join(pkg, 'course'), '--plain'], { cwd: dir, input: 'quit\n' });
    expect(byDir.out).toContain('First things');
    const missing = await runVaultLab(['--course', 'not-installed-course', '--plain'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no course file, folder or installed npm package named "not-installed-course"');
  }, 120_000);

  it('refuses a damaged file and a course that fails its tests; usage errors exit 2', async () => {
    await makeCourse(path.join(dir, 'course'));
    expect((await runVaultLab(['pack', 'course', '-o', 'c.json'], { cwd: dir })).code).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'c.json'), 'utf8');
    fs.writeFileSync(path.join(dir, 'bad.json'), text.replace('Alpha', 'Alpah'));
    const damaged = await runVaultLab(['--course', 'bad.json', '--plain'], { cwd: dir });
    expect(damaged.code).toBe(1);
    expect(damaged.err).toMatch(/bad\.json: labs\/alpha-lab\.yaml is damaged/);

    const lab = path.join(dir, 'course', 'labs', 'alpha-lab.yaml');
    fs.writeFileSync(lab, fs.readFileSync(lab, 'utf8').replace(/solution:\n(\s+)- /, 'solution:\n$1- "true" # '));
    const failing = await runVaultLab(['pack', 'course', '-o', 'no.json'], { cwd: dir });
    expect(failing.code).toBe(1);
    expect(failing.out).toContain('nothing was written');
    expect(fs.existsSync(path.join(dir, 'no.json'))).toBe(false);

    expect((await runVaultLab(['pack'], { cwd: dir })).code).toBe(2);
    expect((await runVaultLab(['pack', '--help'], { cwd: dir })).code).toBe(0);
    expect((await runVaultLab(['--course'], { cwd: dir })).code).toBe(2);
  }, 120_000);
});
