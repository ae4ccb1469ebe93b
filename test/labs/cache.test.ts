/** The course map's cache of loaded labs: used only while file and build are unchanged. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labSeed, loadLabsCached } from '../../labs/format/cache.js';
import { loadLabDir } from '../../labs/format/load.js';
import { FIXTURE_COURSE } from '../tui/render.js';

describe('loadLabsCached', () => {
  it('gives what labs/ loads, reuses it while the file is unchanged, and reloads an edited file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-cache-'));
    const labsDir = path.join(dir, 'labs');
    fs.mkdirSync(labsDir);
    for (const f of fs.readdirSync(FIXTURE_COURSE))
      fs.copyFileSync(path.join(FIXTURE_COURSE, f), path.join(labsDir, f));
    fs.writeFileSync(path.join(labsDir, 'c-broken.yaml'), 'id: broken\ntitle: [unclosed\n');
    const cacheFile = path.join(dir, 'cache', 'labs.json');

    const first = await loadLabsCached(labsDir, cacheFile);
    const direct = loadLabDir(labsDir);
    expect(first.labs.map((l) => l.lab)).toEqual(direct.labs.map((l) => l.lab));
    expect(first.errors).toHaveLength(1);
    expect(first.errors[0].problems[0].file).toContain('c-broken.yaml');

    // The cache is what the second load reads: mark an entry and see the mark come back.
    const cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    const key = Object.keys(cache.entries).find((k) => k.endsWith('a-basics.yaml'))!;
    cache.entries[key].lab.title = 'From the cache';
    fs.writeFileSync(cacheFile, JSON.stringify(cache));
    const second = await loadLabsCached(labsDir, cacheFile);
    expect(second.labs.find((l) => l.lab.id === 'fixture-basics')!.lab.title).toBe('From the cache');
    expect(second.errors).toHaveLength(1); // broken files are never cached

    // An edit (new size and time) is loaded afresh by labs/.
    const file = path.join(labsDir, 'a-basics.yaml');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('title: Fixture basics', 'title: Fixture basics, edited'),
    );
    const third = await loadLabsCached(labsDir, cacheFile);
    expect(third.labs.find((l) => l.lab.id === 'fixture-basics')!.lab.title).toBe('Fixture basics, edited');

    // A damaged cache is ignored.
    fs.writeFileSync(cacheFile, '{not json');
    expect((await loadLabsCached(labsDir, cacheFile)).labs.map((l) => l.lab.id)).toEqual([
      'fixture-basics',
      'fixture-database',
    ]);
  });

  it('takes a shipped, unchanged lab from the seed on the very first start, and never an edited one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-seed-'));
    const labsDir = path.join(dir, 'labs');
    fs.mkdirSync(labsDir);
    for (const f of fs.readdirSync(FIXTURE_COURSE))
      fs.copyFileSync(path.join(FIXTURE_COURSE, f), path.join(labsDir, f));
    const seed = await labSeed(labsDir);
    expect(Object.keys(seed.labs)).toHaveLength(2);
    // Mark the seeded labs, so that a lab coming from the seed shows it.
    for (const lab of Object.values(seed.labs)) lab.title = `${String(lab.title)} (seed)`;
    const seedFile = path.join(dir, 'lab-seed.json');
    fs.writeFileSync(seedFile, JSON.stringify(seed));
    const first = await loadLabsCached(labsDir, path.join(dir, 'cache-1', 'labs.json'), seedFile);
    expect(first.labs.map((l) => String(l.lab.title)).every((t) => t.endsWith('(seed)'))).toBe(true);
    expect(first.labs.map((l) => l.file).sort()).toEqual(
      fs
        .readdirSync(labsDir)
        .map((f) => path.join(labsDir, f))
        .sort(),
    );
    // One byte different: parsed afresh by labs/, whatever the seed says.
    const file = path.join(labsDir, 'a-basics.yaml');
    fs.appendFileSync(file, '\n');
    const second = await loadLabsCached(labsDir, path.join(dir, 'cache-2', 'labs.json'), seedFile);
    expect(String(second.labs.find((l) => l.lab.id === 'fixture-basics')!.lab.title).endsWith('(seed)')).toBe(false);
    expect(String(second.labs.find((l) => l.lab.id === 'fixture-database')!.lab.title).endsWith('(seed)')).toBe(true);
    // A seed from another version is not used.
    const otherSeed = path.join(dir, 'other-seed.json');
    fs.writeFileSync(otherSeed, JSON.stringify({ ...seed, build: '0.0.0-other' }));
    const third = await loadLabsCached(labsDir, path.join(dir, 'cache-3', 'labs.json'), otherSeed);
    expect(third.labs.some((l) => String(l.lab.title).endsWith('(seed)'))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
