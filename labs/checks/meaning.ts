/**
 * Does a typed command line mean what a pattern command means? `vault` lines are read
 * with the CLI's own flag parser (cli/index.ts, loaded on first use so loading the lab
 * runtime stays light); other programs are compared order-free. Redacted values (`***`)
 * in the typed line match any value of the pattern.
 */
import type { VaultArgs } from '../../cli/index.js';
import { parseShell, type Pipeline, type SimpleCommand } from './shellwords.js';

type ParseVault = (argv: string[]) => VaultArgs | { error: string };
let parseVault: ParseVault | undefined;

/** The CLI's parser, imported the first time a `means:` check runs. */
export async function loadVaultParser(): Promise<ParseVault> {
  parseVault ??= (await import('../../cli/index.js')).parseVaultArgs;
  return parseVault;
}

/** How a typed simple command compares with the pattern. */
export interface Verdict {
  ok: boolean;
  /** Same program (and for vault, same command words): the diagnostic talks about this one. */
  same: boolean;
  /** What differs, for the learner: "on secret/other, the step wants secret/hello". */
  why?: string;
  /** The typed command in words: `vault kv get`. */
  what: string;
}

/** A typed value equals a pattern value; `***` (redacted) in the typed value stands for anything. */
export function sameValue(typed: string, want: string): boolean {
  if (typed === want) return true;
  if (!typed.includes('***')) return false;
  const re = typed
    .split('***')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`, 's').test(want);
}

const trimSlashes = (p: string) => p.replace(/^\/+|\/+$/g, '');
const show = (v: unknown) => (Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v));

function sameFlag(name: string, typed: unknown, want: unknown): boolean {
  if (Array.isArray(want) || (want && typeof want === 'object')) {
    return JSON.stringify(typed) === JSON.stringify(want) || sameValue(show(typed), show(want));
  }
  const t = String(typed);
  const w = String(want);
  return name === 'format' ? t.toLowerCase() === w.toLowerCase() : sameValue(t, w);
}

/** The path a vault command is about: `-mount=secret hello` reads `secret/hello` for kv commands. */
function target(v: VaultArgs): string | undefined {
  const first = v.args[0];
  if (v.command.startsWith('kv ') && v.set.has('mount')) {
    return trimSlashes(`${trimSlashes(String(v.flags.mount))}/${first ?? ''}`);
  }
  return first === undefined ? undefined : trimSlashes(first);
}

/** A later stage of the pipeline is `jq` picking `.X` (`jq -r .data.data.X`, `jq '.data.X'`). */
function jqPicks(rest: SimpleCommand[], field: string): boolean {
  return rest.some(
    (c) =>
      c.program === 'jq' &&
      c.args.some((a) => !a.startsWith('-') && new RegExp(`\\.${field.replace(/[^\w-]/g, '\\$&')}\\s*$`).test(a)),
  );
}

function compareVault(typed: VaultArgs, want: VaultArgs, rest: SimpleCommand[]): Verdict {
  const what = `vault ${typed.command}`;
  if (typed.command !== want.command) return { ok: false, same: false, what };
  const tp = target(typed);
  const wp = target(want);
  if (wp !== undefined && (tp === undefined || !sameValue(tp, wp)))
    return { ok: false, same: true, what, why: `${tp ? `on ${tp}` : 'without a path'}, the step wants ${wp}` };
  // Arguments after the path: each of the pattern's, in any order (`key=value` data may come in any order).
  const extra = [...typed.args.slice(1)];
  for (const a of want.args.slice(1)) {
    const k = extra.findIndex((x) => sameValue(x, a));
    if (k < 0) return { ok: false, same: true, what, why: `without the argument ${a}` };
    extra.splice(k, 1);
  }
  const unexpected = extra.filter((x) => !x.includes('='));
  if (unexpected.length) return { ok: false, same: true, what, why: `with the extra argument ${unexpected[0]}` };
  for (const name of want.set) {
    if (name === 'mount' && want.command.startsWith('kv ')) continue;
    if (name === 'field' && !typed.set.has('field')) {
      const json = String(typed.flags.format).toLowerCase() === 'json';
      if (json && jqPicks(rest, String(want.flags.field))) continue;
      return { ok: false, same: true, what, why: `without -field=${show(want.flags.field)}` };
    }
    if (!typed.set.has(name)) return { ok: false, same: true, what, why: `without -${name}=${show(want.flags[name])}` };
    if (!sameFlag(name, typed.flags[name], want.flags[name]))
      return {
        ok: false,
        same: true,
        what,
        why: `with -${name}=${show(typed.flags[name])}, the step wants -${name}=${show(want.flags[name])}`,
      };
  }
  return { ok: true, same: true, what };
}

/** `-flag value` pairs and positionals of a non-vault pattern, each to be found in the typed words. */
function compareOther(typed: SimpleCommand, want: SimpleCommand): Verdict {
  const what = typed.program;
  if (typed.program !== want.program) return { ok: false, same: false, what };
  const has = (flag: string, value?: string) => {
    const bare = flag.replace(/^--?/, '');
    for (let i = 0; i < typed.args.length; i++) {
      const a = typed.args[i];
      if (!a.startsWith('-')) continue;
      const eq = a.indexOf('=');
      const name = (eq < 0 ? a : a.slice(0, eq)).replace(/^--?/, '');
      if (name !== bare) continue;
      if (value === undefined) return true;
      if (eq >= 0 ? sameValue(a.slice(eq + 1), value) : sameValue(typed.args[i + 1] ?? '', value)) return true;
    }
    return false;
  };
  const w = want.args;
  for (let i = 0; i < w.length; i++) {
    const a = w[i];
    if (a.startsWith('-') && a.length > 1) {
      const eq = a.indexOf('=');
      const pair =
        eq >= 0
          ? [a.slice(0, eq), a.slice(eq + 1)]
          : w[i + 1] !== undefined && !w[i + 1].startsWith('-')
            ? [a, w[++i]]
            : [a, undefined];
      if (!has(pair[0]!, pair[1]))
        return { ok: false, same: true, what, why: `without ${pair[1] === undefined ? a : `${pair[0]} ${pair[1]}`}` };
    } else if (!typed.args.some((x) => sameValue(x, a))) {
      return { ok: false, same: true, what, why: `without ${a}` };
    }
  }
  return { ok: true, same: true, what };
}

/** The pattern of a `means:` check as one simple command (its first). */
export function patternOf(means: string): SimpleCommand | undefined {
  return parseShell(means)[0]?.[0];
}

/**
 * Judges every simple command of a typed line (substitutions and pipeline stages
 * included) against the pattern: the first that means it, else the closest miss.
 */
export function judgeLine(line: string, pattern: SimpleCommand, vault: ParseVault): Verdict {
  const want = pattern.program === 'vault' ? vault(pattern.args) : undefined;
  if (want && 'error' in want) return { ok: false, same: false, what: 'vault', why: `the pattern: ${want.error}` };
  let best: Verdict | undefined;
  const pipelines: Pipeline[] = parseShell(line);
  for (const p of pipelines) {
    for (let i = 0; i < p.length; i++) {
      const c = p[i];
      let v: Verdict;
      if (want) {
        if (c.program !== 'vault') continue;
        const typed = vault(c.args);
        v =
          'error' in typed
            ? { ok: false, same: false, what: 'vault', why: `the CLI refuses it: ${typed.error}` }
            : compareVault(typed, want, p.slice(i + 1));
      } else v = compareOther(c, pattern);
      if (v.ok) return v;
      if (!best || (v.same && !best.same)) best = v;
    }
  }
  return best ?? { ok: false, same: false, what: '' };
}
