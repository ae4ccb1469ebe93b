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

/**
 * Text for an XML 1.0 attribute or element. XML 1.0 cannot carry most C0 control characters
 * even as character references (only tab, LF and CR), nor lone surrogates, U+FFFE and U+FFFF:
 * those become a visible `\x1b`-style escape so a diagnostic with terminal colours or a NUL
 * still yields a file every JUnit reader parses.
 */
export function xmlText(s: string): string {
  return s
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (c) =>
        c.length === 1 && c.charCodeAt(0) < 0x100
          ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
const esc = xmlText;

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
