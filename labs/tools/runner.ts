/**
 * Headless lab testing (`vault-lab test`) and validation (`vault-lab validate`).
 *
 * `test` runs each lab in a fresh engine. At every step: the checks must fail before
 * the solution; every anti-solution must leave them failing with its named diagnostic
 * (the step is reset to its snapshot after each); the solution must make them pass.
 * When steps give an `http_solution`, the lab runs once more in another fresh engine,
 * completing those steps through raw HTTP. Output ends with `N passed, N failed`.
 */
import path from 'node:path';
import { formatProblem, LabLoadError, labFiles, loadLabFile, type LoadedLab } from '../format/load.js';
import { lintLab } from '../format/lint.js';
import { LabSession } from '../runtime/session.js';
import { t, type HttpCall, type Step } from '../format/schema.js';
import { select } from '../checks/jsonpath.js';
import type { StepOutcome } from './junit.js';

export type { StepOutcome };

export interface RunOutput {
  write: (s: string) => void;
}

const indent = (s: string, n = 6) => s.replace(/\n/g, '\n' + ' '.repeat(n));

/** Runs one HTTP call of a step's HTTP solution against the session's engine, as a raw client would. */
async function runHttpCall(session: LabSession, call: HttpCall): Promise<string> {
  let token = call.token;
  if (token.startsWith('$')) {
    const name = token.replace(/^\$\{?|\}$/g, '');
    token = (await session.runCommand(`printf '%s' "\${${name}}"`)).output;
  }
  const list = call.method === 'LIST';
  const url = `${session.engine.url}/v1/${call.path.replace(/^\/+/, '')}${list ? '?list=true' : ''}`;
  const res = await fetch(url, {
    method: list ? 'GET' : call.method,
    headers: {
      ...(token ? { 'X-Vault-Token': token } : {}),
      ...(call.data ? { 'Content-Type': 'application/json' } : {}),
    },
    body: call.data ? JSON.stringify(call.data) : undefined,
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  for (const [name, place] of Object.entries(call.export ?? {})) {
    const { found, value } = select(body, place);
    const v = found ? (typeof value === 'string' ? value : JSON.stringify(value)) : '';
    await session.runCommand(`export ${name}='${v.replace(/'/g, `'\\''`)}'`);
  }
  return `${call.method} /v1/${call.path} → ${res.status}`;
}

interface StepRun {
  ok: boolean;
  detail: string;
}

async function runStep(session: LabSession, loaded: LoadedLab, i: number, variant: 'cli' | 'http'): Promise<StepRun> {
  const step: Step = loaded.lab.steps[i];
  const where = (p: PropertyKey[]) => {
    const at = loaded.pos?.(p);
    return at ? `${loaded.display ?? loaded.file}:${at.line}:${at.column}: ` : '';
  };
  const before = await session.evaluate();
  if (before.every((r) => r.pass)) {
    return {
      ok: false,
      detail: `${where(['steps', i, 'check'])}the checks already pass before the solution ran — the step cannot fail\n    hint: make the check look for what this step's solution does (a request since the step began, a state it creates)`,
    };
  }
  const problems: string[] = [];
  if (variant === 'cli') {
    for (const [k, anti] of step.anti_solutions.entries()) {
      for (const cmd of anti.run) await session.runCommand(`(\n${cmd}\n)`, undefined, { record: true, recordAs: cmd });
      await session.settle();
      const res = await session.evaluate();
      const want = t(anti.diagnostic);
      const messages = res.filter((r) => !r.pass).map((r) => r.message);
      if (!messages.length)
        problems.push(
          `${where(['steps', i, 'anti_solutions', k])}anti-solution ${k + 1} (${anti.run[0].split('\n')[0]}) passes the checks — they cannot tell it from the solution`,
        );
      else if (!messages.some((m) => m.includes(want)))
        problems.push(
          `${where(['steps', i, 'anti_solutions', k, 'diagnostic'])}anti-solution ${k + 1} fails, but without the diagnostic "${want}"; the learner is told:\n${messages.map((m) => `  - ${m}`).join('\n')}`,
        );
      await session.resetStep();
    }
  }
  const logs: string[] = [];
  if (variant === 'http' && step.http_solution) {
    for (const call of step.http_solution) logs.push(await runHttpCall(session, call));
  } else {
    for (const cmd of step.solution) {
      const r = await session.runCommand(cmd, undefined, { record: true });
      logs.push(`$ ${cmd.split('\n')[0]}${cmd.includes('\n') ? ' …' : ''}  (exit ${r.code})\n${r.output.trimEnd()}`);
    }
  }
  await session.settle();
  const after = await session.evaluate();
  const failing = after.filter((r) => !r.pass);
  if (failing.length) {
    problems.push(
      `${where(['steps', i, variant === 'http' ? 'http_solution' : 'solution'])}checks still fail after the ${variant === 'http' ? 'HTTP ' : ''}solution:\n${failing.map((f) => `  - ${f.message}`).join('\n')}\n  solution output:\n${logs.map((l) => '    ' + indent(l, 4)).join('\n')}`,
    );
  }
  return { ok: !problems.length, detail: problems.join('\n') };
}

async function runVariant(
  loaded: LoadedLab,
  out: RunOutput,
  variant: 'cli' | 'http',
  isolate = false,
): Promise<StepOutcome[]> {
  const { lab } = loaded;
  const outcomes: StepOutcome[] = [];
  const suffix = variant === 'http' ? ' (http)' : '';
  let session: LabSession | undefined;
  const open = async (resumeAt: number): Promise<LabSession | undefined> => {
    const s = new LabSession({
      lab,
      labDir: loaded.dir,
      autoAdvance: false,
      resume: resumeAt ? { step: resumeAt } : undefined,
    });
    try {
      await s.start();
      return s;
    } catch (e) {
      await s.stop().catch(() => undefined);
      const what = resumeAt
        ? `setup${suffix} (replaying the solutions before ${lab.steps[resumeAt].id})`
        : `setup${suffix}`;
      out.write(`  ✗ ${what}: ${(e as Error).message}\n`);
      outcomes.push({
        lab: lab.id,
        step: `(setup)${suffix}${resumeAt ? ` before ${lab.steps[resumeAt].id}` : ''}`,
        ok: false,
        detail: (e as Error).message,
        ms: 0,
      });
      return undefined;
    }
  };
  try {
    for (let i = 0; i < lab.steps.length; i++) {
      const step = lab.steps[i];
      const relevant = variant === 'cli' || !!step.http_solution;
      // Isolated: every step that is tested gets its own fresh engine, brought to it by the earlier solutions.
      if (isolate && relevant) {
        await session?.stop();
        session = await open(i);
        if (!session) return outcomes;
      } else if (!session) {
        session = await open(0);
        if (!session) return outcomes;
      }
      const t0 = performance.now();
      let r: StepRun;
      try {
        r = await runStep(session, loaded, i, variant);
      } catch (e) {
        r = { ok: false, detail: (e as Error).message };
      }
      const ms = performance.now() - t0;
      if (relevant) {
        outcomes.push({ lab: lab.id, step: step.id + suffix, ok: r.ok, detail: r.detail, ms });
        out.write(
          `  ${r.ok ? '✓' : '✗'} ${step.id}${suffix}${r.ok ? '' : `:\n    ${indent(r.detail, 4)}\n   `} (${Math.round(ms)} ms)\n`,
        );
      }
      await session.completeStep();
    }
  } finally {
    await session?.stop();
  }
  return outcomes;
}

/** Tests one lab file; returns an outcome per step (or one for a lab that cannot load/start). */
export async function testLabFile(
  file: string,
  out: RunOutput,
  opts: { isolate?: boolean } = {},
): Promise<StepOutcome[]> {
  const display = path.relative(process.cwd(), file) || file;
  let loaded: LoadedLab;
  try {
    loaded = loadLabFile(file, display);
  } catch (e) {
    if (e instanceof LabLoadError) {
      out.write(`✗ ${display}\n${e.problems.map((p) => '  ' + formatProblem(p).replace(/\n/g, '\n  ')).join('\n')}\n`);
      return [{ lab: display, step: '(load)', ok: false, detail: e.message, ms: 0 }];
    }
    throw e;
  }
  out.write(`${loaded.lab.id} — ${t(loaded.lab.title)} (${display})\n`);
  const outcomes = await runVariant(loaded, out, 'cli', opts.isolate);
  if (loaded.lab.steps.some((s) => s.http_solution))
    outcomes.push(...(await runVariant(loaded, out, 'http', opts.isolate)));
  return outcomes;
}

/**
 * Tests every lab under a file or folder; returns the process exit code. With `isolate`,
 * each step runs in its own fresh engine (the earlier steps' solutions replayed first).
 */
export async function runTests(
  target: string,
  out: RunOutput,
  opts: { junit?: string; isolate?: boolean } = {},
): Promise<number> {
  let files: string[];
  try {
    files = labFiles(target);
  } catch {
    out.write(`vault-lab test: cannot read ${target}: no such file or folder\n0 passed, 1 failed\n`);
    return 1;
  }
  const all: StepOutcome[] = [];
  for (const f of files) all.push(...(await testLabFile(f, out, { isolate: opts.isolate })));
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
  out.write(`\n${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

/** Validates lab files without running them: the format, then the lint. */
export function runValidate(target: string, out: RunOutput): number {
  let files: string[];
  try {
    files = labFiles(target);
  } catch {
    out.write(`vault-lab validate: cannot read ${target}: no such file or folder\n`);
    return 1;
  }
  let bad = 0;
  const ids = new Map<string, string>();
  for (const f of files) {
    const display = path.relative(process.cwd(), f) || f;
    try {
      const loaded = loadLabFile(f, display);
      const problems = lintLab(loaded);
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
  out.write(`\n${files.length - bad} valid, ${bad} invalid\n`);
  return bad ? 1 : 0;
}
