/**
 * Headless lab testing (`vault-lab test`) and validation (`vault-lab validate`):
 * each lab runs in a fresh engine; at every step the checks must fail before the
 * solution and pass after it. Output ends with `N passed, N failed`.
 */
import path from 'node:path';
import { formatProblem, LabLoadError, labFiles, loadLabFile } from './load.js';
import { LabSession } from './session.js';
import { t } from './schema.js';

export interface StepOutcome { lab: string; step: string; ok: boolean; detail: string; ms: number }

export interface RunOutput { write: (s: string) => void }

/** Tests one lab file; returns an outcome per step (or one for a lab that cannot load/start). */
export async function testLabFile(file: string, out: RunOutput): Promise<StepOutcome[]> {
  const display = path.relative(process.cwd(), file) || file;
  let loaded;
  try {
    loaded = loadLabFile(file, display);
  } catch (e) {
    if (e instanceof LabLoadError) {
      out.write(`✗ ${display}\n${e.problems.map((p) => '  ' + formatProblem(p).replace(/\n/g, '\n  ')).join('\n')}\n`);
      return [{ lab: display, step: '(load)', ok: false, detail: e.message, ms: 0 }];
    }
    throw e;
  }
  const { lab } = loaded;
  out.write(`${lab.id} — ${t(lab.title)} (${display})\n`);
  const session = new LabSession({ lab, labDir: loaded.dir, autoAdvance: false });
  const outcomes: StepOutcome[] = [];
  try {
    try {
      await session.start();
    } catch (e) {
      out.write(`  ✗ setup: ${(e as Error).message}\n`);
      return [{ lab: lab.id, step: '(setup)', ok: false, detail: (e as Error).message, ms: 0 }];
    }
    for (const step of lab.steps) {
      const t0 = performance.now();
      const before = await session.evaluate();
      let ok = true;
      let detail = '';
      if (before.every((r) => r.pass)) {
        ok = false;
        detail = 'the checks already pass before the solution ran — the step cannot fail';
      } else {
        const logs: string[] = [];
        for (const cmd of step.solution) {
          const r = await session.runCommand(cmd);
          logs.push(`$ ${cmd.split('\n')[0]}${cmd.includes('\n') ? ' …' : ''}  (exit ${r.code})\n${r.output.trimEnd()}`);
        }
        await session.settle();
        const after = await session.evaluate();
        const failing = after.filter((r) => !r.pass);
        if (failing.length) {
          ok = false;
          detail = `checks still fail after the solution:\n${failing.map((f) => `      - ${f.message}`).join('\n')}\n    solution output:\n${logs.map((l) => '      ' + l.replace(/\n/g, '\n      ')).join('\n')}`;
        }
      }
      const ms = performance.now() - t0;
      outcomes.push({ lab: lab.id, step: step.id, ok, detail, ms });
      out.write(`  ${ok ? '✓' : '✗'} ${step.id}${ok ? '' : `: ${detail}`} (${Math.round(ms)} ms)\n`);
      await session.completeStep();
    }
  } finally {
    await session.stop();
  }
  return outcomes;
}

/** Tests every lab under a file or folder; returns the process exit code. */
export async function runTests(target: string, out: RunOutput, opts: { junit?: string } = {}): Promise<number> {
  let files: string[];
  try { files = labFiles(target); } catch { out.write(`vault-lab test: cannot read ${target}: no such file or folder\n0 passed, 1 failed\n`); return 1; }
  const all: StepOutcome[] = [];
  for (const f of files) all.push(...(await testLabFile(f, out)));
  const passed = all.filter((o) => o.ok).length;
  const failed = all.length - passed;
  if (opts.junit) {
    const { writeJunit } = await import('./junit.js');
    writeJunit(opts.junit, all);
  }
  out.write(`\n${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

/** Validates lab files without running them. */
export function runValidate(target: string, out: RunOutput): number {
  let files: string[];
  try { files = labFiles(target); } catch { out.write(`vault-lab validate: cannot read ${target}: no such file or folder\n`); return 1; }
  let bad = 0;
  for (const f of files) {
    const display = path.relative(process.cwd(), f) || f;
    try {
      loadLabFile(f, display);
      out.write(`✓ ${display}\n`);
    } catch (e) {
      if (!(e instanceof LabLoadError)) throw e;
      bad++;
      out.write(e.problems.map(formatProblem).join('\n') + '\n');
    }
  }
  out.write(`\n${files.length - bad} valid, ${bad} invalid\n`);
  return bad ? 1 : 0;
}
