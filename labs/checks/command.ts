/**
 * `command` (edge): a command line the learner ran in the lab shell since the step
 * began, and its exit code — captured by shell integration (`labs/shell-integration.ts`).
 * Lines are redacted before the session keeps them: `key=value` arguments read `key=***`.
 * `means:` judges the line by meaning (meaning.ts); `matches`/`contains` by its text.
 */
import type { z } from 'zod';
import type { CommandCheck } from '../format/schema.js';
import { judgeLine, loadVaultParser, patternOf, type Verdict } from './meaning.js';
import type { CommandRecord, Evaluator } from './types.js';

type Spec = z.infer<typeof CommandCheck>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const firstLine = (c: CommandRecord) => c.line.split('\n')[0];

function textMatches(spec: Spec, c: CommandRecord): boolean {
  if (spec.contains !== undefined && !c.line.includes(spec.contains)) return false;
  if (spec.matches !== undefined && !new RegExp(spec.matches, 'm').test(c.line)) return false;
  return true;
}

function describe(spec: Spec): string {
  const means = list(spec.means);
  const what = means.length
    ? `\`${means.join('` or `')}\` (or a command meaning the same)`
    : spec.matches !== undefined
      ? `a command matching /${spec.matches}/`
      : spec.contains !== undefined
        ? `a command containing "${spec.contains}"`
        : 'a command';
  const codes = list(spec.exit);
  return `${what}${codes.length ? ` that exits ${codes.join(' or ')}` : ''}`;
}

export const commandCheck: Evaluator<Spec> = async (spec, ctx) => {
  const codes = list(spec.exit);
  const patterns = list(spec.means).map((m) => {
    const p = patternOf(m);
    if (!p) throw new Error(`the means: pattern "${m}" is not a command`);
    return p;
  });
  const vault = patterns.length ? await loadVaultParser() : undefined;
  // A pattern the CLI itself refuses is the author's mistake: say so, never a silent miss.
  for (const p of patterns) {
    const parsed = p.program === 'vault' ? vault!(p.args) : undefined;
    if (parsed && 'error' in parsed)
      throw new Error(`the means: pattern \`vault ${p.args.join(' ')}\` is not a vault command: ${parsed.error}`);
  }
  const verdicts = new Map<CommandRecord, Verdict>();
  const meaningOf = (c: CommandRecord): Verdict | undefined => {
    if (!vault) return undefined;
    if (!verdicts.has(c)) {
      const vs = patterns.map((p) => judgeLine(c.line, p, vault));
      verdicts.set(c, vs.find((v) => v.ok) ?? vs.find((v) => v.same) ?? vs[0]);
    }
    return verdicts.get(c);
  };
  const said = (c: CommandRecord) => textMatches(spec, c) && (meaningOf(c)?.ok ?? true);
  const matches = ctx.commands.filter((c) => said(c) && (!codes.length || codes.includes(c.exit)));
  if (matches.length >= spec.count)
    return {
      pass: true,
      kind: 'edge',
      first: matches[spec.count - 1].seq,
      last: matches[matches.length - 1].seq,
      message: `ran ${describe(spec)}`,
    };
  if (!ctx.commands.length)
    return { pass: false, kind: 'edge', message: `No commands yet in this step; waiting for ${describe(spec)}.` };
  const sameText = [...ctx.commands].reverse().find(said);
  if (sameText) {
    const wants = matches.length
      ? `${spec.count} such commands (${matches.length} so far)`
      : `exit ${codes.join(' or ')}`;
    return {
      pass: false,
      kind: 'edge',
      message: `Not yet: \`${firstLine(sameText)}\` exited ${sameText.exit}, the step wants ${wants}.`,
    };
  }
  const last = ctx.commands[ctx.commands.length - 1];
  // By meaning: talk about the latest command that ran the same thing, differently.
  const near = vault ? [...ctx.commands].reverse().find((c) => meaningOf(c)?.same && meaningOf(c)?.why) : undefined;
  if (near) {
    const v = meaningOf(near)!;
    return {
      pass: false,
      kind: 'edge',
      message: `Not yet: your command \`${firstLine(near)}\` was \`${v.what}\` ${v.why}.`,
    };
  }
  const lastWhy = meaningOf(last)?.why;
  return {
    pass: false,
    kind: 'edge',
    message: `Not yet: waiting for ${describe(spec)}; your last command was \`${firstLine(last)}\`${lastWhy ? ` (${lastWhy})` : ''}.`,
  };
};
