/**
 * Checks content/coverage.yaml against the course and, when they are at hand, the seeds:
 * every lab and step it names exists, every seed section is listed, every command family
 * it calls taught is typed by the step it names, and no family it leaves untyped is typed
 * after all. Returns the problems as sentences (none: all is well).
 */
import { createHash } from 'node:crypto';
import type { Lab } from '../../labs/format/schema.js';
import { lineTypes, readPattern } from './families.js';

/** Labs other branches add; a `pending:` entry may name only these (the integrator fills in steps). */
export const PENDING_LABS = [
  'policy-language',
  'token-types',
  'cubbyhole-and-wrapping',
  'http-api',
  'identity',
  'ssh-certificates',
  'totp',
  'kubernetes-auth',
];

/** Why a family may stay untyped: no cloud, or infrastructure the course provisions itself. */
export const UNTYPED_KINDS = ['aws', 'deployment'];

export interface Section {
  section: string;
  taught?: string[];
  pending?: string[];
  not_taught?: string;
}

export interface Coverage {
  seeds: { file: string; sha256: string; heading_pattern: string; sections: Section[] }[];
  families: {
    family: string;
    match?: string[];
    seeds?: string;
    taught?: string;
    pending?: string;
    untyped?: string;
    reason?: string;
  }[];
  seed_errors?: { command: string; seeds: string; reason: string }[];
}

/** Headings compare by their letters and digits only (emoji, markdown and dashes aside). */
export const normal = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** What each step of each lab types: its solution and its alternatives' commands. */
export function typedLines(labs: Lab[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of labs)
    for (const s of l.steps)
      out.set(`${l.id}/${s.id}`, [...(s.solution ?? []), ...(s.alternatives ?? []).flatMap((a) => a.run ?? [])]);
  return out;
}

const sentence = (s: string | undefined) => !!s && s.trim().length >= 20 && /[.!?]$/.test(s.trim());

/**
 * @param seedText the seed files' text by file name, or undefined when the seeds are not at hand
 *   (then sections are checked as recorded, without reading the seeds).
 */
export function coverageProblems(cov: Coverage, labs: Lab[], seedText?: Map<string, string>): string[] {
  const problems: string[] = [];
  const steps = typedLines(labs);
  const labIds = new Set(labs.map((l) => l.id));
  const ref = (where: string, r: string) => {
    const [lab, step] = r.split('/');
    if (!labIds.has(lab)) problems.push(`${where}: lab "${lab}" does not exist`);
    else if (!step || !steps.has(r)) problems.push(`${where}: lab "${lab}" has no step "${step ?? ''}"`);
  };
  const pending = (where: string, id: string) => {
    if (!PENDING_LABS.includes(id))
      problems.push(
        `${where}: pending names "${id}", not one of the labs other branches add (${PENDING_LABS.join(', ')})`,
      );
  };

  for (const seed of cov.seeds) {
    for (const s of seed.sections) {
      const where = `${seed.file} section "${s.section}"`;
      for (const r of s.taught ?? []) ref(where, r);
      for (const p of s.pending ?? []) pending(where, p);
      if (!s.taught?.length && !s.pending?.length && !sentence(s.not_taught))
        problems.push(`${where}: say where it is taught, that it is pending, or why it is not taught (a sentence)`);
      if (s.not_taught !== undefined && !sentence(s.not_taught))
        problems.push(`${where}: not_taught needs a reason in a sentence`);
    }
    const text = seedText?.get(seed.file);
    if (seedText && text === undefined) {
      problems.push(`${seed.file}: no such seed file`);
      continue;
    }
    if (text === undefined) continue;
    const sha = createHash('sha256').update(text).digest('hex');
    if (sha !== seed.sha256)
      problems.push(`${seed.file}: the seed changed (sha256 ${sha}); map its sections again and record the new sha256`);
    const listed = new Set(seed.sections.map((s) => normal(s.section)));
    const found = new Set([...text.matchAll(new RegExp(seed.heading_pattern, 'gm'))].map((m) => normal(m[0])));
    for (const h of found) if (!listed.has(h)) problems.push(`${seed.file}: section "${h}" is missing from coverage`);
    for (const h of listed)
      if (!found.has(h)) problems.push(`${seed.file}: coverage lists "${h}", which is no section of the seed`);
  }
  if (seedText)
    for (const f of seedText.keys())
      if (!cov.seeds.some((s) => s.file === f)) problems.push(`seed ${f} is missing from coverage`);

  for (const f of cov.families) {
    const where = `family "${f.family}"`;
    let patterns: ReturnType<typeof readPattern>[];
    try {
      patterns = (f.match ?? [f.family]).map(readPattern);
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
      continue;
    }
    const typedBy = [...steps].filter(([, lines]) => lines.some((x) => patterns.some((p) => lineTypes(x, p))));
    const kinds = [f.taught, f.pending, f.untyped].filter((x) => x !== undefined).length;
    if (kinds !== 1) problems.push(`${where}: give exactly one of taught, pending, untyped`);
    if (f.taught !== undefined) {
      ref(where, f.taught);
      if (steps.has(f.taught) && !typedBy.some(([k]) => k === f.taught))
        problems.push(`${where}: step ${f.taught} types no such command (its solution and alternatives)`);
    }
    if (f.pending !== undefined) {
      pending(where, f.pending);
      const here = typedBy.find(([k]) => k.startsWith(`${f.pending}/`));
      if (here) problems.push(`${where}: ${here[0]} types it now; replace pending with taught: ${here[0]}`);
    }
    if (f.untyped !== undefined) {
      if (!UNTYPED_KINDS.includes(f.untyped))
        problems.push(`${where}: only ${UNTYPED_KINDS.join(' and ')} families may stay untyped, not "${f.untyped}"`);
      if (!sentence(f.reason)) problems.push(`${where}: an untyped family needs its reason in a sentence`);
      if (typedBy.length) problems.push(`${where}: ${typedBy[0][0]} types it; mark it taught: ${typedBy[0][0]}`);
    }
  }
  for (const e of cov.seed_errors ?? [])
    if (!sentence(e.reason)) problems.push(`seed error "${e.command}": say what Vault has instead, in a sentence`);
  return problems;
}
