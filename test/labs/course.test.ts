/** The course manifest: its schema, `validate` over it, the quiz's topics, and what the map suggests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { courseJsonSchema } from '../../labs/format/course.js';
import { loadLabDir } from '../../labs/format/load.js';
import { ProgressStore } from '../../labs/runtime/progress.js';
import { applyCourse, parseCourseFile } from '../../labs/format/course.js';
import { nextLab, prerequisites } from '../../tui/course.js';
import { ROOT } from '../support/engine.js';
import { applyCourseManifest } from '../../labs/index.js';
import { runVaultLab } from '../support/vault-lab.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-course-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const LABS = path.join(ROOT, 'content', 'labs');
const copyLab = (name: string, to = dir) => fs.copyFileSync(path.join(LABS, name), path.join(to, name));

describe('the course manifest', () => {
  it('content/course.schema.json is what the zod schema generates', () => {
    const onDisk = JSON.parse(fs.readFileSync(path.join(ROOT, 'content', 'course.schema.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(courseJsonSchema())));
  });

  it('lists every shipped lab: validate passes the shipped course and says so', async () => {
    const r = await runVaultLab(['validate', LABS], { cwd: dir });
    expect(r.out).toMatch(/✓ \S*content\/course\.yaml \(course: \d+ sections\)/);
    expect(r.code).toBe(0);
  });

  it('reports an entry naming no file, an unknown id and an unlisted lab, each at file:line:column', async () => {
    copyLab('01-getting-started.yaml');
    copyLab('11-kv-basics.yaml');
    fs.writeFileSync(
      path.join(dir, 'course.yaml'),
      'title: T\nsections:\n  - title: A\n    labs:\n      - { file: 01-getting-started.yaml }\n' +
        '      - { file: 02-missing.yaml, requires: [ghost] }\n',
    );
    const r = await runVaultLab(['validate', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/course\.yaml:6:17: sections\[0\]\.labs\[1\]\.file: there is no lab file 02-missing\.yaml/);
    expect(r.out).toMatch(
      /course\.yaml:6:\d+: sections\[0\]\.labs\[1\]\.requires\[0\]: no lab in the course has the id "ghost"/,
    );
    expect(r.out).toMatch(/course\.yaml:\d+:\d+: 11-kv-basics\.yaml is in \. but not in the course/);
    expect(r.out).toContain('add "- { file: 11-kv-basics.yaml }" to the labs of a section');
  });

  it('a broken manifest is a schema error with a position, not a stack trace', async () => {
    copyLab('01-getting-started.yaml');
    fs.writeFileSync(path.join(dir, 'course.yaml'), 'title: T\nsections:\n  - title: A\n    lab: []\n');
    const r = await runVaultLab(['validate', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/course\.yaml:3:5: sections\[0\]/);
    expect(r.out + r.err).not.toMatch(/at .*\.js:\d+/);
  });

  it('vault-lab quiz scores per section of the course', async () => {
    const r = await runVaultLab(['quiz', '--topic', 'Start here'], { cwd: dir, input: '\n' });
    expect(r.out).toContain('Start here — Getting started');
    expect(r.code).toBe(0);
  });

  it('suggests the next lab on the path, or a prerequisite not yet done', () => {
    const { labs } = loadLabDir(LABS);
    const course = applyCourse(parseCourseFile(path.join(ROOT, 'content', 'course.yaml')), labs);
    expect(course.problems).toEqual([]);
    const store = new ProgressStore(path.join(dir, 'data')).load();
    const done = (id: string) => store.update(id, (p) => void (p.status = 'done'));
    done('getting-started');
    expect(nextLab(course.info, course.labs, store, 'getting-started')).toMatchObject({
      id: 'kv-basics',
      why: 'next on the Beginner path',
    });
    // userpass needs policies-and-tokens first: the suggestion after tokens (not yet done) follows the path.
    expect(prerequisites(course.info, course.labs, store, 'userpass')).toEqual([
      { id: 'policies-and-tokens', title: 'Policies and tokens', done: false },
    ]);
    done('kv-basics');
    done('approle');
    // After app-integration (only on the developer path), the next on that path has a prerequisite not done.
    expect(nextLab(course.info, course.labs, store, 'app-integration')).toMatchObject({
      id: 'policies-and-tokens',
    });
    const beginner = course.info.paths.find((p) => p.id === 'beginner')!;
    expect(beginner.labs.slice(0, 6)).toEqual([
      'getting-started',
      'kv-basics',
      'policies-and-tokens',
      'tokens',
      'userpass',
      'approle',
    ]);
    expect(beginner.minutes).toBe(
      beginner.labs.reduce((a, id) => a + labs.find((l) => l.lab.id === id)!.lab.minutes, 0),
    );
  });

  it('the course applies an unchanged manifest from its cache, and a changed one afresh', async () => {
    copyLab('01-getting-started.yaml');
    copyLab('11-kv-basics.yaml');
    const manifest = path.join(dir, 'course.yaml');
    const write = (first: string) =>
      fs.writeFileSync(
        manifest,
        `title: T\nsections:\n  - title: ${first}\n    labs:\n      - { file: 11-kv-basics.yaml }\n` +
          '      - { file: 01-getting-started.yaml }\n',
      );
    write('One');
    const cache = path.join(dir, 'cache', 'course.json');
    const { labs } = loadLabDir(dir);
    const a = await applyCourseManifest(dir, labs, cache);
    expect(a?.labs.map((l) => l.lab.id)).toEqual(['kv-basics', 'getting-started']);
    expect(fs.existsSync(cache)).toBe(true);
    const b = await applyCourseManifest(dir, labs, cache);
    expect(b).toEqual(a);
    write('Two things');
    fs.utimesSync(manifest, new Date(), new Date(Date.now() + 5000));
    const c = await applyCourseManifest(dir, labs, cache);
    expect(c?.labs[0].lab.topic).toBe('Two things');
  });
});
