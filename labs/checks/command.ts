/**
 * `command` (edge): a command line the learner ran in the lab shell since the step
 * began, and its exit code — captured by shell integration (`labs/shell-integration.ts`).
 * Lines are redacted before the session keeps them: `key=value` arguments read `key=***`.
 */
import type { z } from 'zod';
import type { CommandCheck } from '../format/schema.js';
import type { CommandRecord, Evaluator } from './types.js';

type Spec = z.infer<typeof CommandCheck>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function textMatches(spec: Spec, c: CommandRecord): boolean {
  if (spec.contains !== undefined && !c.line.includes(spec.contains)) return false;
  if (spec.matches !== undefined && !new RegExp(spec.matches, 'm').test(c.line)) return false;
  return true;
}

function describe(spec: Spec): string {
  const what =
    spec.matches !== undefined
      ? `a command matching /${spec.matches}/`
      : spec.contains !== undefined
        ? `a command containing "${spec.contains}"`
        : 'a command';
  const codes = list(spec.exit);
  return `${what}${codes.length ? ` that exits ${codes.join(' or ')}` : ''}`;
}

export const commandCheck: Evaluator<Spec> = async (spec, ctx) => {
  const codes = list(spec.exit);
  const matches = ctx.commands.filter((c) => textMatches(spec, c) && (!codes.length || codes.includes(c.exit)));
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
  const sameText = [...ctx.commands].reverse().find((c) => textMatches(spec, c));
  if (sameText)
    return {
      pass: false,
      kind: 'edge',
      message: `Not yet: \`${sameText.line.split('\n')[0]}\` exited ${sameText.exit}, the step wants exit ${codes.join(' or ')}.`,
    };
  const last = ctx.commands[ctx.commands.length - 1];
  return {
    pass: false,
    kind: 'edge',
    message: `Not yet: waiting for ${describe(spec)}; your last command was \`${last.line.split('\n')[0]}\`.`,
  };
};
