/**
 * What `vault-lab validate` asks of every step so the judge stays fair: at least one other
 * right way (`alternatives`, an `http_solution` counts) and at least one wrong way with its
 * diagnostic (`anti_solutions`), unless the step says why not in `exempt`; and in every lab
 * at least one step proven over HTTP (curl or `http:`). It also counts what a course has.
 */
import type { LabProblem, LoadedLab } from './load.js';
import type { CheckNode, Step } from './schema.js';

const CURL_RE = /(^|[\s;&|(])curl\s/;

function alternativeCount(step: Step) {
  return step.alternatives.length + (step.http_solution ? 1 : 0);
}

function httpAlternatives(step: Step) {
  return (
    step.alternatives.filter((a) => a.http || a.run?.some((c) => CURL_RE.test(c))).length + (step.http_solution ? 1 : 0)
  );
}

/** Checks that judge typed text (`command:` with `matches` or `contains`, not `means`). */
function textChecks(c: CheckNode): number {
  const own = c.command && (c.command.matches !== undefined || c.command.contains !== undefined) ? 1 : 0;
  const kids = [...(c.all ?? []), ...(c.any ?? []), ...(c.not ? [c.not] : [])];
  return own + kids.reduce((n, k) => n + textChecks(k), 0);
}

export interface FairnessCounts {
  steps: number;
  alternatives: number;
  http: number;
  antiSolutions: number;
  exempt: { alternatives: number; anti_solutions: number; retry: number };
  commandText: number;
}

export function fairnessCounts(loaded: LoadedLab): FairnessCounts {
  const steps = loaded.lab.steps;
  const sum = (f: (s: Step) => number) => steps.reduce((n, s) => n + f(s), 0);
  return {
    steps: steps.length,
    alternatives: sum(alternativeCount),
    http: sum(httpAlternatives),
    antiSolutions: sum((s) => s.anti_solutions.length),
    exempt: {
      alternatives: sum((s) => (s.exempt?.alternatives ? 1 : 0)),
      anti_solutions: sum((s) => (s.exempt?.anti_solutions ? 1 : 0)),
      retry: sum((s) => (s.exempt?.retry ? 1 : 0)),
    },
    commandText: sum((s) => s.check.reduce((n, c) => n + textChecks(c), 0)),
  };
}

export function addCounts(a: FairnessCounts, b: FairnessCounts): FairnessCounts {
  return {
    steps: a.steps + b.steps,
    alternatives: a.alternatives + b.alternatives,
    http: a.http + b.http,
    antiSolutions: a.antiSolutions + b.antiSolutions,
    exempt: {
      alternatives: a.exempt.alternatives + b.exempt.alternatives,
      anti_solutions: a.exempt.anti_solutions + b.exempt.anti_solutions,
      retry: a.exempt.retry + b.exempt.retry,
    },
    commandText: a.commandText + b.commandText,
  };
}

export function formatCounts(c: FairnessCounts): string {
  return (
    `${c.steps} steps · ${c.alternatives} alternatives (${c.http} over HTTP) · ${c.antiSolutions} anti-solutions · ` +
    `exempt: ${c.exempt.alternatives} from alternatives, ${c.exempt.anti_solutions} from anti-solutions, ` +
    `${c.exempt.retry} from the retry · ${c.commandText} checks on typed text`
  );
}

/** The fairness rules as lint problems. `add` positions a problem at a path of the lab. */
export function lintFairness(loaded: LoadedLab, add: (p: PropertyKey[], message: string, hint: string) => void): void {
  const steps = loaded.lab.steps;
  steps.forEach((step, i) => {
    if (!alternativeCount(step) && !step.exempt?.alternatives)
      add(
        ['steps', i, 'id'],
        'the step has no alternative, so nobody has shown that other right answers pass',
        'add alternatives: (another CLI form, -mount=, -format=json | jq, vault read/write on the API path, curl), or exempt.alternatives: why there is only one way',
      );
    if (!step.anti_solutions.length && !step.exempt?.anti_solutions)
      add(
        ['steps', i, 'id'],
        'the step has no anti-solution, so nobody has shown that a wrong answer fails',
        'add anti_solutions: a usual mistake and the diagnostic the learner then sees, or exempt.anti_solutions: why none exists',
      );
  });
  if (!steps.some((s) => httpAlternatives(s) > 0))
    add(
      ['steps'],
      'no step of this lab is proven over HTTP',
      'give at least one step an alternative that uses curl against $VAULT_ADDR/v1/… (or `http:` calls)',
    );
}

export type { LabProblem };
