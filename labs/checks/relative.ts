/**
 * What relative checks share: the step-start baseline kept in the check's memo, counts
 * (`N` or `{ min, max }`), and `{{X}}` / `{{start:X}}` templates filled from a read now
 * and the same read when the step began.
 */
import type { CheckMemo } from './types.js';
import { select } from './jsonpath.js';

export type Count = number | { min?: number; max?: number };

/** The value this check saw when the step began: taken on its first evaluation, kept until the step resets. */
export function baseline<T>(memo: CheckMemo, now: T): T {
  if (!('start' in memo)) memo.start = now;
  return memo.start as T;
}

/** Whether `n` is in the count, and how to say the count. */
export function inCount(n: number, want: Count): { ok: boolean; said: string } {
  const [min, max] = typeof want === 'number' ? [want, want] : [want.min ?? 0, want.max ?? Infinity];
  const said =
    min === max ? `${min}` : max === Infinity ? `at least ${min}` : min === 0 ? `at most ${max}` : `${min}–${max}`;
  return { ok: n >= min && n <= max, said };
}

const TEMPLATE = /\{\{\s*(start:)?\s*([^}]+?)\s*\}\}/g;

export class TemplateError extends Error {}

/**
 * Fills `{{X}}` (X in `now`) and `{{start:X}}` (X in `start`). A text that is one template
 * alone gives the value itself (a number stays a number).
 * @throws TemplateError when a place is not there.
 */
export function fill(text: string, now: unknown, start: unknown): unknown {
  const value = (isStart: boolean, place: string) => {
    const r = select(isStart ? start : now, place);
    if (!r.found)
      throw new TemplateError(`${isStart ? 'when the step began, ' : ''}${place} was not there (in "${text}")`);
    return r.value;
  };
  const one = /^\{\{\s*(start:)?\s*([^}]+?)\s*\}\}$/.exec(text);
  if (one) return value(!!one[1], one[2]);
  return text.replace(TEMPLATE, (_m, s: string | undefined, place: string) => {
    const v = value(!!s, place);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

export const hasTemplate = (text: string) => /\{\{[^}]*\}\}/.test(text);
