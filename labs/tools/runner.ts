/**
 * Headless lab testing (`vault-lab test`) and validation (`vault-lab validate`).
 *
 * `test` walks each lab several ways, each in a fresh engine (variants.ts): with its
 * solutions and anti-solutions, once per alternative (later steps must still pass), and
 * as a retrying learner. Walks of all labs run side by side (`--jobs`, default twice the number
 * of cores); each lab's report is printed whole, in file order. Output ends with
 * `N passed, N failed`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProblem, LabLoadError, labFiles, loadLabFile, type LoadedLab } from '../format/load.js';
import { addCounts, fairnessCounts, type FairnessCounts, formatCounts } from '../format/fairness.js';
import { lintLab } from '../format/lint.js';
import { t } from '../format/schema.js';
import type { StepOutcome } from './junit.js';
import { type CliRunner, hostedShim, startCliHost } from './cli-host.js';
import { outcomeLine, runVariant, variantsOf } from './variants.js';
import { useHostedVault } from '../runtime/paths.js';
import { labTimes, type ProgressSink, TestProgress } from './progress.js';
import { applyCourse, courseLabFiles, findCourseFile, parseCourseFile, unlistedLabs } from '../format/course.js';
import { CourseError, type ParsedCourse } from '../format/course.js';
import type { LabProblem } from '../format/problem.js';

export type { StepOutcome };

export interface RunOutput {
  write: (s: string) => void;
}

export interface TestOptions {
  /**
   * Runs the lab shells' `vault` inside this process (cli-host.ts) instead of starting the
   * binary per command; the `vault-lab` entry hands in the CLI. Absent: the binary.
   */
  runCli?: CliRunner;
  junit?: string;
  /** Each step of the main walk in its own fresh engine, the earlier solutions replayed first. */
  isolate?: boolean;
  /** How many walks run at once (default: twice the cores; a walk waits on its shell as much as it computes). */
  jobs?: number;
  /** Where provisioning progress goes (stderr): a redrawn line on a terminal, each message once in a log. */
  progress?: ProgressSink;
}

function hasCurl(): boolean {
  return spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Runs tasks with at most `n` at once; results in task order. */
async function pool<T>(tasks: Array<() => Promise<T>>, n: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, worker));
  return out;
}

interface LabPlan {
  display: string;
  loaded?: LoadedLab;
  /** Printed instead of walks when the file cannot load. */
  failure?: { text: string; outcome: StepOutcome };
}

function plan(file: string): LabPlan {
  const display = path.relative(process.cwd(), file) || file;
  try {
    return { display, loaded: loadLabFile(file, display) };
  } catch (e) {
    if (!(e instanceof LabLoadError)) throw e;
    return {
      display,
      failure: {
        text: `✗ ${display}\n${e.problems.map((p) => '  ' + formatProblem(p).replace(/\n/g, '\n  ')).join('\n')}\n`,
        outcome: { lab: display, step: '(load)', ok: false, detail: e.message, ms: 0 },
      },
    };
  }
}

/**
 * The lab files of a target: one file, a folder in name order, or — when a course manifest
 * governs the folder (or is the target) — the manifest's labs in its order.
 * @throws when the target cannot be read.
 */
export function targetFiles(target: string): { files: string[]; course?: ParsedCourse; problems: LabProblem[] } {
  const courseFile = findCourseFile(target);
  if (!courseFile) return { files: labFiles(target), problems: [] };
  const display = path.relative(process.cwd(), courseFile) || courseFile;
  try {
    const course = parseCourseFile(courseFile, display);
    const { files, problems } = courseLabFiles(course);
    problems.push(...unlistedLabs(course, files));
    return { files, course, problems };
  } catch (e) {
    if (!(e instanceof CourseError)) throw e;
    const dir = fs.statSync(target).isFile() ? path.dirname(target) : target;
    return { files: labFiles(dir), problems: e.problems };
  }
}

/** Tests labs: every walk of every lab through a pool; prints each lab's report whole, in order. */
async function testPlans(
  plans: LabPlan[],
  out: RunOutput,
  opts: TestOptions,
  times?: LabTime[],
): Promise<StepOutcome[]> {
  // The hosted `vault` is a bash script that needs curl; without curl the binary runs.
  const host = opts.runCli && hasCurl() ? await startCliHost(opts.runCli) : undefined;
  if (host) useHostedVault(hostedShim(host));
  const progress = new TestProgress(opts.progress, plans.length);
  try {
    return await walkPlans(plans, { write: progress.around((s) => out.write(s)) }, opts, progress, times);
  } finally {
    progress.stop();
    if (host) {
      useHostedVault(undefined);
      await host.close();
    }
  }
}

interface LabTime {
  lab: string;
  ok: boolean;
  walks: number;
  ms: number;
}

