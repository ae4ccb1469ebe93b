/**
 * A problem in a lab file, as `file:line:column: what is wrong` plus a one-line hint.
 * Apart from `load.ts` so a face can print problems without loading the YAML parser.
 */
export interface LabProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  hint: string;
}

export function formatProblem(p: LabProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`;
}
