/**
 * For the tests of single shipped labs: a lab file as plain data to change (swap a step's
 * checks for the ones it had before a fix, keep only some alternatives), turned back into a
 * lab and walked the way `vault-lab test` walks it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { type LoadedLab, parseLab } from '../../labs/format/load.js';
import { runVariant, type Variant } from '../../labs/tools/variants.js';
import { ROOT } from '../support/engine.js';

export type RawStep = Record<string, unknown> & { id: string };
export type RawLab = Record<string, unknown> & { steps: RawStep[] };

const fileOf = (name: string) => path.join(ROOT, 'content', 'labs', name);

/** The lab as data, to change before walking it. */
export function rawLab(name: string): RawLab {
  return parse(fs.readFileSync(fileOf(name), 'utf8')) as RawLab;
}

export function stepOf(raw: RawLab, id: string): RawStep {
  const s = raw.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
}

/** Only the steps up to and including `lastId`, without the alternatives of any step. */
export function upTo(raw: RawLab, lastId: string): RawLab {
  const end = raw.steps.findIndex((s) => s.id === lastId);
  return {
    ...raw,
    steps: raw.steps.slice(0, end + 1).map(({ alternatives: _a, http_solution: _h, ...s }) => ({ ...s }) as RawStep),
  };
}

/** Parses a YAML list of checks (as a lab file spells them). */
export const checks = (yaml: string) => parse(yaml) as unknown[];

/** Walks the lab one way; returns the steps that failed and the report text. */
export async function walk(raw: RawLab, name: string, variant: Variant) {
  const file = fileOf(name);
  const loaded: LoadedLab = { lab: parseLab(stringify(raw), file), file, dir: path.dirname(file) };
  const { outcomes, text } = await runVariant(loaded, variant);
  return { failed: outcomes.filter((o) => !o.ok), text };
}
