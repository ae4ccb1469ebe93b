/**
 * content/coverage.yaml maps every seed section and every command family the seeds type to
 * the lab step that teaches it. These tests hold it to the course as shipped: a renamed
 * step, a new seed section, a family no lab types any more — each fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadLabDir } from '../../labs/format/load.js';
import { ROOT } from '../support/engine.js';
import { type Coverage, coverageProblems, normal, typedLines } from './coverage-check.js';
import { lineTypes, readPattern } from './families.js';

const COVERAGE = path.join(ROOT, 'content', 'coverage.yaml');
const cov = (): Coverage => parse(readFileSync(COVERAGE, 'utf8'));
const { labs: loaded } = loadLabDir(path.join(ROOT, 'content', 'labs'));
const labs = loaded.map((l) => l.lab);

/** The seeds live beside the project (shared/seeds), or where VAULT_LAB_SEEDS says. */
function seedDir(): string | undefined {
  const candidates = [
    process.env.VAULT_LAB_SEEDS,
    path.resolve(ROOT, '..', 'shared', 'seeds'),
    path.resolve(ROOT, '..', '..', 'shared', 'seeds'),
  ];
  return candidates.find((d): d is string => !!d && existsSync(d));
}
const SEEDS = seedDir();
const seedText = SEEDS
  ? new Map(
      readdirSync(SEEDS)
        .filter((f) => f.endsWith('.txt'))
        .map((f) => [f, readFileSync(path.join(SEEDS, f), 'utf8')]),
    )
  : undefined;

// Each test reads the whole course's commands; a loaded machine needs more than the default 5 s.
describe('content/coverage.yaml', { timeout: 120_000 }, () => {
  it('names only labs and steps that exist, lists every seed section, and types what it says is taught', () => {
    expect(coverageProblems(cov(), labs, seedText)).toEqual([]);
    // Whether or not the seeds are at hand, the five seeds and their sections are recorded.
    const c = cov();
    expect(c.seeds.map((s) => s.file.slice(0, 3))).toEqual(['000', '001', '002', '003', '004']);
    expect(c.seeds.reduce((n, s) => n + s.sections.length, 0)).toBeGreaterThanOrEqual(95);
  });

  it('leaves only AWS and deployment families untyped; every other family is typed by a lab or pending', () => {
    const c = cov();
    const steps = typedLines(labs);
    const typed = (f: Coverage['families'][number]) => {
      const ps = (f.match ?? [f.family]).map(readPattern);
      return [...steps.values()].some((lines) => lines.some((x) => ps.some((p) => lineTypes(x, p))));
    };
    const untyped = c.families.filter((f) => !typed(f));
    expect(untyped.filter((f) => !f.untyped && !f.pending).map((f) => f.family)).toEqual([]);
    expect(new Set(untyped.filter((f) => f.untyped).map((f) => f.untyped))).toEqual(new Set(['aws', 'deployment']));
    // The families this branch set out to cover are typed now.
    for (const name of [
      'vault kv metadata delete',
      'psql -c *NOINHERIT*',
      'vault read -address=* **',
      'curl */v1/sys/health',
    ])
      expect(typed(c.families.find((f) => f.family === name)!), name).toBe(true);
  });

  it('fails on a step that does not exist, a lab that does not exist, and an unknown pending lab', () => {
    const c = cov();
    c.seeds[0].sections[0].taught = ['kv-versioning/no-such-step', 'no-such-lab/x'];
    c.families[0].pending = 'not-a-branch';
    delete c.families[0].taught;
    const p = coverageProblems(c, labs);
    expect(p).toContainEqual(expect.stringContaining('lab "kv-versioning" has no step "no-such-step"'));
    expect(p).toContainEqual(expect.stringContaining('lab "no-such-lab" does not exist'));
    expect(p).toContainEqual(expect.stringContaining('pending names "not-a-branch"'));
  });

  it('fails when a seed section is missing, or a taught family is not typed by its step', () => {
    const c = cov();
    const dropped = c.seeds[1].sections.splice(3, 1)[0];
    const fake = new Map([[c.seeds[1].file, `Step 1: Dev Mode Quick Start\n${dropped.section}\n`]]);
    const p = coverageProblems({ ...c, seeds: [c.seeds[1]] }, labs, fake);
    expect(p).toContainEqual(expect.stringContaining(`section "${normal(dropped.section)}" is missing from coverage`));
    const f = c.families.find((x) => x.family === 'vault kv metadata delete')!;
    f.taught = 'kv-basics/put-and-get';
    expect(coverageProblems(c, labs)).toContainEqual(
      expect.stringContaining('step kv-basics/put-and-get types no such command'),
    );
  });

  it('fails when a family marked untyped is typed after all, or is untyped for another reason', () => {
    const c = cov();
    const f = c.families.find((x) => x.family === 'vault kv list')!;
    delete f.taught;
    f.untyped = 'deployment';
    f.reason = 'A made-up reason for the test.';
    const g = c.families.find((x) => x.family === 'kubectl exec')!;
    g.untyped = 'too-hard';
    g.reason = 'Another made-up reason for the test.';
    const p = coverageProblems(c, labs);
    expect(p).toContainEqual(
      expect.stringMatching(/family "vault kv list": [a-z-]+\/[a-z-]+ types it; mark it taught/),
    );
    expect(p).toContainEqual(expect.stringContaining('only aws and deployment families may stay untyped'));
  });
});
