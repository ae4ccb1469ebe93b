/** Helpers for lab runtime tests: a lab from inline YAML, a started session. */
import { parseLab } from '../../labs/format/load.js';
import { LabSession, type SessionOptions } from '../../labs/runtime/session.js';

export function lab(yaml: string) {
  return parseLab(yaml, 'inline.yaml');
}

export async function session(yaml: string, opts: Partial<SessionOptions> = {}): Promise<LabSession> {
  const s = new LabSession({ lab: lab(yaml), autoAdvance: false, ...opts });
  await s.start();
  return s;
}

export const ONE_STEP = (check: string, extra = '') => `
id: t
title: T
minutes: 1
${extra}
steps:
  - id: s1
    title: S
    body: b
    hints: [h]
    solution: ["true"]
    check:
${check
  .split('\n')
  .map((l) => '      ' + l)
  .join('\n')}
`;