async function walkPlans(
  plans: LabPlan[],
  out: RunOutput,
  opts: TestOptions,
  progress: TestProgress,
  times: LabTime[] = [],
): Promise<StepOutcome[]> {
  const tasks: Array<() => Promise<{ outcomes: StepOutcome[]; text: string }>> = [];
  const slices: Array<[number, number]> = [];
  // Each lab's wall time: from its first walk's start to its last walk's end.
  const spans = plans.map(() => ({ from: Infinity, to: 0 }));
  const note = (lab: string, msg: string) => progress.note(lab, msg);
  plans.forEach((p, k) => {
    const from = tasks.length;
    if (p.loaded)
      for (const v of variantsOf(p.loaded, opts.isolate))
        tasks.push(async () => {
          spans[k].from = Math.min(spans[k].from, performance.now());
          try {
            return await runVariant(p.loaded!, v, note);
          } finally {
            spans[k].to = Math.max(spans[k].to, performance.now());
          }
        });
    slices.push([from, tasks.length]);
  });
  // Print each lab as soon as it and every lab before it are done.
  const done: Array<{ outcomes: StepOutcome[]; text: string } | undefined> = new Array(tasks.length);
  let printed = 0;
  const all: StepOutcome[] = [];
  const flush = () => {
    while (printed < plans.length) {
      const p = plans[printed];
      const [from, to] = slices[printed];
      for (let i = from; i < to; i++) if (!done[i]) return;
      if (p.failure) {
        out.write(p.failure.text);
        all.push(p.failure.outcome);
        times.push({ lab: p.display, ok: false, walks: 0, ms: 0 });
      } else {
        const outcomes = done.slice(from, to).flatMap((d) => d!.outcomes);
        const span = spans[printed];
        times.push({
          lab: p.loaded!.lab.id,
          ok: outcomes.every((o) => o.ok),
          walks: to - from,
          ms: to > from ? span.to - span.from : 0,
        });
        out.write(`${p.loaded!.lab.id} — ${t(p.loaded!.lab.title)} (${p.display})\n`);
        // A step whose own solution fails in the main walk is reported there, not as a dead end.
        const failing = new Set(done[from]!.outcomes.filter((o) => !o.ok).map((o) => o.step));
        for (let i = from; i < to; i++) {
          const kept = done[i]!.outcomes.filter((o) => !o.deadEnd || !failing.has(o.deadEnd));
          out.write(kept.length === done[i]!.outcomes.length ? done[i]!.text : kept.map(outcomeLine).join(''));
          all.push(...kept);
        }
      }
      printed++;
      progress.labDone();
    }
  };
  flush();
  await pool(
    tasks.map((task, i) => async () => {
      done[i] = await task();
      flush();
    }),
    opts.jobs ?? 2 * os.availableParallelism(),
  );
  flush();
  return all;
}

/** Tests one lab file; returns an outcome per step and walk (or one for a lab that cannot load/start). */
export async function testLabFile(file: string, out: RunOutput, opts: TestOptions = {}): Promise<StepOutcome[]> {
  return testPlans([plan(file)], out, opts);
}

/**
 * Tests every lab under a file or folder; returns the process exit code. With `isolate`,
 * each step runs in its own fresh engine (the earlier steps' solutions replayed first).
 */
export async function runTests(target: string, out: RunOutput, opts: TestOptions = {}): Promise<number> {
  let files: string[];
  try {
    files = targetFiles(target).files;
  } catch {
    out.write(`vault-lab test: cannot read ${target}: no such file or folder\n0 passed, 1 failed\n`);
    return 1;
  }
  const times: LabTime[] = [];
  const all = await testPlans(files.map(plan), out, opts, times);
  const passed = all.filter((o) => o.ok).length;
  const failed = all.length - passed;
  if (opts.junit) {
    const { writeJunit } = await import('./junit.js');
    try {
      writeJunit(opts.junit, all);
    } catch (e) {
      out.write(
        `vault-lab test: cannot write ${opts.junit}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
      );
    }
  }
  out.write(labTimes(times));
  out.write(`\n${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

/** Validates lab files without running them: the format, then the lint. */
export function runValidate(target: string, out: RunOutput): number {
  let files: string[];
  let course: ParsedCourse | undefined;
  let courseProblems: LabProblem[];
  try {
    ({ files, course, problems: courseProblems } = targetFiles(target));
  } catch {
    out.write(`vault-lab validate: cannot read ${target}: no such file or folder\n`);
    return 1;
  }
  const good: LoadedLab[] = [];
  let bad = 0;
  let counts: FairnessCounts | undefined;
  const ids = new Map<string, string>();
  for (const f of files) {
    const display = path.relative(process.cwd(), f) || f;
    try {
      const loaded = loadLabFile(f, display);
      good.push(loaded);
      const problems = lintLab(loaded);
      const c = fairnessCounts(loaded);
      counts = counts ? addCounts(counts, c) : c;
      const first = ids.get(loaded.lab.id);
      if (first) {
        const at = loaded.pos?.(['id']) ?? { line: 1, column: 1 };
        problems.unshift({
          file: display,
          line: at.line,
          column: at.column,
          message: `id: lab id "${loaded.lab.id}" is already used by ${first}`,
          hint: 'every lab in a course needs its own id',
        });
      } else ids.set(loaded.lab.id, display);
      if (problems.length) {
        bad++;
        out.write(problems.map(formatProblem).join('\n') + '\n');
      } else out.write(`✓ ${display}\n`);
    } catch (e) {
      if (!(e instanceof LabLoadError)) throw e;
      bad++;
      out.write(e.problems.map(formatProblem).join('\n') + '\n');
    }
  }
  if (course) courseProblems.push(...applyCourse(course, good).problems);
  if (courseProblems.length) out.write(courseProblems.map(formatProblem).join('\n') + '\n');
  else if (course) out.write(`✓ ${course.file} (course: ${course.manifest.sections.length} sections)\n`);
  if (counts) out.write(`\n${formatCounts(counts)}`);
  out.write(
    `\n${files.length - bad} valid, ${bad} invalid${courseProblems.length ? ', the course manifest has problems' : ''}\n`,
  );
  return bad || courseProblems.length ? 1 : 0;
}
