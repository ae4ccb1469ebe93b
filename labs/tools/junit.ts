/** JUnit XML for CI systems that read it (`vault-lab test --junit file`). */
import fs from 'node:fs';

/** One step of one lab in `vault-lab test` (the runner's outcome, the JUnit test case). */
export interface StepOutcome {
  lab: string;
  step: string;
  ok: boolean;
  detail: string;
  ms: number;
  /** A failure of this step's own solution after earlier alternatives (a dead end, unless the solution fails anyway). */
  deadEnd?: string;
}

const esc = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

export function writeJunit(file: string, outcomes: StepOutcome[]) {
  const byLab = new Map<string, StepOutcome[]>();
  for (const o of outcomes) byLab.set(o.lab, [...(byLab.get(o.lab) ?? []), o]);
  const suites = [...byLab].map(([lab, os]) => {
    const fails = os.filter((o) => !o.ok).length;
    const cases = os
      .map(
        (o) =>
          `    <testcase classname="${esc(lab)}" name="${esc(o.step)}" time="${(o.ms / 1000).toFixed(3)}">${o.ok ? '' : `<failure message="${esc(o.detail.split('\n')[0])}">${esc(o.detail)}</failure>`}</testcase>`,
      )
      .join('\n');
    return `  <testsuite name="${esc(lab)}" tests="${os.length}" failures="${fails}">\n${cases}\n  </testsuite>`;
  });
  fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`);
}
